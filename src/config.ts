// Every environment variable, parsed and validated in one place. The names are a public contract
// (README, docker/README.md). Invalid values stop the process at start-up with a clear message.

import { DEFAULT_TIME_ZONE, isValidTimeZone } from './clinical/day.js';

export type AuthMode = 'required' | 'off' | 'auto';

export interface Config {
  host: string;
  port: number;
  /** Base URL clients call us at; the JWT `aud` check and card source links use it. No trailing slash. */
  publicBaseUrl: string;
  trustedClientsFile?: string;
  /** `auto` = not set: required when trusted clients exist, open on loopback otherwise. */
  authMode: AuthMode;
  jwtAlgorithms: string[];
  databaseUrl?: string;
  dataDir: string;
  demoFhir: boolean;
  demoFhirPort: number;
  locale: 'nb' | 'en';
  deadlineMs: number;
  terminologyFile?: string;
  logLevel: string;
  /**
   * HMAC key of the patient pseudonym in the audit, at least 32 bytes; required when HOST is not
   * loopback. Never written to the database: whoever reads the audit must not be able to reverse it.
   */
  pseudonymSecret?: string;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /**
   * Browser origins allowed by CORS. Unset: `*` in loopback development (no trusted clients, loopback
   * HOST), none otherwise. `*` itself is only accepted in loopback development (resolveCorsOrigins).
   */
  corsOrigins?: string[];
  /** Server processes (node:cluster); more than one needs a shared database (DATABASE_URL). */
  workers: number;
  /** IANA time zone of the clinical calendar day (day counts, card dates). */
  timeZone: string;
  /** Longest accepted JWT `exp - iat`, seconds. */
  tokenMaxLifetimeSeconds: number;
  /** Oldest accepted JWT `iat` (plus the skew), seconds. */
  tokenMaxAgeSeconds: number;
  /** Clock difference tolerated between a client and us, seconds. */
  clockSkewSeconds: number;
  /** Hook and feedback calls per client and minute; 0 = no limit. Not applied in loopback development. */
  rateLimitPerMinute: number;
  /** Largest accepted feedback body. */
  feedbackBodyLimitBytes: number;
  /** Days audit rows, feedback rows and used JWT ids (after their expiry) are kept. */
  auditRetentionDays: number;
  feedbackRetentionDays: number;
  jtiRetentionDays: number;
  /** Most open client connections (server.maxConnections); more are closed on arrival. */
  maxConnections: number;
  /** Bearer token /metrics asks for when authentication is on; unset = /metrics refused then. */
  metricsToken?: string;
  /** A database transaction open longer than this is rolled back (the embedded database has one connection). */
  dbTransactionTimeoutMs: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function intIn(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}`);
  }
  return n;
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase() as T;
  if (!allowed.includes(v)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}`);
  return v;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = intIn('PORT', env.PORT, 8080, 0, 65535);
  const publicBaseUrl = (env.PUBLIC_BASE_URL?.trim() || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  try {
    const u = new URL(publicBaseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError('PUBLIC_BASE_URL must be an absolute http(s) URL');
  }
  const authRaw = env.CDS_AUTH?.trim().toLowerCase();
  const authMode: AuthMode = authRaw ? oneOf('CDS_AUTH', authRaw, ['required', 'off'] as const, 'required') : 'auto';
  const jwtAlgorithms = (env.CDS_JWT_ALGORITHMS?.trim() || 'ES384,RS384')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const alg of jwtAlgorithms) {
    // Never symmetric keys or `none` (CDS Hooks 2.0 §JWT); only asymmetric JOSE algorithms.
    if (!/^(ES|RS|PS)(256|384|512)$|^EdDSA$/.test(alg)) throw new ConfigError(`CDS_JWT_ALGORITHMS: ${alg} is not allowed`);
  }
  return {
    host,
    port,
    publicBaseUrl,
    trustedClientsFile: env.CDS_TRUSTED_CLIENTS_FILE?.trim() || undefined,
    authMode,
    jwtAlgorithms,
    databaseUrl: databaseUrlOf(env),
    dataDir: env.DATA_DIR?.trim() || './data',
    // The demo server needs no token, so it is on by default only for a loopback service; asked
    // for explicitly it still binds loopback only (src/demo-fhir/loopback.ts).
    demoFhir: oneOf('DEMO_FHIR', env.DEMO_FHIR, ['on', 'off'] as const, isLoopbackHost(host) ? 'on' : 'off') === 'on',
    demoFhirPort: intIn('DEMO_FHIR_PORT', env.DEMO_FHIR_PORT, 8081, 0, 65535),
    locale: oneOf('CDS_LOCALE', env.CDS_LOCALE, ['nb', 'en'] as const, 'nb'),
    deadlineMs: intIn('CDS_DEADLINE_MS', env.CDS_DEADLINE_MS, 2000, 100, 60000),
    terminologyFile: env.TERMINOLOGY_FILE?.trim() || undefined,
    logLevel: oneOf('LOG_LEVEL', env.LOG_LEVEL, LOG_LEVELS, 'info'),
    pseudonymSecret: pseudonymSecretOf(env, host),
    bodyLimitBytes: intIn('CDS_BODY_LIMIT_BYTES', env.CDS_BODY_LIMIT_BYTES, 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    ...(env.CORS_ORIGINS?.trim() ? { corsOrigins: corsOriginsOf(env.CORS_ORIGINS) } : {}),
    workers: workersOf(env),
    timeZone: timeZoneOf(env),
    rateLimitPerMinute: intIn('RATE_LIMIT_PER_MINUTE', env.RATE_LIMIT_PER_MINUTE, 1200, 0, 1_000_000),
    feedbackBodyLimitBytes: intIn('FEEDBACK_BODY_LIMIT_BYTES', env.FEEDBACK_BODY_LIMIT_BYTES, 64 * 1024, 1024, 1024 * 1024),
    auditRetentionDays: intIn('AUDIT_RETENTION_DAYS', env.AUDIT_RETENTION_DAYS, 365, 1, 36_500),
    feedbackRetentionDays: intIn('FEEDBACK_RETENTION_DAYS', env.FEEDBACK_RETENTION_DAYS, 365, 1, 36_500),
    jtiRetentionDays: intIn('JTI_RETENTION_DAYS', env.JTI_RETENTION_DAYS, 1, 0, 3650),
    maxConnections: intIn('MAX_CONNECTIONS', env.MAX_CONNECTIONS, 512, 1, 100_000),
    tokenMaxLifetimeSeconds: intIn('CDS_TOKEN_MAX_LIFETIME_SECONDS', env.CDS_TOKEN_MAX_LIFETIME_SECONDS, 300, 10, 3600),
    tokenMaxAgeSeconds: intIn('CDS_TOKEN_MAX_AGE_SECONDS', env.CDS_TOKEN_MAX_AGE_SECONDS, 300, 10, 3600),
    clockSkewSeconds: intIn('CDS_CLOCK_SKEW_SECONDS', env.CDS_CLOCK_SKEW_SECONDS, 60, 0, 300),
    ...metricsTokenOf(env),
    dbTransactionTimeoutMs: intIn('DB_TRANSACTION_TIMEOUT_MS', env.DB_TRANSACTION_TIMEOUT_MS, 10_000, 100, 600_000),
  };
}

function corsOriginsOf(raw: string): string[] {
  const list = raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of list) {
    if (o === '*') continue;
    let u: URL | undefined;
    try {
      u = new URL(o);
    } catch {
      u = undefined;
    }
    // An origin is scheme://host[:port], exactly as a browser sends it in the Origin header.
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== o) {
      throw new ConfigError(`CORS_ORIGINS: ${o} is not an origin (scheme://host[:port], no path or trailing slash)`);
    }
  }
  return list;
}

