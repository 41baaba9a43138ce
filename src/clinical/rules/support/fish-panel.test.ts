import { coded, codedByConcept, condition, daysFrom, snapshot, NOW } from './snapshot-factory.test-support.js';
import { FISH_SIGN, orderLab, readFish, stagingScope, usedFish } from './fish-panel.js';

describe('workup-staging-fish', () => {
  const at = daysFrom(NOW, -100);

  it('reads present over absent, absent, and not reported', () => {
    const s = snapshot({
      codedObservations: codedByConcept(
        coded('fish:del17p', ['answer:absent'], daysFrom(NOW, -10)),
        coded('fish:del17p', ['answer:present'], at, 'p1'),
        coded('fish:t4-14', ['answer:absent'], at, 'a1'),
        coded('fish:t14-16', [], at),
      ),
    });
    expect(readFish(s, 'fish:del17p', NOW)).toMatchObject({ status: 'present', observation: { source: { id: 'p1' } } });
    expect(readFish(s, 'fish:t4-14', NOW)).toMatchObject({ status: 'absent', observation: { source: { id: 'a1' } } });
    expect(readFish(s, 'fish:t14-16', NOW)).toEqual({});
    expect(readFish(s, 'fish:gain1q', NOW)).toEqual({});
  });

  it('restricts to a window around a date, both sides inclusive', () => {
    const s = snapshot({ codedObservations: codedByConcept(coded('fish:gain1q', ['answer:present'], at)) });
    expect(readFish(s, 'fish:gain1q', NOW, { date: daysFrom(at, 60), windowDays: 60 }).status).toBe('present');
    expect(readFish(s, 'fish:gain1q', NOW, { date: daysFrom(at, -60), windowDays: 60 }).status).toBe('present');
    expect(readFish(s, 'fish:gain1q', NOW, { date: daysFrom(at, 61), windowDays: 60 }).status).toBeUndefined();
  });

  it('ignores reports dated after the request time', () => {
    const s = snapshot({ codedObservations: codedByConcept(coded('fish:gain1q', ['answer:present'], daysFrom(NOW, 1))) });
    expect(readFish(s, 'fish:gain1q', NOW)).toEqual({});
  });

  it('shows a report as a sign with its date and source', () => {
    const s = snapshot({ codedObservations: codedByConcept(coded('fish:t4-14', ['answer:present'], at, 'x')) });
    expect(usedFish('fish:t4-14', readFish(s, 'fish:t4-14', NOW))).toEqual({
      concept: 'fish:t4-14',
      value: FISH_SIGN.present,
      date: at,
      source: { resourceType: 'Observation', id: 'x' },
    });
    expect(usedFish('fish:t4-14', {})).toBeUndefined();
  });

  it('scopes to current myeloma or PCL with the earliest diagnosis date', () => {
    expect(stagingScope(snapshot({ conditions: [condition('cond:mgus')] }))).toBeUndefined();
    const scope = stagingScope(
      snapshot({
        conditions: [
          condition('cond:multiple-myeloma', { onset: '2025-03-01', id: 'a' }),
          condition('cond:plasma-cell-leukaemia', { recorded: '2025-01-01', id: 'b' }),
          condition('cond:multiple-myeloma', { onset: '2020-01-01', clinicalStatus: 'resolved', id: 'c' }),
        ],
      }),
    );
    expect(scope?.conditions.map((c) => c.ref)).toEqual(['Condition/a', 'Condition/b']);
    expect(scope?.diagnosis?.date).toEqual(new Date('2025-01-01'));
    expect(stagingScope(snapshot({ conditions: [condition('cond:multiple-myeloma')] }))?.diagnosis).toBeUndefined();
  });

  it('orders labs by their verified LOINC only', () => {
    expect(orderLab('lab:ld')).toEqual({ template: 'order-lab', params: { concept: 'lab:ld', loinc: '2532-0' } });
    expect(orderLab('fish:del17p')).toBeUndefined();
  });
});
