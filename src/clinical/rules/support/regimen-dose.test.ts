import { bodySize, checkDose, courseStart, cycleDay, mostellerBsa, orderedDose } from './regimen-dose.js';
import { NOW, daysFrom, draftOrder, lab, labsByConcept, medication, snapshot } from './snapshot-factory.test-support.js';

const D = daysFrom(NOW, -1);

describe('regimen-dose helper', () => {
  it('Mosteller BSA: 180 cm × 72 kg -> 1.9 m²; 165 cm × 60 kg -> 1.66 m²', () => {
    expect(mostellerBsa(180, 72)).toBe(1.9);
    expect(mostellerBsa(165, 60)).toBe(1.66);
  });

  it('measured BSA wins over height and weight; weight older than 14 days is not used', () => {
    const both = bodySize(snapshot({ labs: labsByConcept(lab('lab:bsa', 2.0, 'm2', D), lab('lab:height', 180, 'cm', D), lab('lab:weight', 72, 'kg', D)) }), NOW);
    expect(both.bsa).toMatchObject({ value: 2.0, computed: false });
    expect(both.weight?.value).toBe(72);
    const stale = bodySize(snapshot({ labs: labsByConcept(lab('lab:height', 180, 'cm', D), lab('lab:weight', 72, 'kg', daysFrom(NOW, -15))) }), NOW);
    expect(stale).toEqual({});
  });

  it('reads ordered doses in mg (also g and µg), mg/m² (also typed mg/m²) and mg/kg; other units are no dose', () => {
    const d = (value: number, unit: string) => orderedDose(draftOrder('bortezomib', { dose: { value, unit } }));
    expect(d(2.5, 'mg')).toEqual({ value: 2.5, unit: 'mg' });
    expect(d(0.0025, 'g')).toEqual({ value: 2.5, unit: 'mg' });
    expect(d(2500, 'ug')).toEqual({ value: 2.5, unit: 'mg' });
    expect(d(1.3, 'mg/m²')).toEqual({ value: 1.3, unit: 'mg/m2' });
    expect(d(10, 'mg/kg')).toEqual({ value: 10, unit: 'mg/kg' });
    expect(d(1, 'mL')).toBeUndefined();
    expect(d(0, 'mg')).toBeUndefined();
  });

  it('converts between mg, mg/m² and mg/kg and names the body size it lacks', () => {
    const body = { bsa: { value: 2, computed: false, values: [] }, weight: lab('lab:weight', 80, 'kg', D) };
    const perM2 = draftOrder('bortezomib', { dose: { value: 1.3, unit: 'mg/m2' } });
    expect(checkDose(perM2, { value: 2.6, unit: 'mg' }, body)).toMatchObject({ status: 'ok', inSeedUnit: 2.6 });
    expect(checkDose(perM2, { value: 1.3, unit: 'mg/m2' }, {})).toMatchObject({ status: 'ok', ratio: 1 });
    expect(checkDose(perM2, { value: 10, unit: 'mg/kg' }, { bsa: body.bsa })).toEqual({ status: 'missing', missing: ['lab:weight'] });
    const mg = draftOrder('bortezomib', { dose: { value: 1000, unit: 'mg' } });
    expect(checkDose(mg, { value: 10, unit: 'mg/kg' }, body)).toMatchObject({ status: 'deviation', inSeedUnit: 12.5, differencePct: 25, seedInOrderedUnit: 800, critical: false });
    expect(checkDose(mg, { value: 1.3, unit: 'mg/m2' }, {})).toEqual({ status: 'missing', missing: ['lab:bsa'] });
    expect(checkDose(draftOrder('bortezomib'), { value: 1.3, unit: 'mg/m2' }, body)).toEqual({ status: 'no-dose' });
  });

  it('cycle and day in Oslo calendar days, 28-day cycles', () => {
    const start = new Date('2026-01-01T08:00:00+01:00');
    expect(cycleDay(start, new Date('2026-01-01T23:30:00+01:00'), 28)).toEqual({ cycle: 1, day: 1 });
    expect(cycleDay(start, new Date('2026-01-28T09:00:00+01:00'), 28)).toEqual({ cycle: 1, day: 28 });
    expect(cycleDay(start, new Date('2026-01-29T09:00:00+01:00'), 28)).toEqual({ cycle: 2, day: 1 });
  });

  it('course start: the first administration of the run with gaps ≤ 42 days; a gap of 43 days splits courses', () => {
    const adm = (daysAgo: number, id: string) => medication('bortezomib', { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -daysAgo), id });
    const s = (list: ReturnType<typeof adm>[]) => snapshot({ administrations: list });
    expect(courseStart(s([adm(100, 'a'), adm(58, 'b'), adm(16, 'c')]), ['drug:bortezomib'], NOW)?.ref).toBe('MedicationAdministration/a');
    expect(courseStart(s([adm(101, 'a'), adm(58, 'b'), adm(16, 'c')]), ['drug:bortezomib'], NOW)?.ref).toBe('MedicationAdministration/b');
    expect(courseStart(s([adm(43, 'a')]), ['drug:bortezomib'], NOW)).toBeUndefined();
  });
});
