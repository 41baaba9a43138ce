import { isLoopbackHost } from '../config.js';

// Which `fhirServer` a caller may make us contact (issue 13 item 4, SSRF). A trusted client names
// its FHIR servers in CDS_TRUSTED_CLIENTS_FILE (`fhir_servers`); a request's fhirServer must be one
// of them or a path below one. With authentication off (loopback development) only loopback FHIR
// servers are contacted. Anything else is never contacted: the call goes on without a FHIR server.

/**
 * The canonical base of a FHIR server URL: http(s), no credentials, query or fragment, no trailing
 * slash. Dot segments and percent-encoded dots are resolved by the URL parser, so `/fhir/../admin`
 * is `/admin`. Undefined for anything else.
 */
export function fhirBase(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  // A query or fragment marker with nothing after it leaves search/hash empty but would still end
  // up in the URLs we build from the base.
  if (/[?#]/.test(raw)) return undefined;
  let path = url.pathname;
  while (path.endsWith('/')) path = path.slice(0, -1);
  return `${url.origin}${path}`;
}

/** `url` is `base` or below it (same origin, and its path continues the base's at a `/`). */
export function isAtOrBelow(url: string, base: string): boolean {
  return url === base || url.startsWith(`${base}/`);
}

/** An absolute URL (a `next` page link) on the base's origin, at or below its path, without credentials. */
export function isUrlBelowBase(href: string, base: string): boolean {
  let u: URL;
  let b: URL;
  try {
    u = new URL(href);
    b = new URL(base);
  } catch {
    return false;
  }
  if (u.origin !== b.origin || u.username !== '' || u.password !== '') return false;
  const basePath = b.pathname.endsWith('/') ? b.pathname.slice(0, -1) : b.pathname;
  return u.pathname === basePath || u.pathname.startsWith(`${basePath}/`);
}

export type FhirServerPolicy =
  /** Authentication on: the bases the calling client listed. */
  | { kind: 'listed'; bases: readonly string[] }
  /** Authentication off: loopback hosts only. */
  | { kind: 'loopback' };

/** The canonical base to contact, or undefined when the policy refuses `fhirServer`. */
export function allowedFhirServer(fhirServer: string, policy: FhirServerPolicy): string | undefined {
  const base = fhirBase(fhirServer);
  if (base === undefined) return undefined;
  if (policy.kind === 'loopback') return isLoopbackHost(new URL(base).hostname) ? base : undefined;
  return policy.bases.some((b) => isAtOrBelow(base, b)) ? base : undefined;
}
