import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { sendError } from './errors.js';

// Per-client rate limit on hook and feedback calls (issue 13 item 6): RATE_LIMIT_PER_MINUTE calls
// per client and minute, counted together for both routes. A client is the JWT issuer when
// authentication is on (so it runs after authentication), else the remote address. The counts live
// in this process: with several replicas or WORKERS each one allows the limit on its own.

export function clientRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    keyGenerator: (req, res: Response) => {
      const iss = (res.locals.auth as { iss?: string } | undefined)?.iss;
      return iss !== undefined ? `iss:${iss}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (_req, res) => {
      // Retry-After is already set (seconds until this client's window ends).
      sendError(res, 429, 'too many requests; retry later');
    },
    validate: { trustProxy: false, xForwardedForHeader: false },
  });
}
