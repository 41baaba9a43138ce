import { ConfigError, loadConfig } from '../config.js';
import { demoFhirHost, isLoopbackOrigin } from './loopback.js';

// A non-loopback HOST needs PSEUDONYM_SECRET (issue 13 item 5).
const SECRET = { PSEUDONYM_SECRET: 'p'.repeat(64) };

describe('when the demo FHIR server runs (DEMO_FHIR)', () => {
  it('is on by default for a loopback service', () => {
    expect(loadConfig({}).demoFhir).toBe(true);
    expect(loadConfig({ HOST: '::1' }).demoFhir).toBe(true);
  });

  it('is off by default for a service on a non-loopback HOST', () => {
    expect(loadConfig({ HOST: '0.0.0.0', CDS_AUTH: 'off', ...SECRET }).demoFhir).toBe(false);
    expect(loadConfig({ HOST: '192.0.2.1', ...SECRET }).demoFhir).toBe(false);
  });

  it('is on with a non-loopback HOST only when asked for, and then binds loopback', () => {
    expect(loadConfig({ HOST: '0.0.0.0', DEMO_FHIR: 'on', ...SECRET }).demoFhir).toBe(true);
    expect(demoFhirHost('0.0.0.0')).toBe('127.0.0.1');
    expect(demoFhirHost('::')).toBe('127.0.0.1');
    expect(demoFhirHost('192.0.2.1')).toBe('127.0.0.1');
  });

  it('follows a loopback HOST literally', () => {
    expect(demoFhirHost('127.0.0.2')).toBe('127.0.0.2');
    expect(demoFhirHost('::1')).toBe('::1');
    expect(demoFhirHost('[::1]')).toBe('::1');
    expect(demoFhirHost('localhost')).toBe('127.0.0.1');
  });

  it('is off when switched off', () => {
    expect(loadConfig({ DEMO_FHIR: 'off' }).demoFhir).toBe(false);
  });
});

describe('loopback browser origins', () => {
  it.each(['http://localhost:3000', 'http://127.0.0.1', 'https://127.1.2.3:8443', 'http://[::1]:8080'])('%s is local', (origin) => {
    expect(isLoopbackOrigin(origin)).toBe(true);
  });
  it.each([undefined, 'null', 'http://localhost.evil.example', 'http://127.0.0.1.evil.example', 'https://sandbox.cds-hooks.org', 'file://', `http://localhost:${'9'.repeat(80)}`])(
    '%s is not',
    (origin) => {
      expect(isLoopbackOrigin(origin)).toBe(false);
    },
  );
});

describe('DATABASE_URL', () => {
  it.each(['not a url', 'localhost:5432/heme', 'mysql://u@h/db', 'http://db:5432/heme'])('%s is refused, naming the setting without echoing it', (value) => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^DATABASE_URL must be a PostgreSQL URL/);
    expect((error as Error).message).not.toContain(value);
  });

  it.each(['postgres://u:p@db:5432/heme', 'postgresql://postgres@127.0.0.1:5432/test'])('%s is accepted', (value) => {
    expect(loadConfig({ DATABASE_URL: value }).databaseUrl).toBe(value);
  });
});
