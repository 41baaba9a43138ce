import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FhirCircuitBreakers } from './circuit-breakers.js';
import { resolvePrefetch } from './prefetch.js';
import type { ServiceDefinition } from '../services.js';

// A real FHIR-ish server on a socket that can fail and recover; the breaker must stop sending it
// requests after a run of failures, refuse at once while open, and let traffic through again once
// a trial request succeeds.
let server: Server;
let base: string;
let mode: 'fail' | 'ok' | 'unauthorized' = 'fail';
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    if (mode === 'fail') {
      res.writeHead(503).end();
      return;
    }
    if (mode === 'unauthorized') {
      res.writeHead(401, { 'content-type': 'application/fhir+json' }).end('{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"login"}]}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    res.end(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const service = {
  id: 'test',
  hook: 'patient-view',
  title: 't',
  description: 'd',
  rules: [],
  needs: ['conditions'],
  prefetch: { conditions: 'Condition?patient={{context.patientId}}' },
} as ServiceDefinition;

function resolve(breakers: FhirCircuitBreakers) {
  return resolvePrefetch(service, { fhirServer: base, context: { patientId: 'p1' } }, { fetchDeadline: Date.now() + 1000, perRequestTimeoutMs: 1000, breakers });
}

test('opens after consecutive failures, refuses without a request, and closes after a good trial', async () => {
  const breakers = new FhirCircuitBreakers({ failuresToOpen: 3, halfOpenAfterMs: 150 });
  mode = 'fail';
  hits = 0;
  for (let i = 0; i < 3; i++) expect((await resolve(breakers)).unavailable).toEqual(['conditions']);
  expect(hits).toBe(3);
  expect(breakers.openServers()).toEqual([base]);

  // Open: answered at once as unavailable, the server sees nothing.
  const refused = await resolve(breakers);
  expect(refused.unavailable).toEqual(['conditions']);
  expect(refused.fhirCalls).toEqual([{ outcome: 'circuit-open' }]);
  expect(hits).toBe(3);

  // The server recovers; after the pause one trial goes through and closes the breaker.
  mode = 'ok';
  await new Promise((r) => setTimeout(r, 200));
  expect((await resolve(breakers)).fetched).toEqual(['conditions']);
  expect(breakers.openServers()).toEqual([]);
  expect((await resolve(breakers)).fetched).toEqual(['conditions']);
  expect(hits).toBe(5);
});

test('4xx answers (an expired token) do not open the breaker for everyone', async () => {
  const breakers = new FhirCircuitBreakers({ failuresToOpen: 2, halfOpenAfterMs: 10_000 });
  mode = 'unauthorized';
  hits = 0;
  for (let i = 0; i < 4; i++) expect((await resolve(breakers)).unavailable).toEqual(['conditions']);
  expect(hits).toBe(4);
  expect(breakers.openServers()).toEqual([]);
});

test('keeps a bounded number of servers', () => {
  const breakers = new FhirCircuitBreakers();
  for (let i = 0; i < 1000; i++) breakers.forServer(`http://127.0.0.1:${10000 + i}/fhir`);
  expect(breakers.forServer('http://127.0.0.1:10999/fhir/')).toBe(breakers.forServer('http://127.0.0.1:10999/fhir'));
  expect((breakers as unknown as { breakers: Map<string, unknown> }).breakers.size).toBeLessThanOrEqual(256);
});
