import { coresEven, describeWait, type CoreSpeeds } from '../bench/cores.js';

// The bench's rule for "the machine is whole" before it measures a ratio (bench/cores.ts).

const speeds = (a: number, b: number): CoreSpeeds => ({
  cores: [
    { core: 0, perSecond: a },
    { core: 1, perSecond: b },
  ],
  ceiling: (a + b) / Math.max(a, b),
});

test('cores are even when each runs at the given share of the fastest or more (boundary included)', () => {
  expect(coresEven(speeds(100, 90), 0.9)).toBe(true);
  expect(coresEven(speeds(100, 89.9), 0.9)).toBe(false);
  expect(coresEven(speeds(58, 100), 0.9)).toBe(false);
  expect(coresEven(speeds(100, 100), 0.9)).toBe(true);
});

test('the report names every wait: none, a wait that ended even, and one that ran out', () => {
  const even = speeds(99, 100);
  const uneven = speeds(100, 58);
  expect(describeWait({ speeds: even, even: true, waitedS: 0, tries: [even] })).toBe('core 0 99 %, core 1 100 % of the fastest (ceiling 1.99×)');
  expect(describeWait({ speeds: even, even: true, waitedS: 34, tries: [uneven, uneven, even] })).toBe(
    'core 0 99 %, core 1 100 % of the fastest (ceiling 1.99×), after waiting 34 s for even cores (3 measurements; the first: core 0 100 %, core 1 58 % of the fastest (ceiling 1.58×))',
  );
  expect(describeWait({ speeds: uneven, even: false, waitedS: 180, tries: [uneven, uneven] })).toMatch(/after waiting 180 s .*; still uneven when the wait ran out$/);
  expect(describeWait(undefined)).toBe('not measured');
});
