import type { Resource } from '@medplum/fhirtypes';
import { buildSnapshot } from '../snapshot/build.js';
import type { SnapshotInput } from '../snapshot/input.js';
import { loadTerminology } from '../terminology/concepts.js';
import type { Finding, MedicationEntry } from '../types.js';
import { formatDate } from '../../cards/render.js';
import { isoDate } from './support/time.js';
import { context, draftOrder, medication, snapshot } from './support/snapshot-factory.test-support.js';
import { renderBoth } from './support/render.test-support.js';
import { bispecificVaccinationTiming } from './relapse/bispecific-vaccination-timing.js';
import { doseDexamethasoneAge } from './first-line/dose-dexamethasone-age.js';
import { daraApheresis4WeekGap } from './first-line/dara-apheresis-4-week-gap.js';
import { SPECS } from './relapse/fhir.test-support.js';

// Issue 12 §1.8: one clinical day (CDS_TIME_ZONE, default Europe/Oslo) for every rule that counts
// days and every date on a card. The clock is 00:30 on 22 November 2026 in Oslo (23:30 UTC the
// day before): every rule must see 22 November.
const NOW = new Date('2026-11-21T23:30:00Z');
const terminology = loadTerminology();

function build(resources: Record<string, unknown>[], patient?: Record<string, unknown>, drafts: Record<string, unknown>[] = []) {
  const input: SnapshotInput = {
    patientId: 'p1',
    ...(patient ? { patient: { resourceType: 'Patient', id: 'p1', ...patient } as unknown as NonNullable<SnapshotInput['patient']> } : {}),
    resources: { observations: resources as unknown as Resource[] },
    medications: [],
    draftOrders: drafts as unknown as Resource[],
    unavailable: [],
  };
  return buildSnapshot(input, terminology, NOW);
}

describe('one clinical day at 00:30 local time', () => {
  it('card dates and ISO dates of rule parameters are the local day', () => {
    expect(formatDate(NOW)).toBe('2026-11-22');
    expect(isoDate(NOW)).toBe('2026-11-22');
  });

  it('age in whole years turns on the local birthday (76 on 22 November, not 75 on the UTC day)', () => {
    const s = build([], { gender: 'male', birthDate: '1950-11-22' });
    expect(s.ageYears).toBe(76);
  });

  it('the 30-day pregnancy window counts local days: a status of 22 October noon is 31 days old', () => {
    const status = (at: string): Record<string, unknown> => ({
      resourceType: 'Observation',
      id: `ps-${at}`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '82810-3' }] },
      effectiveDateTime: at,
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '77386006' }] },
    });
    const woman = { gender: 'female', birthDate: '1995-01-01' };
    expect(build([status('2026-10-22T12:00:00Z')], woman).pregnancy).toBe('unknown');
    expect(build([status('2026-10-23T00:30:00+02:00')], woman).pregnancy).toBe('pregnant');
  });

  it('the dexamethasone age band sees the same day (76 > 75: the weekly 20 mg card)', () => {
    const myeloma = { resourceType: 'Condition', id: 'mm', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] } };
    const dex = {
      resourceType: 'MedicationRequest',
      id: 'dex',
      status: 'draft',
      intent: 'order',
      medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'H02AB02' }] },
      dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'wk' } }, doseAndRate: [{ doseQuantity: { value: 40, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }],
    };
    const s = build([myeloma], { gender: 'male', birthDate: '1950-11-22' }, [dex]);
    expect(doseDexamethasoneAge.evaluate(s, context('order-sign', NOW))[0]).toMatchObject({ variant: 'reduce-over-75', params: { age: 76 } });
  });

  it('the bispecific vaccination window counts local days: 00:30 on 15 November is 7 days before', () => {
    const given = (at: string): MedicationEntry => medication(SPECS.influenzaVaccine, { source: 'MedicationAdministration', id: at, occurredAt: at });
    const tec = draftOrder(SPECS.teclistamab, { id: 'tec' });
    const run = (at: string): Finding[] => bispecificVaccinationTiming.evaluate(snapshot({ administrations: [given(at), given('2026-06-01T10:00:00Z')], draftOrders: [tec] }), context('order-sign', NOW));
    expect(run('2026-11-14T23:30:00Z')[0]?.params.days).toBe(7);
    expect(run('2026-11-14T22:30:00Z')).toEqual([]);
  });

  it('the daratumumab–harvest gap and its card dates use the same day', () => {
    const harvest = { ref: 'ServiceRequest/h', source: 'ServiceRequest' as const, concepts: ['proc:stem-cell-apheresis'], status: 'active', date: new Date('2026-11-26T08:00:00+01:00'), display: 'Stamcellehøsting' };
    const f = daraApheresis4WeekGap.evaluate(snapshot({ procedures: [harvest], draftOrders: [draftOrder('daratumumab', { id: 'dara' })] }), context('order-sign', NOW))[0];
    expect(f?.params).toMatchObject({ days: 4, harvestDate: '2026-11-26', earliestDate: '2026-12-20' });
    expect(renderBoth([f as Finding], 'order-sign').en[0]?.summary).toContain('(2026-11-26)');
  });
});
