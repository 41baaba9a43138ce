// Every environment variable, parsed and validated in one place. The names are a public contract
// (README, docker/README.md). Invalid values stop the process at start-up with a clear message.

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
  /** Secret for the patient pseudonym in the audit; generated and kept in the database when absent. */
  pseudonymSecret?: string;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** Allowed CORS origins; `*` = any (the CDS Hooks sandbox and other browser clients). */
  corsOrigins: string[];
  /** Server processes (node:cluster); more than one needs a shared database (DATABASE_URL). */
  workers: number;
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
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    dataDir: env.DATA_DIR?.trim() || './data',
    demoFhir: oneOf('DEMO_FHIR', env.DEMO_FHIR, ['on', 'off'] as const, 'on') === 'on',
    demoFhirPort: intIn('DEMO_FHIR_PORT', env.DEMO_FHIR_PORT, 8081, 0, 65535),
    locale: oneOf('CDS_LOCALE', env.CDS_LOCALE, ['nb', 'en'] as const, 'nb'),
    deadlineMs: intIn('CDS_DEADLINE_MS', env.CDS_DEADLINE_MS, 2000, 100, 60000),
    terminologyFile: env.TERMINOLOGY_FILE?.trim() || undefined,
    logLevel: oneOf('LOG_LEVEL', env.LOG_LEVEL, LOG_LEVELS, 'info'),
    pseudonymSecret: env.PSEUDONYM_SECRET?.trim() || undefined,
    bodyLimitBytes: intIn('CDS_BODY_LIMIT_BYTES', env.CDS_BODY_LIMIT_BYTES, 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    corsOrigins: (env.CORS_ORIGINS?.trim() || '*').split(',').map((o) => o.trim()).filter(Boolean),
    workers: workersOf(env),
    dbTransactionTimeoutMs: intIn('DB_TRANSACTION_TIMEOUT_MS', env.DB_TRANSACTION_TIMEOUT_MS, 10_000, 100, 600_000),
  };
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
