import { oncePerSnapshot, timeKey } from './memo.js';
import { isoDate, clinicalDay } from './time.js';
import { snapshot as snapshotOf } from './snapshot-factory.test-support.js';

describe('oncePerSnapshot', () => {
  test('computes once per snapshot and key, separately for another snapshot or key', () => {
    const a = snapshotOf({});
    const b = snapshotOf({});
    let calls = 0;
    const compute = () => ++calls;
    expect(oncePerSnapshot(a, 'x', compute)).toBe(1);
    expect(oncePerSnapshot(a, 'x', compute)).toBe(1);
    expect(oncePerSnapshot(a, 'y', compute)).toBe(2);
    expect(oncePerSnapshot(b, 'x', compute)).toBe(3);
    expect(calls).toBe(3);
  });

  test('an undefined result is remembered too', () => {
    const s = snapshotOf({});
    let calls = 0;
    const compute = (): undefined => void calls++;
    expect(oncePerSnapshot(s, 'none', compute)).toBeUndefined();
    expect(oncePerSnapshot(s, 'none', compute)).toBeUndefined();
    expect(calls).toBe(1);
  });

  test('timeKey tells dates apart and marks a missing one', () => {
    expect(timeKey(undefined)).toBe('-');
    expect(timeKey(new Date('2026-01-01T00:00:00Z'))).not.toBe(timeKey(new Date('2026-01-01T00:00:01Z')));
  });
});

describe('clinicalDay', () => {
  test('orders and groups exactly as the ISO calendar date does, at the midnight boundary', () => {
    // Midnight in Oslo (UTC+1 in March before the change to summer time).
    const before = new Date('2026-03-01T22:59:59.999Z');
    const midnight = new Date('2026-03-01T23:00:00.000Z');
    const later = new Date('2026-03-02T22:59:59.999Z');
    expect(clinicalDay(before)).toBe(clinicalDay(midnight) - 1);
    expect(clinicalDay(midnight)).toBe(clinicalDay(later));
    expect(isoDate(before) < isoDate(midnight)).toBe(clinicalDay(before) < clinicalDay(midnight));
    expect(clinicalDay(new Date('1969-12-31T12:00:00Z'))).toBe(-1);
  });
});
