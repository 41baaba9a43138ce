import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { fromRoot } from '../paths.js';
import { loadFixtureBundles } from './fixtures.js';

// Every path that puts the synthetic patients into a FHIR server (the demo server at start-up,
// `npm run fixtures:load` for any other server) takes them from here, so the dates are moved to
// the loading day in one place.

export interface FixtureSet {
  bundles: Bundle[];
  /** The day the charts are current at: a service judging them must use this as its clock. */
  asOf: Date;
}

/** The day the fixture files are written for (`now` in fixtures/scenarios.json). */
export function fixtureReferenceDate(fixturesDir: string = fromRoot('fixtures')): Date {
  const { now } = JSON.parse(readFileSync(join(fixturesDir, 'scenarios.json'), 'utf8')) as { now: string };
  const date = new Date(now);
  if (Number.isNaN(date.getTime())) throw new Error('fixtures/scenarios.json: "now" is not a date');
  return date;
}

/**
 * The fixture bundles as a server should hold them when loaded at `loadedAt`. The files are written
 * for their reference date; until the date shift for fixture bundles is in place they are loaded
 * as written and stay current at that date.
 */
export function fixtureSetFor(loadedAt: Date, fixturesDir: string = fromRoot('fixtures')): FixtureSet {
  void loadedAt;
  const bundles = loadFixtureBundles(fixturesDir);
  return { bundles, asOf: fixtureReferenceDate(fixturesDir) };
}
