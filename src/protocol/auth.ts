import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Logger } from 'pino';
import type { Storage } from '../storage/types.js';
import { fhirBase } from './fhir-servers.js';
import { isStorableText } from './schemas/ajv.js';

// CDS Hooks 2.0 client authentication: the EHR signs a short-lived JWT with its private key
// and publishes the public keys at a JWKS URL agreed out of band. Only allowlisted issuers
// are trusted, and their keys are fetched only from their configured URL.

export interface TrustedClient {
  iss: string;
  jwks_url: string;
  tenant?: string;
  /** Base URLs of the FHIR servers this client may name as `fhirServer` (canonical: see fhirBase). */
  fhir_servers?: string[];
}

export interface AuthOptions {
  clients: TrustedClient[];
  /** Default ['ES384','RS384']; HMAC and 'none' are refused even if listed (throws at construction). */
  algorithms: string[];
  /** Default 60. */
  clockSkewSeconds?: number;
  replay: Pick<Storage, 'rememberJti'>;
  /** Default 10 min. */
  jwksCacheMaxAgeMs?: number;
  /** Default 30 s: an unknown kid triggers a JWKS refetch at most this often. */
  jwksCooldownMs?: number;
  /** Default 2000. */
  jwksTimeoutMs?: number;
  /** Longest accepted `exp - iat` (CDS_TOKEN_MAX_LIFETIME_SECONDS); default 300. */
  maxLifetimeSeconds?: number;
  /** Oldest accepted `iat`, before the skew (CDS_TOKEN_MAX_AGE_SECONDS); default 300. */
  maxAgeSeconds?: number;
  /** Each refusal is logged here at warn, with its reason and never the token. */
  logger?: Logger;
}

/** Why a token was refused: logged for the integrator, never told to the caller. */
export type RejectReason =
  | 'no bearer token'
  | 'malformed token'
  | 'unknown issuer'
  | 'jku not allowed for this issuer'
  | 'unknown kid'
  | 'bad signature'
  | 'algorithm not allowed'
  | 'expired'
  | 'not yet valid'
  | 'wrong audience'
  | 'missing or invalid claim'
  | 'lifetime over the maximum'
  | 'issued too long ago'
  | 'tenant mismatch'
  | 'replayed'
  | 'key set unavailable'
  | 'replay store unavailable';

class Rejected extends Error {
  constructor(readonly reason: RejectReason) {
    super(reason);
  }
}

function reasonOf(err: unknown): RejectReason {
  if (err instanceof Rejected) return err.reason;
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'unknown kid';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'wrong audience';
    if (err.claim === 'nbf' || (err.claim === 'iat' && err.reason === 'check_failed')) return 'not yet valid';
    return 'missing or invalid claim';
  }
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err instanceof joseErrors.JOSENotSupported) return 'key set unavailable';
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) return 'malformed token';
  // A failed JWKS fetch (connection refused, HTTP error) surfaces as a plain error.
  return 'key set unavailable';
}

export interface AuthResult {
  iss: string;
  tenant?: string;
  jti: string;
  /** The client's `fhir_servers`; empty when it listed none. */
  fhirServers: readonly string[];
}

export interface Authenticator {
  /** null = reject (caller answers a bare 401). Never throws. */
  verify(authorizationHeader: string | undefined, acceptedAudiences: string[]): Promise<AuthResult | null>;
}

const DEFAULT_ALGORITHMS = ['ES384', 'RS384'];
// Far above any real client JWT; bounds the work done on hostile input before signature checks.
const MAX_TOKEN_LENGTH = 8192;
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

// With a shared secret anyone holding the "public" key material could mint tokens, and
// 'none' has no signature at all; a JWKS-based allowlist only makes sense with asymmetric keys.
function checkAlgorithms(algorithms: string[]): string[] {
  const list = algorithms.length > 0 ? algorithms : DEFAULT_ALGORITHMS;
  for (const alg of list) {
    if (/^none$/i.test(alg) || /^HS\d+$/i.test(alg)) {
      throw new Error(`JWT algorithm ${alg} is not allowed: client JWTs must use an asymmetric algorithm`);
    }
  }
  return [...list];
}

