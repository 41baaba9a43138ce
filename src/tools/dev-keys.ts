import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

// A development key pair for trying the service with authentication on (docker compose): created
// on first use under DATA_DIR/dev-keys (never committed: data/ is ignored), trusted only by
// docker/trusted-clients.dev.json, which the compose setup alone mounts. Never use it with patient data.

export const DEV_ISSUER = 'heme-cds-dev';
const ALG = 'ES384';

export interface DevKeys {
  privateJwk: JWK;
  /** The public key set the service verifies against (served by dev-jwks.ts). */
  jwks: { keys: JWK[] };
  kid: string;
}

export function devKeysDir(dataDir: string = process.env.DATA_DIR?.trim() || './data'): string {
  return join(dataDir, 'dev-keys');
}

/** Reads the key pair in `dir`, creating it first when absent. `created` tells which happened. */
export async function ensureDevKeys(dir: string): Promise<DevKeys & { created: boolean }> {
  const privatePath = join(dir, 'private.jwk.json');
  if (existsSync(privatePath)) return { ...readDevKeys(dir), created: false };
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' };
  const jwks = { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] };
  mkdirSync(dir, { recursive: true });
  // The public half must be readable by the JWKS server's container user; the private half not.
  writeFileSync(join(dir, 'jwks.json'), `${JSON.stringify(jwks, null, 1)}\n`, { mode: 0o644 });
  writeFileSync(privatePath, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600 });
  chmodSync(privatePath, 0o600);
  return { privateJwk, jwks, kid, created: true };
}

export function readDevKeys(dir: string): DevKeys {
  const privateJwk = JSON.parse(readFileSync(join(dir, 'private.jwk.json'), 'utf8')) as JWK;
  const jwks = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8')) as { keys: JWK[] };
  if (!privateJwk.kid) throw new Error(`${dir}/private.jwk.json has no kid`);
  return { privateJwk, jwks, kid: privateJwk.kid };
}

/**
 * A CDS Hooks client JWT (CDS Hooks 2.0 §Trusting CDS Clients): iss and sub the client, aud the
 * service URL, a fresh jti, 5 minutes of life. Each call needs its own token (replay protection).
 */
export async function mintDevToken(keys: DevKeys, opts: { audience: string; issuer?: string; lifetimeSeconds?: number; now?: Date }): Promise<string> {
  const key = await importJWK(keys.privateJwk, ALG);
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const issuer = opts.issuer ?? DEV_ISSUER;
  return new SignJWT({})
    .setProtectedHeader({ alg: ALG, kid: keys.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(issuer)
    .setAudience(opts.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.lifetimeSeconds ?? 300))
    .setJti(randomUUID())
    .sign(key);
}
