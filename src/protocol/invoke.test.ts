import express, { type Request } from 'express';
import { pickLocale, pseudonymise } from './invoke.js';

/** An Express request carrying only this Accept-Language header (Express's own negotiation runs). */
function requestWith(acceptLanguage: string | undefined): Request {
  const req = Object.create(express.request) as Request;
  req.headers = acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage };
  return req;
}

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
  ['*', 'nb'],
])('Accept-Language %s → %s (configured nb)', (header, expected) => {
  expect(pickLocale(requestWith(header), 'nb')).toBe(expected);
});

test.each([
  [undefined, 'en'],
  ['*', 'en'],
  ['de-DE', 'en'],
  ['nb-NO', 'nb'],
  ['nn;q=0.9,en;q=0.8', 'nb'],
  ['nb;q=0', 'en'],
])('Accept-Language %s → %s (configured en)', (header, expected) => {
  expect(pickLocale(requestWith(header), 'en')).toBe(expected);
});

test('pseudonym is stable per secret, differs across secrets, and hides the id', () => {
  const a = pseudonymise('s1', 'pat-1');
  expect(a).toBe(pseudonymise('s1', 'pat-1'));
  expect(a).not.toBe(pseudonymise('s2', 'pat-1'));
  expect(a).toMatch(/^[0-9a-f]{32}$/);
  expect(a).not.toContain('pat-1');
});
