import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../paths.js';
import { fixtureReferenceDate, fixtureSetFor, shiftInDays } from './fixture-set.js';

const DAY_MS = 86_400_000;

describe('fixtureSetFor', () => {
  it('gives every patient bundle, and the day the charts are current at', () => {
    const set = fixtureSetFor(new Date());
    const files = readdirSync(fromRoot('fixtures')).filter((f) => /^pat-.*\.json$/.test(f)).sort();
    expect(set.bundles).toHaveLength(files.length);
    const raw = JSON.parse(readFileSync(fromRoot('fixtures', files[0]!), 'utf8')) as unknown;
    // asOf is the files' reference date moved by as many days as the loaded dates were moved.
    expect(set.asOf.getTime()).toBe(fixtureReferenceDate().getTime() + shiftInDays(raw, set.bundles[0]) * DAY_MS);
  });
});

describe('shiftInDays', () => {
  const raw = JSON.parse(readFileSync(join(fromRoot('fixtures'), 'pat-mgus.json'), 'utf8')) as unknown;
  const moved = (days: number) =>
    JSON.parse(
      JSON.stringify(raw).replace(/"(\d{4}-\d{2}-\d{2})/g, (_m, d: string) => `"${new Date(Date.parse(d) + days * DAY_MS).toISOString().slice(0, 10)}`),
    ) as unknown;

  it('is 0 for a bundle loaded as written', () => {
    expect(shiftInDays(raw, structuredClone(raw))).toBe(0);
  });

  it.each([1, 30, 365, -14])('finds a move of %i days', (days) => {
    expect(shiftInDays(raw, moved(days))).toBe(days);
  });

  it('is not misled by a birth date the shift leaves alone', () => {
    const shifted = moved(30) as { entry: { resource: { birthDate?: string } }[] };
    const original = raw as { entry: { resource: { birthDate?: string } }[] };
    shifted.entry[0]!.resource.birthDate = original.entry[0]!.resource.birthDate;
    expect(shiftInDays(raw, shifted)).toBe(30);
  });
});
