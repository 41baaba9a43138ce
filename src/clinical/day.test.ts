import { DAY_MS, DEFAULT_TIME_ZONE, calendarDaysBetween, clinicalDate, clinicalDayAfter, clinicalDayNumber, clinicalTimeZone, isValidTimeZone, setClinicalTimeZone } from './day.js';

// 00:30 on 22 November 2026 in Oslo (UTC+1) is 23:30 on 21 November in UTC.
const HALF_PAST_MIDNIGHT = new Date('2026-11-21T23:30:00Z');

describe('the clinical day', () => {
  afterEach(() => setClinicalTimeZone(DEFAULT_TIME_ZONE));

  it('defaults to Europe/Oslo: 00:30 local is that day, not the UTC day before', () => {
    expect(clinicalTimeZone()).toBe('Europe/Oslo');
    expect(clinicalDate(HALF_PAST_MIDNIGHT)).toBe('2026-11-22');
    expect(clinicalDate(new Date('2026-07-01T22:30:00Z'))).toBe('2026-07-02'); // summer time, UTC+2
    expect(calendarDaysBetween(new Date('2026-11-21T12:00:00Z'), HALF_PAST_MIDNIGHT)).toBe(1);
    expect(clinicalDayAfter(HALF_PAST_MIDNIGHT, 28)).toBe('2026-12-20');
    expect(clinicalDayNumber(new Date('1970-01-01T00:30:00+01:00'))).toBe(0);
  });

  it('is configurable (CDS_TIME_ZONE): in UTC the same instant is the day before', () => {
    setClinicalTimeZone('UTC');
    expect(clinicalDate(HALF_PAST_MIDNIGHT)).toBe('2026-11-21');
    expect(() => setClinicalTimeZone('Mars/Olympus')).toThrow();
    expect(clinicalTimeZone()).toBe('UTC');
    expect(isValidTimeZone('Europe/Oslo')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('has one DAY_MS for durations', () => {
    expect(DAY_MS).toBe(24 * 60 * 60 * 1000);
  });
});