/**
 * The origins CORS allows once it is known whether authentication is enforced: `*` only in
 * loopback development, where no token protects the service anyway; with trusted clients only the
 * listed origins (none by default), since any web page could otherwise script calls from a browser.
 */
export function resolveCorsOrigins(cfg: Config, authEnforced: boolean): '*' | string[] {
  const development = !authEnforced && isLoopbackHost(cfg.host);
  const listed = cfg.corsOrigins;
  if (listed === undefined) return development ? '*' : [];
  if (listed.includes('*')) {
    if (!development) throw new ConfigError('CORS_ORIGINS=* is only allowed in loopback development (no trusted clients, loopback HOST): list the origins');
    return '*';
  }
  return listed;
}

function metricsTokenOf(env: NodeJS.ProcessEnv): { metricsToken?: string } {
  const token = env.METRICS_TOKEN?.trim();
  if (!token) return {};
  // Compared as a bearer token (RFC 6750 token68 characters), so one that cannot be sent is an error.
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token) || token.length < 16) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (e.g. $(openssl rand -hex 32))');
  }
  return { metricsToken: token };
}

export const MIN_PSEUDONYM_SECRET_BYTES = 32;

function pseudonymSecretOf(env: NodeJS.ProcessEnv, host: string): string | undefined {
  const secret = env.PSEUDONYM_SECRET?.trim() || undefined;
  if (secret === undefined) {
    if (!isLoopbackHost(host)) {
      throw new ConfigError(
        `PSEUDONYM_SECRET is required when HOST (${host}) is not loopback: at least ${MIN_PSEUDONYM_SECRET_BYTES} bytes, e.g. $(openssl rand -hex 32)`,
      );
    }
    return undefined;
  }
  if (Buffer.byteLength(secret, 'utf8') < MIN_PSEUDONYM_SECRET_BYTES) {
    throw new ConfigError(`PSEUDONYM_SECRET must be at least ${MIN_PSEUDONYM_SECRET_BYTES} bytes`);
  }
  return secret;
}

function databaseUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return undefined;
  let protocol = '';
  try {
    protocol = new URL(raw).protocol;
  } catch {
    // The value is not echoed: it normally holds a password.
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL such as postgresql://user:password@host:5432/database (or unset for the embedded database)');
  }
  return raw;
}

function timeZoneOf(env: NodeJS.ProcessEnv): string {
  const zone = env.CDS_TIME_ZONE?.trim() || DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(zone)) throw new ConfigError(`CDS_TIME_ZONE must be an IANA time zone (e.g. ${DEFAULT_TIME_ZONE})`);
  return zone;
}

function workersOf(env: NodeJS.ProcessEnv): number {
  const workers = intIn('WORKERS', env.WORKERS, 1, 1, 64);
  // The embedded PGlite database belongs to one process; replay protection and the audit must be
  // shared by every worker, so several workers need PostgreSQL.
  if (workers > 1 && !env.DATABASE_URL?.trim()) {
    throw new ConfigError('WORKERS > 1 needs DATABASE_URL (PostgreSQL): the embedded database cannot be shared between processes');
  }
  return workers;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The secure default: with trusted clients every call needs a JWT; with none, the service only
 * runs open on loopback (development) or when CDS_AUTH=off is set explicitly.
 * Returns whether auth is enforced and a warning to log loudly, or throws when it must not start.
 */
export function decideAuth(cfg: Config, trustedClientCount: number): { enforced: boolean; warning?: string } {
  if (cfg.authMode === 'off') {
    return { enforced: false, warning: 'CDS_AUTH=off: hook and feedback calls are NOT authenticated. Never use this with patient data.' };
  }
  if (trustedClientCount > 0) return { enforced: true };
  if (cfg.authMode === 'required') {
    throw new ConfigError('CDS_AUTH=required but no trusted clients are configured (CDS_TRUSTED_CLIENTS_FILE)');
  }
  if (isLoopbackHost(cfg.host)) {
    return {
      enforced: false,
      warning: 'No trusted clients configured: running WITHOUT authentication on loopback only (development mode).',
    };
  }
  throw new ConfigError(
    `Refusing to start: HOST=${cfg.host} is not loopback and no trusted clients are configured. ` +
      'Set CDS_TRUSTED_CLIENTS_FILE, or CDS_AUTH=off to run open deliberately.',
  );
}
