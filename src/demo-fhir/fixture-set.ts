import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { fromRoot } from '../paths.js';
import { FIXTURE_FILE, loadFixtureBundles } from './fixtures.js';

// Every path that puts the synthetic patients into a FHIR server (the demo server at start-up,
// `npm run fixtures:load` for any other server) takes them from here, so the dates are moved to
// the loading day in one place, and the tools that judge the charts learn which day they are
// current at (`asOf`).

export interface FixtureSet {
  bundles: Bundle[];
  /** The day the charts are current at: a service judging them must use this as its clock. */
  asOf: Date;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}/;

/** The day the fixture files are written for (`now` in fixtures/scenarios.json). */
export function fixtureReferenceDate(fixturesDir: string = fromRoot('fixtures')): Date {
  const { now } = JSON.parse(readFileSync(join(fixturesDir, 'scenarios.json'), 'utf8')) as { now: string };
  const date = new Date(now);
  if (Number.isNaN(date.getTime())) throw new Error('fixtures/scenarios.json: "now" is not a date');
  return date;
}

/** Every date-valued string of a JSON value, with its path. */
function dates(value: unknown, path = '', out: { path: string; date: string }[] = []): { path: string; date: string }[] {
  if (typeof value === 'string') {
    if (DATE.test(value)) out.push({ path, date: value });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) dates(child, `${path}/${key}`, out);
  }
  return out;
}

function at(value: unknown, path: string): unknown {
  return path
    .split('/')
    .slice(1)
    .reduce<unknown>((v, key) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined), value);
}

/**
 * Whole days a loaded bundle's dates were moved from its file's (0 when loaded as written): the most
 * common move over all its dates, so dates a shift leaves alone (a birth date, say) do not count.
 */
export function shiftInDays(raw: unknown, loaded: unknown): number {
  const moves = new Map<number, number>();
  for (const { path, date } of dates(raw)) {
    const moved = at(loaded, path);
    if (typeof moved !== 'string' || !DATE.test(moved)) continue;
    const days = Math.round((Date.parse(moved.slice(0, 10)) - Date.parse(date.slice(0, 10))) / DAY_MS);
    moves.set(days, (moves.get(days) ?? 0) + 1);
  }
  let best = 0;
  let count = 0;
  for (const [days, n] of moves) {
    if (n > count) [best, count] = [days, n];
  }
  return best;
}

function firstFileShift(fixturesDir: string, bundles: readonly Bundle[]): number {
  const first = readdirSync(fixturesDir)
    .filter((name) => FIXTURE_FILE.test(name))
    .sort()[0];
  if (!first || !bundles[0]) return 0;
  return shiftInDays(JSON.parse(readFileSync(join(fixturesDir, first), 'utf8')), bundles[0]);
}

/**
 * The fixture bundles as a server should hold them when loaded at `loadedAt`, and the day they are
 * current at: the files' reference date moved by as many days as the bundles' dates were moved
 * (the date shift for fixture bundles, once in place, applies here or in loadFixtureBundles).
 */
export function fixtureSetFor(loadedAt: Date, fixturesDir: string = fromRoot('fixtures')): FixtureSet {
  const bundles = loadFixtureBundles(fixturesDir, loadedAt);
  const days = firstFileShift(fixturesDir, bundles);
  return { bundles, asOf: new Date(fixtureReferenceDate(fixturesDir).getTime() + days * DAY_MS) };
}
