import { pickLocale, pseudonymise } from './invoke.js';

test.each([
  [undefined, 'nb'],
  ['en', 'en'],
  ['en-GB,en;q=0.9', 'en'],
  ['nn-NO', 'nb'],
  ['no', 'nb'],
  ['de-DE,en;q=0.5', 'en'],
  ['de-DE', 'nb'],
  ['en;q=0.4,nb;q=0.8', 'nb'],
  ['en;q=0', 'nb'],
])('Accept-Language %s → %s', (header, expected) => {
  expect(pickLocale(header, 'nb')).toBe(expected);
});

test('pseudonym is stable per secret, differs across secrets, and hides the id', () => {
  const a = pseudonymise('s1', 'pat-1');
  expect(a).toBe(pseudonymise('s1', 'pat-1'));
  expect(a).not.toBe(pseudonymise('s2', 'pat-1'));
  expect(a).toMatch(/^[0-9a-f]{32}$/);
  expect(a).not.toContain('pat-1');
});
