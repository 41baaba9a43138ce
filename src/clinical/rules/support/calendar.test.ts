import { addMonths, addYears } from './calendar.js';

describe('bone-vaccine-followup calendar', () => {
  it('adds calendar months, keeping the time of day', () => {
    expect(addMonths(new Date('2026-09-30T10:00:00Z'), 6).toISOString()).toBe('2027-03-30T10:00:00.000Z');
    expect(addMonths(new Date('2026-11-22T00:00:00Z'), -3).toISOString()).toBe('2026-08-22T00:00:00.000Z');
  });

  it('clamps to the last day of a shorter month', () => {
    expect(addMonths(new Date('2026-08-31T00:00:00Z'), 6).toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(addMonths(new Date('2027-08-31T00:00:00Z'), 6).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it('adds years as 12 months, crossing leap days', () => {
    expect(addYears(new Date('2024-02-29T00:00:00Z'), 2).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(addYears(new Date('2025-03-10T00:00:00Z'), 2).toISOString()).toBe('2027-03-10T00:00:00.000Z');
  });
});
