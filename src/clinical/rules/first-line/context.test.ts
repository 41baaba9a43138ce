import {
  calendarDayAfter,
  calendarDaysBetween,
  draftDose,
  indicatorFor,
  medicationDrafts,
  clinicalDate,
  plannedServiceRequests,
  procedureDrafts,
} from './context.js';
import { context, draftOrder, draftProcedure, procedure, snapshot } from '../support/snapshot-factory.test-support.js';

describe('dose-timing-support: calendar days in Oslo', () => {
  it('takes the Norwegian calendar day, not the UTC one', () => {
    expect(clinicalDate(new Date('2026-11-05T23:30:00Z'))).toBe('2026-11-06');
    expect(clinicalDate(new Date('2026-07-01T22:30:00Z'))).toBe('2026-07-02');
    expect(clinicalDate(new Date('2026-11-26'))).toBe('2026-11-26');
  });

  it('counts whole calendar days, whatever the clock time and across the DST change', () => {
    expect(calendarDaysBetween(new Date('2026-11-05T10:00:00+01:00'), new Date('2026-11-26'))).toBe(21);
    expect(calendarDaysBetween(new Date('2026-11-05T23:59:00+01:00'), new Date('2026-11-06T00:01:00+01:00'))).toBe(1);
    expect(calendarDaysBetween(new Date('2026-10-20T12:00:00+02:00'), new Date('2026-10-27T12:00:00+01:00'))).toBe(7);
    expect(calendarDaysBetween(new Date('2026-11-26'), new Date('2026-11-05'))).toBe(-21);
  });

  it('adds calendar days from the Oslo day', () => {
    expect(calendarDayAfter(new Date('2026-11-05T10:00:00+01:00'), 28)).toBe('2026-12-03');
    expect(calendarDayAfter(new Date('2026-11-05T23:30:00Z'), 28)).toBe('2026-12-04');
    expect(calendarDayAfter(new Date('2026-12-20T12:00:00Z'), 28)).toBe('2027-01-17');
  });
});

describe('dose-timing-support: drafts and doses', () => {
  const mel = (dose?: { value: number; unit: string }): ReturnType<typeof draftOrder> =>
    draftOrder({ display: 'Melfalan', concepts: ['drug:melphalan'] }, dose ? { dose } : {});

  it('reads a dose in the unit asked for, with «mg/m²» and g/m2 accepted; other units are not a dose', () => {
    expect(draftDose(mel({ value: 200, unit: 'mg/m2' }), 'mg/m2')).toBe(200);
    expect(draftDose(mel({ value: 200, unit: 'mg/m²' }), 'mg/m2')).toBe(200);
    expect(draftDose(mel({ value: 0.2, unit: 'g/m2' }), 'mg/m2')).toBeCloseTo(200, 9);
    expect(draftDose(mel({ value: 200, unit: 'mg/m2' }), 'mg')).toBeUndefined();
    expect(draftDose(mel({ value: 2, unit: '{tbl}' }), 'mg')).toBeUndefined();
    expect(draftDose(mel({ value: 25, unit: 'mg' }), 'mg')).toBe(25);
    expect(draftDose(mel(), 'mg')).toBeUndefined();
    expect(draftDose(mel({ value: Number.NaN, unit: 'mg' }), 'mg')).toBeUndefined();
  });

  it('keeps drafts in focus carrying the concept', () => {
    const s = snapshot({
      draftOrders: [
        draftOrder('lenalidomide', { id: 'a' }),
        draftOrder('lenalidomide', { id: 'b', inFocus: false }),
        draftOrder('bortezomib', { id: 'c' }),
        draftProcedure('proc:stem-cell-apheresis', { id: 'd' }),
        draftProcedure('proc:stem-cell-apheresis', { id: 'e', inFocus: false }),
      ],
    });
    expect(medicationDrafts(s, ['drug:lenalidomide']).map((d) => d.ref)).toEqual(['MedicationRequest/a']);
    expect(procedureDrafts(s, 'proc:stem-cell-apheresis').map((d) => d.ref)).toEqual(['ServiceRequest/d']);
  });

  it('planned requests are active or on-hold ServiceRequests, not Procedures done', () => {
    const s = snapshot({
      procedures: [
        procedure('proc:hmas', { source: 'ServiceRequest', id: 'a', status: 'active' }),
        procedure('proc:hmas', { source: 'ServiceRequest', id: 'b', status: 'on-hold' }),
        procedure('proc:hmas', { source: 'ServiceRequest', id: 'c', status: 'completed' }),
        procedure('proc:hmas', { source: 'Procedure', id: 'd' }),
        procedure('proc:hsct', { source: 'ServiceRequest', id: 'e', status: 'active' }),
      ],
    });
    expect(plannedServiceRequests(s, 'proc:hmas').map((p) => p.ref)).toEqual(['ServiceRequest/a', 'ServiceRequest/b']);
  });

  it('picks the indicator by hook', () => {
    expect(indicatorFor(context('order-sign'), 'critical', 'warning')).toBe('critical');
    expect(indicatorFor(context('order-select'), 'critical', 'warning')).toBe('warning');
  });
});
