import { bispecificPhase, calendarDaysBetween, expectedDose, plannedTime, protocolFor, sameDose } from './context.js';
import { draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { SPECS } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z');

describe('regimen-safety-bispecific', () => {
  it('has protocols for teclistamab, elranatamab and talquetamab only', () => {
    expect(protocolFor(medication(SPECS.teclistamab))?.minGapHours).toBe(48);
    expect(protocolFor(medication(SPECS.elranatamab))?.minGapHours).toBe(72);
    expect(protocolFor(medication(SPECS.talquetamab))?.stepUps).toHaveLength(3);
    expect(protocolFor(medication(SPECS.linvoseltamab))).toBeUndefined();
  });

  it('counts earlier administrations (not later ones) to place the draft in the protocol', () => {
    const draft = draftOrder(SPECS.teclistamab, { date: NOW });
    const at = (iso: string): ReturnType<typeof medication> => medication(SPECS.teclistamab, { source: 'MedicationAdministration', id: iso, occurredAt: iso });
    expect(bispecificPhase(snapshot({ draftOrders: [draft] }), draft, NOW)).toMatchObject({ kind: 'step-up', stepUp: 1 });
    const one = bispecificPhase(snapshot({ administrations: [at('2026-11-20T09:00:00Z'), at('2026-11-23T09:00:00Z')] }), draft, NOW);
    expect(one).toMatchObject({ kind: 'step-up', stepUp: 2 });
    expect(one && expectedDose(one)).toEqual({ value: 0.3, unit: 'mg/kg' });
    const two = bispecificPhase(snapshot({ administrations: [at('2026-11-18T09:00:00Z'), at('2026-11-20T09:00:00Z')] }), draft, NOW);
    expect(two?.kind).toBe('first-full');
    expect(two && expectedDose(two)).toEqual({ value: 1.5, unit: 'mg/kg' });
  });

  it('plans at the draft date, else at the request time', () => {
    expect(plannedTime(draftOrder(SPECS.teclistamab, { date: '2026-12-01T08:00:00Z' }), NOW).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(plannedTime(draftOrder(SPECS.teclistamab), NOW)).toBe(NOW);
  });

  it('counts Norwegian calendar days across midnight and the DST change', () => {
    expect(calendarDaysBetween(new Date('2026-11-20T23:10:00Z'), new Date('2026-11-21T10:00:00Z'))).toBe(0);
    expect(calendarDaysBetween(new Date('2026-11-20T22:59:00Z'), new Date('2026-11-20T23:01:00Z'))).toBe(1);
    expect(calendarDaysBetween(new Date('2026-10-24T12:00:00Z'), new Date('2026-10-26T12:00:00Z'))).toBe(2);
  });

  it('compares doses by unit and value', () => {
    expect(sameDose({ value: 0.06, unit: 'mg/kg' }, { value: 0.06, unit: 'mg/kg' })).toBe(true);
    expect(sameDose({ value: 0.06, unit: 'mg' }, { value: 0.06, unit: 'mg/kg' })).toBe(false);
  });
});
