// The treatment-pathway demo patients (fixtures/pat-tp1-*.json) through the real snapshot builder and
// the induction rule, with the fixtures' reference date.
import type { Resource } from '@medplum/fhirtypes';
import type { Hook } from '../../types.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';
import { inductionRegimenCheck } from './induction-regimen-check.js';

const NOW = new Date('2026-11-22T11:00:00+01:00');
const bortezomib = (value: number, unit: string, authoredOn: string): Resource =>
  ({
    resourceType: 'MedicationRequest',
    id: 'draft-v',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/pat-tp1-vrd-induction' },
    authoredOn,
    medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01XG01' }], text: 'Bortezomib' },
    dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } }] }],
  });

function cards(hook: Hook, draft: Resource): string[] {
  const snapshot = fixtureSnapshot('pat-tp1-vrd-induction', NOW, [draft], hook === 'order-select' ? { selections: ['MedicationRequest/draft-v'] } : {});
  return inductionRegimenCheck
    .evaluate(snapshot, { now: NOW, hook })
    .map((f) => `${f.outcome}:${f.variant}:${f.indicator ?? '-'}`);
}

describe('pat-tp1-vrd-induction', () => {
  it('C2D1 bortezomib 2.5 mg at BSA 1.9 m² passes; 3.5 mg is a dose warning; today (day 25) is too soon', () => {
    expect(cards('order-select', bortezomib(2.5, 'mg', '2026-11-26'))).toEqual(['fired:regimen-bortezomib:info']);
    expect(cards('order-sign', bortezomib(2.5, 'mg', '2026-11-26'))).toEqual([]);
    expect(cards('order-sign', bortezomib(3.5, 'mg', '2026-11-26'))).toEqual(['fired:dose-high:warning']);
    expect(cards('order-sign', bortezomib(1.3, 'mg/m2', '2026-11-22'))).toEqual(['fired:too-soon:warning']);
  });
});
