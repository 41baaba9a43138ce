import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';

// One circuit breaker per FHIR base URL (cockatiel): after a run of failures we stop sending that
// server requests for a while, answer at once with what we can compute plus the data-unavailable
// card, and let one trial request through when the pause is over. A struggling EHR server is not
// hammered by every open chart, and our answers stay fast while it recovers.

/** Consecutive failed requests (errors, timeouts, 5xx) that open a server's breaker. */
export const FAILURES_TO_OPEN = 5;
/** How long an open breaker refuses before letting one trial request through. */
export const HALF_OPEN_AFTER_MS = 10_000;
/**
 * `fhirServer` comes from the client, so the map is bounded: the least recently used base URLs are
 * forgotten first (a forgotten breaker simply starts closed again).
 */
const MAX_SERVERS = 256;

/**
 * A 4xx answer (expired token, forbidden, a search the server does not support) says nothing about
 * the server's health and must not cut off other clients; errors, timeouts and 5xx do.
 */
function isServerFailure(err: Error): boolean {
  const status = (err as { response?: { status?: unknown } }).response?.status;
  return !(typeof status === 'number' && status >= 400 && status < 500);
}

export function isOpenCircuit(err: unknown): boolean {
  return err instanceof BrokenCircuitError;
}

export interface BreakerOptions {
  failuresToOpen?: number;
  halfOpenAfterMs?: number;
}

export class FhirCircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(private readonly opts: BreakerOptions = {}) {}

  /** The breaker of a base URL (trailing slashes ignored), created closed on first use. */
  forServer(baseUrl: string): CircuitBreakerPolicy {
    const key = baseUrl.replace(/\/+$/, '');
    let breaker = this.breakers.get(key);
    if (breaker) {
      // Re-insert to mark it most recently used.
      this.breakers.delete(key);
    } else {
      breaker = circuitBreaker(handleWhen(isServerFailure), {
        halfOpenAfter: this.opts.halfOpenAfterMs ?? HALF_OPEN_AFTER_MS,
        breaker: new ConsecutiveBreaker(this.opts.failuresToOpen ?? FAILURES_TO_OPEN),
      });
      if (this.breakers.size >= MAX_SERVERS) {
        const oldest = this.breakers.keys().next().value;
        if (oldest !== undefined) this.breakers.delete(oldest);
      }
    }
    this.breakers.set(key, breaker);
    return breaker;
  }

  /** Base URLs whose breaker is open now (metrics, readiness detail). */
  openServers(): string[] {
    return [...this.breakers.entries()].filter(([, b]) => b.state === CircuitState.Open).map(([k]) => k);
  }
}