/** Both spellings, so `https://x/svc` and `https://x/svc/` match each other. */
function audienceVariants(accepted: string[]): string[] {
  const out = new Set<string>();
  for (const a of accepted) {
    const bare = a.endsWith('/') ? a.slice(0, -1) : a;
    if (bare === '') continue;
    out.add(bare);
    out.add(bare + '/');
  }
  return [...out];
}

export function createAuthenticator(opts: AuthOptions): Authenticator {
  const algorithms = checkAlgorithms(opts.algorithms);
  const skew = opts.clockSkewSeconds ?? 60;
  const jwksOptions = {
    cacheMaxAge: opts.jwksCacheMaxAgeMs ?? 600_000,
    cooldownDuration: opts.jwksCooldownMs ?? 30_000,
    timeoutDuration: Math.max(0, Math.round(opts.jwksTimeoutMs ?? 2000)),
  };
  // One key set per client for the process lifetime, so its cache and cooldown are shared
  // by all requests.
  const byIss = new Map<string, { client: TrustedClient; jwks: ReturnType<typeof createRemoteJWKSet> }>();
  for (const client of opts.clients) {
    if (byIss.has(client.iss)) throw new Error(`trusted client ${client.iss} is listed twice`);
    byIss.set(client.iss, { client, jwks: createRemoteJWKSet(new URL(client.jwks_url), jwksOptions) });
  }

  const maxLifetime = opts.maxLifetimeSeconds ?? 300;
  const maxAge = opts.maxAgeSeconds ?? 300;

  async function verify(header: string | undefined, acceptedAudiences: string[], seen: { iss?: string }): Promise<AuthResult> {
    if (typeof header !== 'string' || header.length > MAX_TOKEN_LENGTH + 16) throw new Rejected('no bearer token');
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw new Rejected('no bearer token');
    const audience = audienceVariants(acceptedAudiences);
    if (audience.length === 0) throw new Rejected('wrong audience');

    // Unverified, and used only to choose which allowlisted key set to verify against.
    const claimedIss = decodeJwt(token).iss;
    if (typeof claimedIss !== 'string') throw new Rejected('unknown issuer');
    const entry = byIss.get(claimedIss);
    if (entry === undefined) throw new Rejected('unknown issuer');
    const { client, jwks } = entry;
    seen.iss = client.iss;

    // The JWKS location is fixed by configuration; a token naming another one is refused
    // outright so an attacker cannot steer us into fetching (SSRF) or trusting their keys.
    const jku = decodeProtectedHeader(token).jku;
    if (jku !== undefined && jku !== client.jwks_url) throw new Rejected('jku not allowed for this issuer');

    const { payload } = await jwtVerify(token, jwks, {
      algorithms,
      issuer: client.iss,
      audience,
      clockTolerance: skew,
      requiredClaims: ['exp', 'iat', 'jti'],
    });

    const now = Math.floor(Date.now() / 1000);
    const { jti, iat, exp } = payload;
    if (typeof jti !== 'string' || jti === '' || jti.length > 255 || !isStorableText(jti)) throw new Rejected('missing or invalid claim');
    if (typeof iat !== 'number' || typeof exp !== 'number') throw new Rejected('missing or invalid claim');
    if (iat > now + skew) throw new Rejected('not yet valid');
    // Short-lived tokens only (CDS Hooks 2.0 recommends 5 minutes): a long-lived or old token that
    // leaks stays usable for long, and the replay store would have to keep its id as long.
    if (exp - iat > maxLifetime) throw new Rejected('lifetime over the maximum');
    if (now - iat > maxAge + skew) throw new Rejected('issued too long ago');

    let tenant: string | undefined;
    if (client.tenant !== undefined) {
      if (payload.tenant !== client.tenant) throw new Rejected('tenant mismatch');
      tenant = client.tenant;
    } else if (typeof payload.tenant === 'string') {
      tenant = payload.tenant;
    }

    // Kept until the token could no longer pass the exp check (exp plus the tolerated skew).
    let fresh: boolean;
    try {
      fresh = await opts.replay.rememberJti(client.iss, jti, new Date((exp + skew) * 1000));
    } catch {
      throw new Rejected('replay store unavailable');
    }
    if (!fresh) throw new Rejected('replayed');

    const result: AuthResult = { iss: client.iss, jti, fhirServers: client.fhir_servers ?? [] };
    if (tenant !== undefined) result.tenant = tenant;
    return result;
  }

  return {
    async verify(header, acceptedAudiences) {
      const seen: { iss?: string } = {};
      try {
        return await verify(header, acceptedAudiences, seen);
      } catch (err) {
        // All refusals look the same to the caller, so nothing about the cause leaks in the
        // response; the log says why (never the token).
        const reason = reasonOf(err);
        opts.logger?.warn({ event: 'auth.rejected', reason, ...(seen.iss ? { iss: seen.iss } : {}) }, `token refused: ${reason}`);
        return null;
      }
    },
  };
}

