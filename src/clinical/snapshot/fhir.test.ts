import { belongsToPatient, parseFhirDate, pointsToPatient } from './fhir.js';

describe('parseFhirDate', () => {
  test.each([
    ['2024', '2024-01-01T00:00:00.000Z'],
    ['2024-05', '2024-05-01T00:00:00.000Z'],
    ['2024-05-17', '2024-05-17T00:00:00.000Z'],
    ['2024-05-17T10:11', '2024-05-17T10:11:00.000Z'],
    ['2024-05-17T10:11:12.5+02:00', '2024-05-17T08:11:12.500Z'],
    ['2024-05-17T23:30:00-01:00', '2024-05-18T00:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseFhirDate(text)?.toISOString()).toBe(iso);
  });

  test.each(['2023-02-29', '2024-13-01', '2024-05-17T24:00', 'yesterday', ''])(
    '%p is not a date',
    (text) => {
      expect(parseFhirDate(text)).toBeUndefined();
    },
  );

  test('a string longer than the cache keys is parsed all the same (long fraction of a second)', () => {
    const long = `2024-05-17T10:11:12.${'1'.repeat(60)}Z`;
    expect(long.length).toBeGreaterThan(64);
    expect(parseFhirDate(long)?.toISOString()).toBe('2024-05-17T10:11:12.111Z');
    expect(parseFhirDate(`x${'1'.repeat(100)}`)).toBeUndefined();
  });

  test('the parse cache hands out a new Date each time, so no caller can change another one', () => {
    const first = parseFhirDate('2025-06-01T08:00:00Z');
    first?.setUTCFullYear(1999);
    expect(parseFhirDate('2025-06-01T08:00:00Z')?.toISOString()).toBe('2025-06-01T08:00:00.000Z');
    // An invalid string stays invalid the second time (the cache remembers "no date" too).
    expect(parseFhirDate('2025-06-31')).toBeUndefined();
    expect(parseFhirDate('2025-06-31')).toBeUndefined();
  });
});

describe('pointsToPatient', () => {
  test.each([
    ['Patient/p1', true],
    [' Patient/p1 ', true],
    ['p1', true],
    ['https://ehr.example/fhir/Patient/p1/_history/3', true],
    ['Patient/p10', false],
    ['Patient/xp1', false],
    ['Group/p1', false],
    ['Patient?identifier=p1', false],
  ])('%s for p1: %p', (reference, expected) => {
    expect(pointsToPatient(reference, 'p1')).toBe(expected);
  });

  test('a resource naming another patient in subject or patient does not belong', () => {
    expect(belongsToPatient({ subject: { reference: 'Patient/p1' } }, 'p1')).toBe(true);
    expect(belongsToPatient({ subject: { reference: 'Patient/p2' } }, 'p1')).toBe(false);
    expect(belongsToPatient({ patient: { reference: 'Patient/p2' } }, 'p1')).toBe(false);
    expect(belongsToPatient({ subject: { display: 'no reference' } }, 'p1')).toBe(true);
  });
});
