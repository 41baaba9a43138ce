import { allowedFhirServer, fhirBase, isUrlBelowBase } from './fhir-servers.js';

describe('fhirBase', () => {
  test('canonical form: no trailing slash, lower-case host, default port dropped, dot segments resolved', () => {
    expect(fhirBase('https://EHR.example.org:443/fhir/')).toBe('https://ehr.example.org/fhir');
    expect(fhirBase('http://127.0.0.1:8081/fhir/r4/../admin')).toBe('http://127.0.0.1:8081/fhir/admin');
    expect(fhirBase('http://127.0.0.1:8081/fhir/%2e%2e/x')).toBe('http://127.0.0.1:8081/x');
    expect(fhirBase('http://127.0.0.1:8081')).toBe('http://127.0.0.1:8081');
  });
  test.each(['ftp://x/fhir', 'http://user:pw@x/fhir', 'http://x/fhir?_format=json', 'http://x/fhir?', 'http://x/fhir#a', 'file:///etc/passwd', 'not a url'])(
    'refuses %s',
    (raw) => expect(fhirBase(raw)).toBeUndefined(),
  );
});

describe('allowedFhirServer', () => {
  const listed = { kind: 'listed', bases: ['https://ehr.example.org/fhir', 'http://127.0.0.1:9000'] } as const;
  test.each([
    ['https://ehr.example.org/fhir', 'https://ehr.example.org/fhir'],
    ['https://ehr.example.org/fhir/', 'https://ehr.example.org/fhir'],
    ['https://ehr.example.org/fhir/tenant-a', 'https://ehr.example.org/fhir/tenant-a'],
    ['http://127.0.0.1:9000/anything', 'http://127.0.0.1:9000/anything'],
  ])('listed: %s is allowed as %s', (raw, base) => expect(allowedFhirServer(raw, listed)).toBe(base));
  test.each([
    'https://ehr.example.org/fhirx',
    'https://ehr.example.org/other',
    'https://ehr.example.org/fhir/../admin',
    'http://ehr.example.org/fhir',
    'https://ehr.example.org:8443/fhir',
    'https://ehr.example.org.evil.test/fhir',
    'http://127.0.0.1:9001',
    'http://localhost:9000',
  ])('listed: %s is refused', (raw) => expect(allowedFhirServer(raw, listed)).toBeUndefined());
  test('a client with no fhir_servers may name none', () => {
    expect(allowedFhirServer('https://ehr.example.org/fhir', { kind: 'listed', bases: [] })).toBeUndefined();
  });
  test.each(['http://127.0.0.1:8081/fhir', 'http://localhost/fhir', 'http://[::1]:8081/'])('loopback: %s allowed', (raw) =>
    expect(allowedFhirServer(raw, { kind: 'loopback' })).toBeDefined(),
  );
  test.each(['http://10.0.0.1/fhir', 'https://ehr.example.org/fhir', 'http://127.0.0.1.nip.test/fhir'])('loopback: %s refused', (raw) =>
    expect(allowedFhirServer(raw, { kind: 'loopback' })).toBeUndefined(),
  );
});

test('isUrlBelowBase: next links stay under the base', () => {
  expect(isUrlBelowBase('http://127.0.0.1:9000/fhir/Observation?page=2', 'http://127.0.0.1:9000/fhir')).toBe(true);
  expect(isUrlBelowBase('http://127.0.0.1:9000/admin?page=2', 'http://127.0.0.1:9000/fhir')).toBe(false);
  expect(isUrlBelowBase('http://127.0.0.1:9001/fhir/Observation', 'http://127.0.0.1:9000/fhir')).toBe(false);
  expect(isUrlBelowBase('http://u:p@127.0.0.1:9000/fhir/x', 'http://127.0.0.1:9000/fhir')).toBe(false);
});