const CLIENT_KEYS = new Set(['iss', 'jwks_url', 'tenant', 'fhir_servers']);

/**
 * Reads the trusted-client allowlist (a JSON array of { iss, jwks_url, tenant? }).
 * No file configured means no trusted clients. Throws a descriptive Error on any bad content.
 */
export function loadTrustedClients(file: string | undefined): TrustedClient[] {
  if (file === undefined || file === '') return [];
  const where = `trusted clients file ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${where}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${where}: not valid JSON`);
  }
  if (!Array.isArray(data)) throw new Error(`${where}: must be a JSON array of { iss, jwks_url, tenant?, fhir_servers? }`);

  const seen = new Set<string>();
  return data.map((item: unknown, i): TrustedClient => {
    const at = `${where}: entry ${i}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`${at}: must be an object`);
    const rec = item as Record<string, unknown>;
    const unknownKeys = Object.keys(rec).filter((k) => !CLIENT_KEYS.has(k));
    if (unknownKeys.length > 0) throw new Error(`${at}: unknown field(s) ${unknownKeys.join(', ')}`);
    const { iss, jwks_url, tenant, fhir_servers } = rec;
    if (typeof iss !== 'string' || iss.trim() === '') throw new Error(`${at}: "iss" must be a non-empty string`);
    if (seen.has(iss)) throw new Error(`${at}: "iss" ${iss} is listed twice`);
    seen.add(iss);
    if (typeof jwks_url !== 'string') throw new Error(`${at}: "jwks_url" must be a string`);
    let url: URL;
    try {
      url = new URL(jwks_url);
    } catch {
      throw new Error(`${at}: "jwks_url" is not a valid URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${at}: "jwks_url" must be http(s)`);
    if (tenant !== undefined && (typeof tenant !== 'string' || tenant === '')) {
      throw new Error(`${at}: "tenant" must be a non-empty string when given`);
    }
    const client: TrustedClient = { iss, jwks_url };
    if (tenant !== undefined) client.tenant = tenant;
    if (fhir_servers !== undefined) {
      if (!Array.isArray(fhir_servers)) throw new Error(`${at}: "fhir_servers" must be an array of base URLs`);
      client.fhir_servers = fhir_servers.map((u: unknown, j) => {
        const base = typeof u === 'string' ? fhirBase(u) : undefined;
        if (base === undefined) throw new Error(`${at}: "fhir_servers"[${j}] must be an http(s) base URL without credentials, query or fragment`);
        return base;
      });
    }
    return client;
  });
}
