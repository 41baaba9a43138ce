import { isLoopbackHost } from '../config.js';

// The demo FHIR server serves synthetic patients without a token, so it is only ever reachable
// from this machine: it binds a loopback address, and browsers may read it only from pages that
// are themselves served from this machine (the CDS Hooks sandbox or a preview page run locally).

/** The address the demo server binds for a service listening on `serviceHost`. */
export function demoFhirHost(serviceHost: string): string {
  const h = serviceHost.replace(/^\[|\]$/g, '');
  // `localhost` may resolve to either family; a literal address keeps the logged URL exact.
  return isLoopbackHost(h) && h !== 'localhost' ? h : '127.0.0.1';
}

const LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::\d{1,5})?$/i;

/** Whether a browser `Origin` is a page served from this machine. */
export function isLoopbackOrigin(origin: string | undefined): boolean {
  return typeof origin === 'string' && origin.length <= 64 && LOOPBACK_ORIGIN.test(origin);
}
