import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createAuthenticator } from '../../src/protocol/auth.js';
import { createRuntime } from '../../src/runtime.js';
import { startJwtIssuer, type JwtIssuer } from '../support/jwt-issuer.js';
import { offlineHookBody, postJson } from './support/clients.js';
import { freePort, startService } from './support/service-process.js';

// The trusted client's JWKS endpoint goes down, over real HTTP through the app. src/protocol/auth.ts
// keeps one jose createRemoteJWKSet per client with cacheMaxAge 10 min (jwksCacheMaxAgeMs): keys
// fetched before the outage keep verifying until the cache expires; a kid that needs a refetch, and
// after expiry every token, is refused with 401, never a 500.

let issuer: JwtIssuer;
beforeEach(async () => {
  issuer = await startJwtIssuer({ alg: 'ES384' });
});
afterEach(async () => {
  await issuer.close();
});

function clientsFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'heme-jwks-'));
  const file = join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify([{ iss: issuer.iss, jwks_url: issuer.jwksUrl }]));
  return file;
}

test('the service process: cached key keeps working during the outage, unknown kid 401', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const svc = await startService(
    { PORT: String(port), PUBLIC_BASE_URL: base, CDS_TRUSTED_CLIENTS_FILE: clientsFile(), DATA_DIR: join(mkdtempSync(join(tmpdir(), 'heme-jwks-data-')), 'd') },
    { readyTimeoutMs: 90_000 },
  );
  try {
    const url = `${base}/cds-services/heme-patient-view`;
    const call = async (header?: Record<string, unknown>) =>
      postJson(url, offlineHookBody(), { authorization: `Bearer ${await issuer.sign({ aud: url }, header)}` });
    expect((await call()).status).toBe(200);
    expect(issuer.requests()).toBe(1);
    await issuer.stop();
    await expect(fetch(issuer.jwksUrl)).rejects.toThrow();
    for (let i = 0; i < 5; i++) expect((await call()).status).toBe(200);
    const unknown = await call({ kid: 'not-published' });
    expect(unknown.status).toBe(401);
    expect(JSON.stringify(unknown.body)).not.toMatch(/kid|jwks|fetch|ECONN/i);
    // Still fine for the cached kid after the failed refetch attempt.
    expect((await call()).status).toBe(200);
    expect(svc.child.exitCode).toBeNull();
    expect(svc.logs().filter((l) => l.event === 'unhandled-rejection' || (l.level as number) >= 50)).toEqual([]);
  } finally {
    await svc.stop();
  }
});

test('the app with a 1.5 s key cache: cached keys work until they expire, then 401 (not 500)', async () => {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', PUBLIC_BASE_URL: 'http://cds.test', DEMO_FHIR: 'off', LOG_LEVEL: 'silent', CDS_TRUSTED_CLIENTS_FILE: clientsFile() });
  const logger = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
  const runtime = await createRuntime(config, { logger, memoryStorage: true });
  const authenticator = createAuthenticator({
    clients: [{ iss: issuer.iss, jwks_url: issuer.jwksUrl }],
    algorithms: config.jwtAlgorithms,
    replay: runtime.deps.storage,
    jwksCacheMaxAgeMs: 1500,
    jwksCooldownMs: 0,
    jwksTimeoutMs: 500,
  });
  const app = createApp({ ...runtime.deps, authenticator });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const aud = 'http://cds.test/cds-services/heme-patient-view';
    const call = async (header?: Record<string, unknown>) =>
      postJson(`${local}/cds-services/heme-patient-view`, offlineHookBody(), { authorization: `Bearer ${await issuer.sign({ aud }, header)}` });
    expect((await call()).status).toBe(200);
    await issuer.stop();
    expect((await call()).status).toBe(200);
    expect((await call({ kid: 'not-published' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1700));
    const expired = await call();
    expect(expired.status).toBe(401);
    const failures = await runtime.deps.metrics.registry.getSingleMetricAsString('heme_cds_auth_failures_total');
    expect(failures).toMatch(/heme_cds_auth_failures_total 2/);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await runtime.close();
  }
});
