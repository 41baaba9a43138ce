import { createServer, type RequestListener, type Server } from 'node:http';
import type { Config } from './config.js';

// The HTTP server's own limits against slow or greedy clients (issue 13 item 7). A client that sends
// its headers or body a byte at a time is cut once requestTimeout has passed since the request
// began (headersTimeout for the headers alone, never longer than requestTimeout), and at most
// MAX_CONNECTIONS sockets are open at once (more are closed on arrival).

export interface HttpLimits {
  /** Whole request (headers and body) must have arrived within this. */
  requestTimeoutMs: number;
  /** Headers must have arrived within this; at most requestTimeoutMs. */
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  /** How often Node checks the two timeouts above (its default, 30 s, would let a slow client stay twice as long). */
  checkIntervalMs: number;
}

export function httpLimits(config: Pick<Config, 'deadlineMs' | 'maxConnections'>): HttpLimits {
  // A hook body (at most CDS_BODY_LIMIT_BYTES) arrives from an EHR on its network within seconds;
  // five deadlines, at least 30 s, leaves room for a slow link.
  const requestTimeoutMs = Math.max(30_000, config.deadlineMs * 5);
  return {
    requestTimeoutMs,
    headersTimeoutMs: Math.min(10_000, requestTimeoutMs),
    keepAliveTimeoutMs: 65_000,
    maxConnections: config.maxConnections,
    checkIntervalMs: 1_000,
  };
}

export function createHttpServer(handler: RequestListener, limits: HttpLimits): Server {
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) throw new Error('headersTimeout must not exceed requestTimeout');
  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
