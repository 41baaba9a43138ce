import { createServer } from 'node:http';
import cors from 'cors';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getStatus, isOk, isResourceType } from '@medplum/core';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import type { FhirRequest } from '@medplum/fhir-router';
import type { Bundle, BundleEntry, BundleLink, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import { isLoopbackHost } from '../config.js';
import { BoundedMap } from './bounded-map.js';
import { buildCapabilityStatement } from './capability.js';
import { ensureFhirDefinitionsIndexed } from './definitions.js';
import { fixtureSetFor } from './fixture-set.js';
import { isLoopbackOrigin } from './loopback.js';
import { DemoFhirError, badRequest, fhirError, notFound, operationOutcome } from './outcomes.js';
import { capPageSize, expandBareReferences, prepareSearch } from './search-query.js';
import type { PreparedSearch, QueryPair } from './search-query.js';

export { loadFixtureBundles } from './fixtures.js';

export interface DemoFhirServer {
  /** FHIR base, e.g. `http://127.0.0.1:8081/fhir`. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface DemoFhirServerOptions {
  /** Default 127.0.0.1; must be a loopback address (the server needs no token). */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default `fixtures/` at the project root. */
  fixturesDir?: string;
  /** Default true. */
  loadFixtures?: boolean;
  /**
   * Tests only, default false: accept transaction Bundles, standing in for a writable server such
   * as HAPI FHIR (the fixture loader's tests). The demo server as `npm start` runs it never does.
   */
  acceptTransactions?: boolean;
  /** The day the fixtures' reference day is moved to (fixture-dates.ts); default today. */
  now?: Date;
  /** Largest page a search returns whatever `_count` asks (as HAPI's max page size); default none. */
  maxPageSize?: number;
}

const BASE_PATH = 'fhir';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const MAX_BODY_BYTES = 20 * 1024 * 1024;
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
// Links in Bundles follow the Host the client used (e.g. a compose service name), when it is sane.
const HOST_HEADER = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
// One CapabilityStatement per base URL clients used; any Host header makes a new one.
const CAPABILITY_CACHE_ENTRIES = 16;
// Read-only: searches and reads, also inside a batch; nothing that writes.
const ALLOW = 'GET, POST, OPTIONS';

const corsForLocalPages = cors({
  origin: (origin, callback) => callback(null, isLoopbackOrigin(origin)),
  methods: ['GET', 'POST'],
  allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Prefer', 'If-None-Match', 'Cache-Control', 'X-Requested-With'],
  exposedHeaders: ['ETag', 'Last-Modified', 'Location'],
  maxAge: 600,
  optionsSuccessStatus: 204,
});

interface ServerContext {
  router: FhirRouter;
  repo: MemoryRepository;
  baseUrl: string;
  startedAt: string;
  capability: BoundedMap<string, CapabilityStatement>;
  acceptTransactions: boolean;
  maxPageSize?: number;
}

interface Reply {
  status: number;
  body: Resource;
  headers?: Record<string, string>;
}

function routerRequest(method: 'GET' | 'POST', url: string, query: FhirRequest['query'], body?: unknown): FhirRequest {
  return { method, url, pathname: '', params: {}, query, body };
}

/** Runs one request through medplum and maps a failure outcome to its HTTP status. */
async function callRouter(ctx: ServerContext, request: FhirRequest): Promise<Resource> {
  const [outcome, resource] = await ctx.router.handleRequest(request, ctx.repo);
  if (!isOk(outcome) || !resource) {
    const status = isOk(outcome) ? 500 : getStatus(outcome);
    throw new DemoFhirError(status, outcome);
  }
  return resource;
}

function splitPath(rawPath: string): string[] {
  try {
    return rawPath
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw badRequest('Malformed percent-encoding in the request path');
  }
}

function readOnly(text: string): DemoFhirError {
  return fhirError(405, 'not-supported', text);
}

function requireResourceType(type: string): string {
  if (!isResourceType(type)) throw notFound(`Unknown resource type: ${type}`);
  return type;
}

function requestBaseUrl(ctx: ServerContext, req: IncomingMessage): string {
  const host = req.headers.host;
  return host && HOST_HEADER.test(host) ? `http://${host}/${BASE_PATH}` : ctx.baseUrl;
}

function wantsStrictHandling(req: IncomingMessage): boolean {
  const prefer = req.headers.prefer;
  return typeof prefer === 'string' && /\bhandling\s*=\s*strict\b/i.test(prefer);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        if (!tooLarge) reject(fhirError(413, 'too-costly', 'Request body too large'));
        tooLarge = true;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function searchLinks(base: string, type: string, search: PreparedSearch, total: number | undefined): BundleLink[] {
  const url = (pairs: readonly QueryPair[]): string => {
    const query = new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, v])).toString();
    return `${base}/${type}${query ? `?${query}` : ''}`;
  };
  const withoutOffset = search.applied.filter(([key]) => key !== '_offset');
  const links: BundleLink[] = [{ relation: 'self', url: url(search.applied) }];
  const { count, offset } = search;
  if (count !== undefined && count > 0 && total !== undefined && offset + count < total) {
    links.push({ relation: 'next', url: url([...withoutOffset, ['_offset', String(offset + count)]]) });
  }
  if (count !== undefined && count > 0 && offset > 0) {
    const previous = Math.max(0, offset - count);
    links.push({ relation: 'previous', url: url([...withoutOffset, ['_offset', String(previous)]]) });
  }
  return links;
}

