import { ConfigError, decideAuth, isLoopbackHost, loadConfig } from './config.js';

describe('loadConfig', () => {
  test('defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      publicBaseUrl: 'http://127.0.0.1:8080',
      authMode: 'auto',
      demoFhir: true,
      demoFhirPort: 8081,
      locale: 'nb',
      deadlineMs: 2000,
      dataDir: './data',
      logLevel: 'info',
    });
    expect(c.jwtAlgorithms).toEqual(['ES384', 'RS384']);
  });
  test('DB_TRANSACTION_TIMEOUT_MS: 10 s by default, 100 ms to 10 min', () => {
    expect(loadConfig({}).dbTransactionTimeoutMs).toBe(10_000);
    expect(loadConfig({ DB_TRANSACTION_TIMEOUT_MS: '100' }).dbTransactionTimeoutMs).toBe(100);
    expect(loadConfig({ DB_TRANSACTION_TIMEOUT_MS: '600000' }).dbTransactionTimeoutMs).toBe(600_000);
  });
  test('PUBLIC_BASE_URL trailing slash removed', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://cds.example.no/' }).publicBaseUrl).toBe('https://cds.example.no');
  });
  test.each([
    ['PORT', 'abc'],
    ['CDS_DEADLINE_MS', '5'],
    ['CDS_AUTH', 'maybe'],
    ['DEMO_FHIR', 'yes'],
    ['CDS_LOCALE', 'de'],
    ['LOG_LEVEL', 'loud'],
    ['PUBLIC_BASE_URL', 'ftp://x'],
    ['CDS_JWT_ALGORITHMS', 'HS256'],
    ['CDS_JWT_ALGORITHMS', 'none'],
    ['WORKERS', '0'],
    ['WORKERS', 'two'],
    ['DB_TRANSACTION_TIMEOUT_MS', '99'],
    ['DB_TRANSACTION_TIMEOUT_MS', '600001'],
  ])('%s=%s is refused', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });
  test('WORKERS: one by default; several only with a shared PostgreSQL database', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({ WORKERS: '2', DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test' }).workers).toBe(2);
  });
});

const SECRET = 'k'.repeat(32);

describe('PSEUDONYM_SECRET (issue 13 item 5)', () => {
  test('required when HOST is not loopback', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/PSEUDONYM_SECRET is required/);
    expect(loadConfig({ HOST: '0.0.0.0', PSEUDONYM_SECRET: SECRET }).pseudonymSecret).toBe(SECRET);
  });
  test('optional on loopback', () => {
    expect(loadConfig({ HOST: '127.0.0.1' }).pseudonymSecret).toBeUndefined();
  });
  test('at least 32 bytes: 31 refused, 32 accepted (bytes, not characters)', () => {
    expect(() => loadConfig({ PSEUDONYM_SECRET: 'k'.repeat(31) })).toThrow(/at least 32 bytes/);
    expect(loadConfig({ PSEUDONYM_SECRET: 'k'.repeat(32) }).pseudonymSecret).toHaveLength(32);
    expect(loadConfig({ PSEUDONYM_SECRET: 'ø'.repeat(16) }).pseudonymSecret).toBe('ø'.repeat(16));
  });
});

describe('secure default (decideAuth)', () => {
  test('trusted clients → enforced', () => {
    expect(decideAuth(loadConfig({ HOST: '0.0.0.0', PSEUDONYM_SECRET: SECRET }), 1)).toEqual({ enforced: true });
  });
  test('no clients on loopback → open with a loud warning', () => {
    const d = decideAuth(loadConfig({}), 0);
    expect(d.enforced).toBe(false);
    expect(d.warning).toMatch(/WITHOUT authentication/);
  });
  test('no clients on a public interface → refuses to start', () => {
    expect(() => decideAuth(loadConfig({ HOST: '0.0.0.0', PSEUDONYM_SECRET: SECRET }), 0)).toThrow(/Refusing to start/);
  });
  test('CDS_AUTH=off explicitly → open with a warning, even when public', () => {
    const d = decideAuth(loadConfig({ HOST: '0.0.0.0', CDS_AUTH: 'off', PSEUDONYM_SECRET: SECRET }), 0);
    expect(d.enforced).toBe(false);
    expect(d.warning).toMatch(/NOT authenticated/);
  });
  test('CDS_AUTH=required without clients → refuses to start', () => {
    expect(() => decideAuth(loadConfig({ CDS_AUTH: 'required' }), 0)).toThrow(ConfigError);
  });
  test('loopback detection', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'cds.example.no'].some(isLoopbackHost)).toBe(false);
  });
});

describe('CDS_TIME_ZONE', () => {
  it('defaults to Europe/Oslo, takes any IANA zone and refuses an unknown one', () => {
    expect(loadConfig({}).timeZone).toBe('Europe/Oslo');
    expect(loadConfig({ CDS_TIME_ZONE: 'UTC' }).timeZone).toBe('UTC');
    expect(() => loadConfig({ CDS_TIME_ZONE: 'Mars/Olympus' })).toThrow(/CDS_TIME_ZONE/);
  });
});

describe('token and metrics settings (issue 13 items 9, 10)', () => {
  test('defaults: 300 s lifetime and age, 60 s skew, no metrics token', () => {
    const c = loadConfig({});
    expect([c.tokenMaxLifetimeSeconds, c.tokenMaxAgeSeconds, c.clockSkewSeconds, c.metricsToken]).toEqual([300, 300, 60, undefined]);
  });
  test('METRICS_TOKEN: 15 characters refused, 16 accepted, no spaces', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'a'.repeat(15) })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    expect(() => loadConfig({ METRICS_TOKEN: 'abc def ghi jkl mno' })).toThrow(/METRICS_TOKEN/);
  });
});
