import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import cors from 'cors';
import { isLoopbackHost, resolveCorsOrigins } from './config.js';
import { clientRateLimit } from './protocol/rate-limit.js';
import { discoveryDocument } from './services.js';
import { createInvokeHandler } from './protocol/invoke.js';
import { createFeedbackHandler } from './protocol/feedback.js';
import { createSourcesHandler } from './protocol/sources.js';
import type { AppDeps, CallLocals } from './app-deps.js';
import { sendError } from './protocol/errors.js';
import { jsonBody } from './protocol/json-body.js';
import { createWebRouter } from './web/routes.js';

/** The express app: middleware order and routes, nothing else. */
export function createApp(deps: AppDeps) {
  const { config, metrics, logger, services } = deps;
  const serviceIds = new Set(services.map((s) => s.id));
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  // CORS first so that every response, errors included, carries the headers, and preflights
  // (which never carry a JWT) are answered before authentication.
  app.use(
    cors({
      origin: resolveCorsOrigins(config, deps.authenticator !== undefined),
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Accept-Language'],
      maxAge: 600,
    }),
  );

  // Metrics and an access log line per request, labelled by service id (never by raw path: ids
  // from clients would blow up label cardinality, and paths are not logged for the same reason).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const start = performance.now();
    res.on('finish', () => {
      const route = routeLabel(req.path, serviceIds);
      const status = String(res.statusCode);
      const seconds = (performance.now() - start) / 1000;
      metrics.requests.inc({ service: route, status });
      metrics.latency.observe({ service: route, status }, seconds);
      logger.debug({ event: 'http', method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const db = await deps.storage.ping();
    const rules = services.every((s) => s.rules.length > 0);
    res.status(db && rules ? 200 : 503).json({ status: db && rules ? 'ready' : 'not-ready', database: db, rules });
  });
  // With authentication on, /metrics (request rates, card counts, timings) is for the operator's
  // scraper only: it must send METRICS_TOKEN as a bearer token.
  const metricsAllowed = deps.authenticator ? bearerMatcher(config.metricsToken) : () => true;
  app.get('/metrics', async (req, res) => {
    if (!metricsAllowed(req.get('authorization'))) {
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'unauthorized');
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const discovery = discoveryDocument(services);
  app.get('/cds-services', (_req, res) => {
    res.json(discovery);
  });
  const sources = createSourcesHandler(deps.citedAnchors);
  app.get('/sources', sources);
  app.get('/sources/:doc', sources);
  // The page for people (card preview, response plot, rule catalogue) at `/`.
  app.use(createWebRouter(deps));

  const knownService = (req: Request, res: Response, next: NextFunction) => {
    if (!serviceIds.has(String(req.params.id))) {
      sendError(res, 404, 'unknown CDS service');
      return;
    }
    next();
  };
  const serviceUrl = (req: Request) => `${config.publicBaseUrl}/cds-services/${String(req.params.id)}`;
  const readJson = jsonBody(config.bodyLimitBytes);
  const readFeedbackJson = jsonBody(config.feedbackBodyLimitBytes);
  // Loopback development (no authentication, loopback HOST) has no clients to tell apart, and the
  // benchmark and fuzz suites run there; everywhere else the limit is on unless set to 0.
  const development = !deps.authenticator && isLoopbackHost(config.host);
  const limitRate =
    config.rateLimitPerMinute > 0 && !development ? clientRateLimit(config.rateLimitPerMinute) : (_req: Request, _res: Response, next: NextFunction) => next();
  const requireJson = (req: Request, res: Response, next: NextFunction) => {
    // Content type is checked before reading the body, so a wrong type costs nothing.
    if (!req.is(['application/json', 'application/*+json'])) {
      sendError(res, 415, 'Content-Type must be application/json');
      return;
    }
    next();
  };

  app.post(
    '/cds-services/:id',
    knownService,
    authenticate(deps, (req) => [serviceUrl(req)]),
    limitRate,
    requireJson,
    ...readJson,
    createInvokeHandler(deps),
  );
  app.post(
    '/cds-services/:id/feedback',
    knownService,
    // The sandbox signs feedback with aud = {service}/feedback; accept the service URL too.
    authenticate(deps, (req) => [`${serviceUrl(req)}/feedback`, serviceUrl(req)]),
    limitRate,
    requireJson,
    ...readFeedbackJson,
    createFeedbackHandler(deps),
  );

  app.use((_req: Request, res: Response) => {
    sendError(res, 404, 'not found');
  });

  // Anything a client sends that breaks parsing is a 4xx with a short message; a 5xx only for our
  // own bugs, and then without details (the message of a JSON parse error may quote the body).
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; name?: string; stack?: string };
    if (e?.type === 'entity.parse.failed') return sendError(res, 400, 'malformed JSON');
    if (e?.type === 'entity.too.large') return sendError(res, 413, 'request body too large');
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return sendError(res, 415, 'unsupported encoding');
    if (e?.type === 'request.aborted' || e?.type === 'request.size.invalid') return sendError(res, 400, 'incomplete request body');
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, 'bad request');
    logger.error({ event: 'error', name: e?.name, where: e?.stack?.split('\n').slice(1, 4).join(' | ') }, 'unhandled error');
    return sendError(res, 500, 'internal error');
  });

  return app;
}

function authenticate(deps: AppDeps, audiences: (req: Request) => string[]) {
  return async (req: Request, res: Response<unknown, CallLocals>, next: NextFunction) => {
    if (!deps.authenticator) return next();
    const started = performance.now();
    const result = await deps.authenticator.verify(req.get('authorization'), audiences(req));
    res.locals.authMs = Math.round((performance.now() - started) * 100) / 100;
    if (!result) {
      deps.metrics.authFailures.inc();
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'unauthorized');
      return;
    }
    res.locals.auth = result;
    next();
  };
}

/** Compares `Authorization: Bearer <token>` with the expected token in constant time; nothing matches when none is set. */
function bearerMatcher(expected: string | undefined): (header: string | undefined) => boolean {
  if (expected === undefined) return () => false;
  const want = createHash('sha256').update(expected).digest();
  return (header) => {
    const got = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    return got !== undefined && timingSafeEqual(createHash('sha256').update(got).digest(), want);
  };
}

function routeLabel(path: string, serviceIds: Set<string>): string {
  if (path === '/cds-services') return 'discovery';
  const m = /^\/cds-services\/([^/]+)(\/feedback)?$/.exec(path);
  if (m) {
    const id = m[1] ?? '';
    const known = serviceIds.has(id) ? id : 'unknown';
    return m[2] ? `${known}/feedback` : known;
  }
  if (['/healthz', '/readyz', '/metrics'].includes(path)) return path.slice(1);
  if (path === '/sources' || path.startsWith('/sources/')) return 'sources';
  if (path === '/' || path.startsWith('/ui/') || path.startsWith('/vendor/')) return 'page';
  return 'other';
}
