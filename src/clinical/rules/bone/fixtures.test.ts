// The demo patients of this area (fixtures/pat-bvf-*.json) through the real snapshot builder and
// the area's rules, with the fixtures' reference date.
import type { Resource } from '@medplum/fhirtypes';
import type { Finding, Hook } from '../../types.js';
import { followupRules } from '../followup/index.js';
import { boneRules } from './index.js';
import { vaccinationRules } from '../vaccination/index.js';
import { medicationRequest } from '../support/bone-vaccine-followup-fhir.test-support.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';

const boneVaccineFollowupRules = [...followupRules, ...boneRules, ...vaccinationRules];
const NOW = new Date('2026-11-22T12:00:00+01:00');
function cards(patientId: string, hook: Hook, drafts: Resource[] = []): string[] {
  const snapshot = fixtureSnapshot(
    patientId,
    NOW,
    drafts.map((d) => ({ ...d, subject: { reference: `Patient/${patientId}` } }) as Resource),
    { types: ['Observation', 'Condition', 'MedicationRequest', 'MedicationStatement', 'MedicationAdministration', 'Procedure', 'ServiceRequest', 'Medication'] },
  );
  const findings: Finding[] = boneVaccineFollowupRules.filter((r) => r.hooks.includes(hook)).flatMap((r) => r.evaluate(snapshot, { now: NOW, hook }));
  return findings.map((f) => `${f.ruleId}${f.outcome === 'not-evaluable' ? '.not-evaluable' : ''}:${f.variant}:${f.indicator ?? '-'}`);
}

const draft = (id: string, atc: string): Resource => medicationRequest(id, { codings: [{ system: 'http://www.whocc.no/atc', code: atc }] }, { status: 'draft' });

describe('bone, vaccine and follow-up demo patients', () => {
  it('pat-bvf-zoledronate-low-egfr: GFR 29.9 warning, no dental record; denosumab reminder', () => {
    expect(cards('pat-bvf-zoledronate-low-egfr', 'patient-view')).toEqual([
      'bisphosphonate-schedule:gfr-below-30:warning',
      'bisphosphonate-dental-calcium:dental-missing:warning',
    ]);
    expect(cards('pat-bvf-zoledronate-low-egfr', 'order-select', [draft('z', 'M05BA08')])).toEqual(['bisphosphonate-schedule:gfr-below-30:info']);
    expect(cards('pat-bvf-zoledronate-low-egfr', 'order-sign', [draft('z', 'M05BA08')])).toEqual(['bisphosphonate-schedule:gfr-below-30:warning']);
    expect(cards('pat-bvf-zoledronate-low-egfr', 'order-sign', [draft('d', 'M05BX04')])).toEqual(['denosumab-safety:ordered:-']);
  });

  it('pat-bvf-zoledronate-no-egfr: eGFR older than 14 days and no calcium -> not evaluable', () => {
    expect(cards('pat-bvf-zoledronate-no-egfr', 'patient-view')).toEqual(['bisphosphonate-schedule.not-evaluable:default:warning']);
    expect(cards('pat-bvf-zoledronate-no-egfr', 'order-sign', [draft('z', 'M05BA08')])).toEqual(['bisphosphonate-schedule.not-evaluable:default:warning']);
    expect(cards('pat-bvf-zoledronate-no-egfr', 'order-sign', [draft('d', 'M05BX04')])).toEqual(['denosumab-safety.not-evaluable:default:-']);
  });

  it('pat-bvf-post-hmas: live vaccines after HMAS; denosumab stopped without the final dose', () => {
    expect(cards('pat-bvf-post-hmas', 'patient-view')).toEqual(['denosumab-safety:stopped:-']);
    expect(cards('pat-bvf-post-hmas', 'order-sign', [draft('y', 'J07BL01'), draft('b', 'J07AN01'), draft('v', 'J07BK01')])).toEqual([
      'vaccine-live-contraindication:yellow-fever-early:warning',
      'vaccine-live-contraindication:bcg:critical',
      'vaccine-live-contraindication:live-after-hmas:critical',
    ]);
  });

  it('pat-bvf-mgus-rising: follow-up incomplete and M-protein up 5.5 g/L', () => {
    expect(cards('pat-bvf-mgus-rising', 'patient-view')).toEqual(['mgus-followup:default:-', 'mgus-rereferral-trigger:mprotein:-']);
  });

  it('pat-bvf-mgus-nodate: MGUS follow-up cannot be scheduled', () => {
    expect(cards('pat-bvf-mgus-nodate', 'patient-view')).toEqual(['mgus-followup.not-evaluable:default:-']);
  });

  it('pat-mgus (existing): no MGUS follow-up card on 2026-11-22', () => {
    expect(cards('pat-mgus', 'patient-view')).toEqual([]);
  });
});
