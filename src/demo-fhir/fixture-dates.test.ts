import { readFileSync } from 'node:fs';
import { ageYearsAt } from '../clinical/snapshot/build.js';
import { fromRoot } from '../paths.js';
import { loadFixtureBundles } from './fixtures.js';
import { FIXTURE_REFERENCE_DATE, fixtureDateShift, rebaseFixtureDates, shiftFhirDate } from './fixture-dates.js';

const REF = new Date(FIXTURE_REFERENCE_DATE);
const DAY = 24 * 60 * 60 * 1000;

describe('fixture dates', () => {
  it('uses the reference day of fixtures/scenarios.json', () => {
    const scenarios = JSON.parse(readFileSync(fromRoot('fixtures', 'scenarios.json'), 'utf8')) as { now: string };
    expect(new Date(scenarios.now).getTime()).toBe(REF.getTime());
  });

  it('moves by whole UTC days: none within the reference day, one from the next midnight', () => {
    expect(fixtureDateShift(new Date('2026-11-22T00:00:00Z')).days).toBe(0);
    expect(fixtureDateShift(new Date('2026-11-22T23:59:59.999Z')).days).toBe(0);
    expect(fixtureDateShift(new Date('2026-11-23T00:00:00Z')).days).toBe(1);
    expect(fixtureDateShift(new Date('2026-11-21T23:59:59Z')).days).toBe(-1);
    expect(fixtureDateShift(new Date('2027-11-22T10:00:00Z'))).toEqual({ days: 365, months: 12, years: 1 });
  });

  it('shifts every FHIR date form in its own precision, keeping time of day and offset', () => {
    const shift = fixtureDateShift(new Date('2026-12-10T08:00:00Z'));
    expect(shift.days).toBe(18);
    expect(shiftFhirDate('2026-11-20', shift)).toBe('2026-12-08');
    expect(shiftFhirDate('2026-11-20T08:05:00+02:00', shift)).toBe('2026-12-08T08:05:00+02:00');
    expect(shiftFhirDate('2026-11-30T23:30:00.123Z', shift)).toBe('2026-12-18T23:30:00.123Z');
    expect(shiftFhirDate('2026-11', shift)).toBe('2026-12');
    expect(shiftFhirDate('2026', shift)).toBe('2026');
    expect(shiftFhirDate('2026', fixtureDateShift(new Date('2027-01-02T00:00:00Z')))).toBe('2027');
    expect(shiftFhirDate('not a date', shift)).toBe('not a date');
  });

  it('touches date elements only: ids, codes and free text keep their digits', () => {
    const resource = {
      resourceType: 'MedicationAdministration',
      id: 'rsp2-ma-daratumumab-2026-08-10',
      effectivePeriod: { start: '2026-08-10T09:00:00Z', end: '2026-08-10' },
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '3002' }] },
      dosage: { text: 'seponert 2026-09-01' },
      extension: [{ url: 'x', valueDateTime: '2026-08-10' }],
    };
    const moved = rebaseFixtureDates(resource, new Date(REF.getTime() + 10 * DAY));
    expect(moved).toEqual({
      ...resource,
      effectivePeriod: { start: '2026-08-20T09:00:00Z', end: '2026-08-20' },
      extension: [{ url: 'x', valueDateTime: '2026-08-20' }],
    });
    expect(resource.effectivePeriod.start).toBe('2026-08-10T09:00:00Z');
  });

  it('keeps every demo patient the age it has on the reference day, at any clock', () => {
    const written = loadFixtureBundles(undefined, REF);
    const birthDates = written.flatMap((b) => (b.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'Patient' && e.resource.birthDate ? [e.resource.birthDate] : [])));
    expect(birthDates.length).toBeGreaterThan(40);
    for (const days of [1, 17, 100, 365, 366, 1000, 3650]) {
      const now = new Date(REF.getTime() + days * DAY);
      const moved = loadFixtureBundles(undefined, now);
      const movedBirthDates = moved.flatMap((b) => (b.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'Patient' && e.resource.birthDate ? [e.resource.birthDate] : [])));
      const agesThen = birthDates.map((d) => ageYearsAt(d, REF));
      const agesNow = movedBirthDates.map((d) => ageYearsAt(d, now));
      expect({ days, ages: agesNow }).toEqual({ days, ages: agesThen });
    }
  });

  it('the demo server loader moves the charts to today by default', () => {
    const today = loadFixtureBundles();
    const written = loadFixtureBundles(undefined, REF);
    const days = fixtureDateShift(new Date()).days;
    const firstDate = (bundles: typeof today) => {
      const patient = bundles[0]?.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as { birthDate?: string } | undefined;
      return patient?.birthDate ?? '';
    };
    expect(Date.parse(firstDate(today)) - Date.parse(firstDate(written))).toBe(days * DAY);
  });
});
