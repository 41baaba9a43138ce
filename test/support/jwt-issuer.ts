import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

// A stand-in EHR for tests: real keys, a real JWKS endpoint on 127.0.0.1, real signatures.

export type IssuerAlg = 'ES384' | 'RS384';

export interface JwtClaims {
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  tenant: string;
  iss: string;
}

export interface JwtIssuer {
  /** `http://127.0.0.1:<port>`; the default `iss` claim. */
  iss: string;
  /** `<iss>/jwks.json`. */
  jwksUrl: string;
  /**
   * Signs with the current key. Defaults: iss, exp = now + 300, iat = now, jti = random uuid;
   * header { alg, kid, typ: 'JWT' }. A claim or header field given as `undefined` is omitted.
   */
  sign(claims: Partial<JwtClaims> & Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /** New current key with a new kid; the old public key stays published (overlapping rotation). */
  rotateKey(): Promise<void>;
  /** Number of HTTP requests the JWKS server has answered. */
  requests(): number;
  /** Stops listening and drops open connections, simulating a JWKS outage. Idempotent. */
  stop(): Promise<void>;
  /** Same as stop(); for afterAll. */
  close(): Promise<void>;
}

interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(alg: IssuerAlg): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function dropUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export async function startJwtIssuer(opts: { alg?: IssuerAlg } = {}): Promise<JwtIssuer> {
  const alg = opts.alg ?? 'ES384';
  const keys: IssuerKey[] = [await newKey(alg)];
  let count = 0;

  const server: Server = createServer((req, res) => {
    count += 1;
    if (req.method === 'GET' && req.url === '/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const iss = `http://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets would otherwise keep serving the "stopped" JWKS.
      server.closeAllConnections();
    });
    return stopped;
  };

  return {
    iss,
    jwksUrl: `${iss}/jwks.json`,
    async sign(claims, header = {}) {
      const current = keys[keys.length - 1];
      if (current === undefined) throw new Error('no key');
      const now = Math.floor(Date.now() / 1000);
      const payload = dropUndefined({ iss, exp: now + 300, iat: now, jti: randomUUID(), ...claims });
      const protectedHeader = dropUndefined({ alg, kid: current.kid, typ: 'JWT', ...header });
      return new SignJWT(payload)
        .setProtectedHeader(protectedHeader as { alg: string })
        .sign(current.privateKey);
    },
    async rotateKey() {
      keys.push(await newKey(alg));
    },
    requests: () => count,
    stop,
    close: stop,
  };
}