async function search(ctx: ServerContext, req: IncomingMessage, type: string, pairs: QueryPair[]): Promise<Reply> {
  const prepared = capPageSize(prepareSearch(type, pairs, wantsStrictHandling(req)), ctx.maxPageSize);
  const result = (await callRouter(ctx, routerRequest('GET', type, prepared.query))) as Bundle;
  const base = requestBaseUrl(ctx, req);
  const entry: BundleEntry[] = (result.entry ?? []).map((e) => ({
    fullUrl: `${base}/${e.resource?.resourceType ?? type}/${e.resource?.id ?? ''}`,
    resource: e.resource,
    search: { mode: 'match' },
  }));
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link: searchLinks(base, type, prepared, result.total),
    ...(entry.length > 0 ? { entry } : {}),
  };
  return { status: 200, body: bundle };
}

async function read(ctx: ServerContext, type: string, id: string): Promise<Reply> {
  if (!FHIR_ID.test(id)) throw badRequest('Invalid resource id');
  const resource = await callRouter(ctx, routerRequest('GET', `${type}/${id}`, {}));
  const headers: Record<string, string> = {};
  if (resource.meta?.versionId) headers.ETag = `W/"${resource.meta.versionId}"`;
  if (resource.meta?.lastUpdated) headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  return { status: 200, body: resource, headers };
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('Request body is not valid JSON');
  }
}

/** Bare ids in searches inside a batch get the same expansion as top-level searches. */
function expandSearchEntries(bundle: Bundle): void {
  for (const entry of bundle.entry ?? []) {
    const request = entry?.request;
    if (request?.method !== 'GET' || typeof request.url !== 'string') continue;
    const q = request.url.indexOf('?');
    if (q < 0) continue;
    const type = request.url.slice(0, q);
    if (!isResourceType(type)) continue;
    const pairs = [...new URLSearchParams(request.url.slice(q + 1))] as QueryPair[];
    request.url = `${type}?${new URLSearchParams(expandBareReferences(type, pairs)).toString()}`;
  }
}

async function batch(ctx: ServerContext, req: IncomingMessage): Promise<Reply> {
  const type = mediaType(req);
  if (type !== '' && type !== 'application/fhir+json' && type !== 'application/json') {
    throw fhirError(415, 'not-supported', 'Send the Bundle as application/fhir+json');
  }
  const body = parseJsonBody(await readBody(req));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Body must be a Bundle');
  const bundle = body as Bundle;
  if (bundle.resourceType !== 'Bundle') throw badRequest('Body must be a Bundle');
  if (bundle.type === 'transaction' && !ctx.acceptTransactions) throw readOnly('Transactions are refused: the demo FHIR server is read-only');
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') throw badRequest('Only batch Bundles (of searches and reads) can be posted to the base');
  if (!Array.isArray(bundle.entry)) throw badRequest('Bundle has no entries');
  if (bundle.type === 'batch' && bundle.entry.some((entry) => entry?.request?.method !== undefined && entry.request.method !== 'GET')) {
    throw readOnly('Batch entries other than GET are refused: the demo FHIR server is read-only');
  }
  expandSearchEntries(bundle);
  const result = await callRouter(ctx, routerRequest('POST', '', {}, bundle));
  return { status: 200, body: result };
}

async function searchByPost(ctx: ServerContext, req: IncomingMessage, type: string, urlQuery: string): Promise<Reply> {
  const media = mediaType(req);
  if (media !== '' && media !== 'application/x-www-form-urlencoded') {
    throw fhirError(415, 'not-supported', 'POST _search takes application/x-www-form-urlencoded');
  }
  const form = await readBody(req);
  const pairs = [...new URLSearchParams(urlQuery), ...new URLSearchParams(form)] as QueryPair[];
  return search(ctx, req, type, pairs);
}

function capability(ctx: ServerContext, req: IncomingMessage): Reply {
  const base = requestBaseUrl(ctx, req);
  let statement = ctx.capability.get(base);
  if (!statement) {
    statement = buildCapabilityStatement(base, ctx.startedAt);
    ctx.capability.set(base, statement);
  }
  return { status: 200, body: statement };
}

