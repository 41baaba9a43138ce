import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { fromRoot } from '../paths.js';
import { rebaseFixtureDates } from './fixture-dates.js';

/** One transaction Bundle per synthetic patient, named after the patient id (`pat-*.json`). */
export const FIXTURE_FILE = /^pat-[a-z0-9-]+\.json$/;

/**
 * Reads every patient file of the fixtures folder (default `fixtures/` at the project root), in
 * file-name order; other files there (scenarios.json) are documentation for tests. Each must be a
 * FHIR Bundle; a file that is not is a broken checkout, so it throws. Dates are moved from the
 * fixtures' reference day to `now`'s day (fixture-dates.ts), so the charts read the same on any day.
 */
export function loadFixtureBundles(fixturesDir: string = fromRoot('fixtures'), now: Date = new Date()): Bundle[] {
  const files = readdirSync(fixturesDir)
    .filter((name) => FIXTURE_FILE.test(name))
    .sort();
  return files.map((name) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(fixturesDir, name), 'utf8'));
    } catch (err) {
      throw new Error(`Fixture ${name} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || (parsed as { resourceType?: unknown }).resourceType !== 'Bundle') {
      throw new Error(`Fixture ${name} is not a FHIR Bundle`);
    }
    return rebaseFixtureDates(parsed as Bundle, now);
  });
}
