import type { PatientSnapshot } from '../../types.js';

// Several rules read the same derived series of the same snapshot in one call (dFLC pairs are
// wanted by progression, measurability and the response category). Snapshots are never mutated
// after they are built, so a derived value is a pure function of (snapshot, key) and is computed
// once; the WeakMap lets the entries go with the snapshot. Callers must treat results as frozen.

const derived = new WeakMap<PatientSnapshot, Map<string, unknown>>();

export function oncePerSnapshot<T>(snapshot: PatientSnapshot, key: string, compute: () => T): T {
  let entries = derived.get(snapshot);
  if (!entries) derived.set(snapshot, (entries = new Map<string, unknown>()));
  if (entries.has(key)) return entries.get(key) as T;
  const value = compute();
  entries.set(key, value);
  return value;
}

/** A memo key part for an optional date. */
export function timeKey(d: Date | undefined): string {
  return d === undefined ? '-' : String(d.getTime());
}