async function route(ctx: ServerContext, req: IncomingMessage): Promise<Reply> {
  const method = req.method ?? '';
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  const segments = splitPath(q < 0 ? rawUrl : rawUrl.slice(0, q));
  if (segments[0] !== BASE_PATH) throw notFound('Unknown route');
  const [first, second, ...more] = segments.slice(1);

  if (method === 'PUT' || method === 'PATCH' || method === 'DELETE') throw readOnly(`${method} is refused: the demo FHIR server is read-only`);
  if (first === undefined) {
    if (method === 'POST') return batch(ctx, req);
  } else if (more.length === 0 && second === undefined) {
    if (method === 'GET' && first === 'metadata') return capability(ctx, req);
    if (method === 'GET') {
      return search(ctx, req, requireResourceType(first), [...new URLSearchParams(rawQuery)] as QueryPair[]);
    }
    if (method === 'POST') throw readOnly('Creating resources is refused: the demo FHIR server is read-only');
  } else if (more.length === 0 && second !== undefined) {
    if (method === 'POST' && second === '_search') return searchByPost(ctx, req, requireResourceType(first), rawQuery);
    if (method === 'GET' && second === '_search') {
      return search(ctx, req, requireResourceType(first), [...new URLSearchParams(rawQuery)] as QueryPair[]);
    }
    if (method === 'GET') return read(ctx, requireResourceType(first), second);
  }
  throw notFound('Unsupported route');
}

function send(res: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': FHIR_JSON,
    'Content-Length': String(Buffer.byteLength(payload)),
    ...(reply.status === 413 ? { Connection: 'close' } : {}),
    ...(reply.status === 405 ? { Allow: ALLOW } : {}),
    ...reply.headers,
  });
  res.end(payload);
}

function errorReply(err: unknown): Reply {
  if (err instanceof DemoFhirError) return { status: err.status, body: err.outcome };
  // Unexpected failures are reported without their message: it may quote request content.
  return { status: 500, body: operationOutcome('exception', 'Internal error in the demo FHIR server') };
}

function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): void {
  // Browser pages on this machine (the CDS Hooks sandbox run locally) get CORS headers and their
  // preflight answered; any other OPTIONS is answered here without them.
  corsForLocalPages(req, res, () => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { Allow: ALLOW, 'Content-Length': '0' });
      res.end();
      return;
    }
    respond(ctx, req, res);
  });
}

function respond(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): void {
  route(ctx, req)
    .catch(errorReply)
    .then((reply) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      send(res, reply);
    })
    .catch(() => res.destroy());
}

/** Loads transaction Bundles through medplum's batch handling: `PUT Type/id` entries keep their ids. */
async function loadBundles(ctx: Pick<ServerContext, 'router' | 'repo'>, bundles: readonly Bundle[]): Promise<void> {
  for (const [index, bundle] of bundles.entries()) {
    const [outcome, result] = await ctx.router.handleRequest(
      routerRequest('POST', '', {}, structuredClone(bundle)),
      ctx.repo,
    );
    if (!isOk(outcome)) {
      throw new Error(`Fixture bundle ${index} was refused: ${outcome.issue?.[0]?.details?.text ?? 'unknown error'}`);
    }
    const entries = (result as Bundle | undefined)?.entry ?? [];
    entries.forEach((entry, entryIndex) => {
      const status = entry.response?.status ?? '';
      if (!status.startsWith('2')) {
        const detail = entry.response?.outcome?.issue?.[0]?.details?.text;
        throw new Error(`Fixture bundle ${index} entry ${entryIndex} failed (${status}): ${detail ?? 'unknown error'}`);
      }
    });
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function urlHost(host: string, address: AddressInfo): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  if (host.includes(':')) return `[${host}]`;
  return host || address.address;
}

/**
 * Starts the in-memory FHIR R4 server: indexes the definitions (once per process), loads the
 * fixture Bundles (unless `loadFixtures: false`), then listens. Resolves once it answers requests.
 */
export async function startDemoFhirServer(opts: DemoFhirServerOptions = {}): Promise<DemoFhirServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`The demo FHIR server only binds a loopback address, not ${host}`);
  await ensureFhirDefinitionsIndexed();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  if (opts.loadFixtures ?? true) {
    await loadBundles({ router, repo }, fixtureSetFor(opts.now ?? new Date(), opts.fixturesDir).bundles);
  }

  const ctx: ServerContext = {
    router,
    repo,
    baseUrl: '',
    startedAt: new Date().toISOString(),
    capability: new BoundedMap(CAPABILITY_CACHE_ENTRIES),
    acceptTransactions: opts.acceptTransactions ?? false,
    ...(opts.maxPageSize !== undefined ? { maxPageSize: opts.maxPageSize } : {}),
  };
  const server = createServer((req, res) => handle(ctx, req, res));
  await listen(server, opts.port ?? 0, host);
  const address = server.address() as AddressInfo;
  ctx.baseUrl = `http://${urlHost(host, address)}:${address.port}/${BASE_PATH}`;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: ctx.baseUrl,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
