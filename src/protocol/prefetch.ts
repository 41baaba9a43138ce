import type { Bundle, Medication, Patient, Resource } from '@medplum/fhirtypes';
import type { DataDomain } from '../clinical/types.js';
import type { SnapshotInput } from '../clinical/snapshot/input.js';
import { MAX_TEMPLATE_LENGTH, type ServiceDefinition } from '../services.js';
import { isOpenCircuit, type FhirCircuitBreakers } from './circuit-breakers.js';
import { isUrlBelowBase } from './fhir-servers.js';
import { isRecord } from '../type-guards.js';

// Prefetch is a hint (CDS Hooks 2.0 §Prefetch): a key may be satisfied, `null` (the client has no
// data), an OperationOutcome (the client failed), or absent (not attempted). Whatever the client did
// not give us we fetch from `fhirServer`, all at once, under one deadline. Nothing here throws for
// client input except the 412 case the spec requires.

export class PreconditionFailed extends Error {
  constructor(public readonly missingKeys: string[]) {
    super('required prefetch data missing and no FHIR server to fetch it from');
  }
}

export interface HookRequestData {
  fhirServer?: string;
  fhirAuthorization?: { access_token: string };
  context: { patientId: string; draftOrders?: unknown; selections?: string[] };
  prefetch?: Record<string, unknown>;
}

export interface ResolvedData {
  input: SnapshotInput;
  fromClient: string[];
  fetched: string[];
  /** Prefetch keys that could not be had (fetch failed or deadline). */
  unavailable: string[];
  deadlineHit: boolean;
  fhirCalls: { outcome: 'ok' | 'error' | 'timeout' | 'circuit-open' }[];
}

export interface ResolveOptions {
  /** Absolute time (ms since epoch) by which all fetching must be done. */
  fetchDeadline: number;
  /** Upper bound for one FHIR request. */
  perRequestTimeoutMs: number;
  /** Most pages read per search (the first and its `next` pages); default DEFAULT_MAX_PAGES. */
  maxPages?: number;
  /** Circuit breakers per FHIR base URL; without them every request goes out. */
  breakers?: FhirCircuitBreakers;
  /** Largest single FHIR response read; default MAX_FHIR_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  /** Bytes read from the FHIR server per hook call, all queries and pages; default MAX_FHIR_BYTES_PER_CALL. */
  maxBytesPerCall?: number;
  /**
   * The request named a fhirServer we may not contact (fhir-servers.ts): nothing is fetched, and
   * what the client did not send is unavailable (no 412: the client did name a server).
   */
  fhirServerRefused?: boolean;
}

// A page of 1000 Observations (our largest query) is 1 to 3 MB of JSON, and the client's own
// prefetch is capped at CDS_BODY_LIMIT_BYTES (5 MB by default). Anything far beyond that is a
// misbehaving server: reading it whole (and parsing it, at several times its size in memory)
// would cost memory shared by every concurrent call and could not finish within the deadline
// anyway, so the read stops at the cap and the key counts as unavailable.
export const MAX_FHIR_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Pages read per search: with servers that page at 100 (many cap `_count`), 2,000 resources. */
export const DEFAULT_MAX_PAGES = 20;
export const MAX_FHIR_BYTES_PER_CALL = 24 * 1024 * 1024;

/** A FHIR answer that is not a usable 2xx JSON body; `response.status` is what the breaker classifies. */
class FhirResponseError extends Error {
  constructor(
    readonly response: { status: number },
    reason: string,
  ) {
    super(`FHIR server answer unusable: ${reason}`);
  }
}

/** Over a size cap; carries no status, so it counts as a server failure for the breaker. */
class FhirResponseTooLarge extends Error {
  constructor() {
    super('FHIR server answer over the size cap');
  }
}

/** What the FHIR server or client gave us, classified. */
type KeyState =
  | { kind: 'data'; value: Resource }
  | { kind: 'none' } // null: the client has no data
  | { kind: 'missing' }; // absent, OperationOutcome, wrong patient, not a resource

const RESOURCE_TYPE_BY_DOMAIN: Record<DataDomain, string[]> = {
  patient: ['Patient'],
  conditions: ['Condition'],
  observations: ['Observation'],
  medicationRequests: ['MedicationRequest', 'MedicationOrder'],
  medicationStatements: ['MedicationStatement'],
  medicationAdministrations: ['MedicationAdministration'],
  procedures: ['Procedure'],
  serviceRequests: ['ServiceRequest', 'ProcedureRequest'],
  immunizations: ['Immunization'],
};

function isResource(v: unknown): v is Resource {
  return isRecord(v) && typeof v.resourceType === 'string';
}

function bundleEntries(b: Bundle): Resource[] {
  if (!Array.isArray(b.entry)) return [];
  const out: Resource[] = [];
  for (const e of b.entry) {
    if (isRecord(e) && isResource(e.resource)) out.push(e.resource);
  }
  return out;
}

/** The `next` page URL; the server's Bundle is untrusted, so `link` may be anything. */
function nextLink(b: Bundle): string | undefined {
  const links: unknown = b.link;
  if (!Array.isArray(links)) return undefined;
  for (const l of links) {
    if (isRecord(l) && l.relation === 'next' && typeof l.url === 'string' && l.url !== '') return l.url;
  }
  return undefined;
}

function onlyOperationOutcomes(b: Bundle): boolean {
  const entries = bundleEntries(b);
  return entries.length > 0 && entries.every((r) => r.resourceType === 'OperationOutcome');
}

/** An OperationOutcome that only says "no results" (Epic) is an empty result, not an error. */
function isErrorOutcome(r: Resource): boolean {
  const issues = (r as { issue?: { severity?: string }[] }).issue;
  if (!Array.isArray(issues) || issues.length === 0) return true;
  return issues.some((i) => i?.severity === 'error' || i?.severity === 'fatal');
}

function classifyClientValue(domain: DataDomain, value: unknown, patientId: string, present: boolean): KeyState {
  if (!present) return { kind: 'missing' };
  if (value === null) return { kind: 'none' };
  if (!isResource(value)) return { kind: 'missing' };
  if (value.resourceType === 'OperationOutcome') return { kind: 'missing' };
  if (domain === 'patient') {
    // Never use a Patient that is not the one in context (a client bug must not give cards about someone else).
    const candidates = value.resourceType === 'Bundle' ? bundleEntries(value) : [value];
    const match = candidates.find((r) => r.resourceType === 'Patient' && r.id === patientId);
    return match ? { kind: 'data', value: match } : { kind: 'missing' };
  }
  if (value.resourceType === 'Bundle') {
    if (onlyOperationOutcomes(value)) return { kind: 'missing' };
    return { kind: 'data', value };
  }
  return RESOURCE_TYPE_BY_DOMAIN[domain].includes(value.resourceType) ? { kind: 'data', value } : { kind: 'missing' };
}

function fillTemplate(template: string, patientId: string): string {
  return template.replace(/\{\{context\.patientId\}\}/g, encodeURIComponent(patientId));
}

class FetchBudget {
  calls: { outcome: 'ok' | 'error' | 'timeout' | 'circuit-open' }[] = [];
  deadlineHit = false;
  private bytesRead = 0;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly maxResponseBytes: number;
  private readonly maxBytesPerCall: number;

  constructor(
    private readonly base: string,
    token: string | undefined,
    private readonly opts: ResolveOptions,
  ) {
    this.baseUrl = base.replace(/\/+$/, '');
    this.headers = {
      accept: 'application/fhir+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    this.maxResponseBytes = opts.maxResponseBytes ?? MAX_FHIR_RESPONSE_BYTES;
    this.maxBytesPerCall = opts.maxBytesPerCall ?? MAX_FHIR_BYTES_PER_CALL;
  }

  /** GET one URL (relative to the base, or an absolute `next` link on the same origin). */
  async get(url: string): Promise<Resource | undefined> {
    const remaining = this.opts.fetchDeadline - Date.now();
    if (remaining <= 0) {
      this.deadlineHit = true;
      this.calls.push({ outcome: 'timeout' });
      return undefined;
    }
    if (/^https?:/i.test(url) && !isUrlBelowBase(url, this.base)) {
      // Never send the client's access token elsewhere than the allowed server (a hostile `next` link).
      this.calls.push({ outcome: 'error' });
      return undefined;
    }
    const timeout = Math.min(remaining, this.opts.perRequestTimeoutMs);
    const timer = AbortSignal.timeout(timeout);
    const tooLarge = new AbortController();
    const signal = AbortSignal.any([timer, tooLarge.signal]);
    const href = /^https?:/i.test(url) ? url : `${this.baseUrl}/${url.replace(/^\/+/, '')}`;
    const send = () => this.fetchJson(href, signal, tooLarge);
    try {
      const breaker = this.opts.breakers?.forServer(this.base);
      const result = await (breaker ? breaker.execute(send) : send());
      this.calls.push({ outcome: 'ok' });
      return isResource(result) ? result : undefined;
    } catch (err) {
      if (isOpenCircuit(err)) {
        this.calls.push({ outcome: 'circuit-open' });
      } else if (timer.aborted) {
        this.calls.push({ outcome: 'timeout' });
        if (Date.now() >= this.opts.fetchDeadline - 5) this.deadlineHit = true;
      } else {
        this.calls.push({ outcome: 'error' });
      }
      return undefined;
    }
  }

  /**
   * One GET, the body read as a stream and abandoned as soon as it passes the per-response or the
   * per-call cap (a Content-Length over the cap is refused before reading anything). Error answers
   * are not read at all: only their status matters.
   */
  private async fetchJson(href: string, signal: AbortSignal, tooLarge: AbortController): Promise<unknown> {
    // Redirects are never followed: a 3xx is a failed answer, so an allowed server cannot bounce us
    // (and the client's token) to another address.
    const res = await fetch(href, { method: 'GET', headers: this.headers, signal, redirect: 'manual' });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new FhirResponseError({ status: res.status }, `HTTP ${res.status}`);
    }
    const limit = Math.min(this.maxResponseBytes, this.maxBytesPerCall - this.bytesRead);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      tooLarge.abort();
      await res.body?.cancel().catch(() => undefined);
      throw new FhirResponseTooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      // Node's fetch types its body stream loosely; the bytes are Uint8Array chunks.
      const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        this.bytesRead += value.byteLength;
        if (size > this.maxResponseBytes || this.bytesRead > this.maxBytesPerCall) {
          tooLarge.abort();
          await reader.cancel().catch(() => undefined);
          throw new FhirResponseTooLarge();
        }
        chunks.push(value);
      }
    }
    const text = Buffer.concat(chunks, size).toString('utf8');
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new FhirResponseError({ status: res.status }, 'invalid JSON');
    }
  }

  /**
   * A search with paging: `next` links followed up to `maxPages` pages. Undefined when any page
   * failed or more pages remain than may be read: a partial list would pass for the whole record.
   */
  async search(url: string): Promise<Resource[] | undefined> {
    const first = await this.get(url);
    if (!first) return undefined;
    if (first.resourceType === 'OperationOutcome') return isErrorOutcome(first) ? undefined : [];
    if (first.resourceType !== 'Bundle') return [first];
    const resources = bundleEntries(first);
    let page = first;
    for (let pages = 1; ; pages++) {
      const next = nextLink(page);
      if (!next) return resources;
      if (pages >= (this.opts.maxPages ?? DEFAULT_MAX_PAGES)) return undefined;
      const more = await this.get(next);
      if (!more || more.resourceType !== 'Bundle') return undefined;
      page = more;
      resources.push(...bundleEntries(page));
    }
  }
}

function resourcesFrom(value: Resource): Resource[] {
  return value.resourceType === 'Bundle' ? bundleEntries(value) : [value];
}

function medicationRefs(resources: Resource[]): string[] {
  const ids = new Set<string>();
  for (const r of resources) {
    const ref = (r as { medicationReference?: { reference?: unknown } }).medicationReference?.reference;
    if (typeof ref !== 'string' || ref.startsWith('#')) continue;
    const m = /(?:^|\/)Medication\/([A-Za-z0-9\-.]{1,64})$/.exec(ref);
    if (m?.[1]) ids.add(m[1]);
  }
  return [...ids];
}

/** `Medication?_id=a,b,...` queries for the referenced ids, each within MAX_TEMPLATE_LENGTH. */
export function medicationQueries(ids: string[]): string[] {
  const head = 'Medication?_id=';
  const queries: string[] = [];
  let batch: string[] = [];
  for (const id of ids.map(encodeURIComponent)) {
    if (batch.length > 0 && head.length + [...batch, id].join(',').length > MAX_TEMPLATE_LENGTH) {
      queries.push(head + batch.join(','));
      batch = [];
    }
    batch.push(id);
  }
  if (batch.length > 0) queries.push(head + batch.join(','));
  return queries;
}

/**
 * Resolves the data a service's rules need: client prefetch first, the FHIR server for the rest.
 * Throws PreconditionFailed (412) only when data is missing and there is no FHIR server at all.
 */
export async function resolvePrefetch(
  service: ServiceDefinition,
  body: HookRequestData,
  opts: ResolveOptions,
): Promise<ResolvedData> {
  const patientId = body.context.patientId;
  const clientPrefetch = isRecord(body.prefetch) ? body.prefetch : {};
  // A domain may have several keys (a query split to stay under the URL length limit): each key is
  // classified and fetched on its own, and the domain is whole only when every key is.
  const keysOf = (domain: DataDomain): string[] => service.prefetchKeys?.[domain] ?? [domain];
  const states = new Map<string, KeyState>();
  for (const domain of service.needs) {
    for (const key of keysOf(domain)) {
      const present = Object.prototype.hasOwnProperty.call(clientPrefetch, key);
      states.set(key, classifyClientValue(domain, clientPrefetch[key], patientId, present));
    }
  }

  const missing = service.needs.flatMap((d) => keysOf(d).filter((k) => states.get(k)?.kind === 'missing').map((key) => ({ domain: d, key })));
  const fhirServer = !opts.fhirServerRefused && typeof body.fhirServer === 'string' ? body.fhirServer : undefined;
  if (missing.length > 0 && !fhirServer && !opts.fhirServerRefused) throw new PreconditionFailed(missing.map((m) => m.key));

  const resources: Partial<Record<DataDomain, Resource[]>> = {};
  const medications: Medication[] = [];
  // Keys the client gave and keys fetched (for the audit); domains that could not be had (for the rules).
  const fromClient: string[] = [];
  const fetched: string[] = [];
  const unavailable: DataDomain[] = [];
  let patient: Patient | undefined;
  const note = <T extends string>(list: T[], item: T) => {
    if (!list.includes(item)) list.push(item);
  };

  const take = (domain: DataDomain, list: Resource[]) => {
    const wanted = RESOURCE_TYPE_BY_DOMAIN[domain];
    const kept: Resource[] = [];
    for (const r of list) {
      if (r.resourceType === 'Medication') medications.push(r);
      else if (wanted.includes(r.resourceType)) kept.push(r);
    }
    if (domain === 'patient') {
      const p = kept.find((r) => r.id === patientId) as Patient | undefined;
      if (p) patient = p;
    } else {
      (resources[domain] ??= []).push(...kept);
    }
  };

  for (const domain of service.needs) {
    for (const key of keysOf(domain)) {
      const state = states.get(key);
      if (state?.kind === 'data') {
        take(domain, resourcesFrom(state.value));
        note(fromClient, key);
      } else if (state?.kind === 'none') {
        if (domain !== 'patient') resources[domain] ??= [];
        note(fromClient, key);
      }
    }
  }

  const budget = fhirServer ? new FetchBudget(fhirServer, body.fhirAuthorization?.access_token, opts) : undefined;
  if (!budget) for (const m of missing) note(unavailable, m.domain);
  if (budget && missing.length > 0) {
    // Every missing key goes out at once; each has its own timeout, all share the deadline.
    const results = await Promise.all(
      missing.map(async ({ domain, key }) => {
        const url = fillTemplate(service.prefetch[key] ?? '', patientId);
        return { domain, key, list: domain === 'patient' ? await budget.get(url).then((r) => (r ? [r] : undefined)) : await budget.search(url) };
      }),
    );
    for (const { domain, key, list } of results) {
      if (list === undefined) {
        note(unavailable, domain);
        continue;
      }
      take(domain, list);
      if (domain === 'patient' && !patient) note(unavailable, domain);
      else note(fetched, key);
    }
  }

  // Medications referenced but neither contained nor bundled: one query for all of them.
  const draftEntries = extractDraftOrders(body.context.draftOrders);
  for (const r of draftEntries.bundled) medications.push(r);
  if (budget) {
    const known = new Set(medications.map((m) => m.id));
    const referencing = [
      ...(resources.medicationRequests ?? []),
      ...(resources.medicationStatements ?? []),
      ...(resources.medicationAdministrations ?? []),
      ...draftEntries.orders,
    ];
    const wanted = medicationRefs(referencing).filter((id) => !known.has(id));
    const lists = await Promise.all(medicationQueries(wanted).map((query) => budget.search(query)));
    for (const found of lists) if (found) for (const r of found) if (r.resourceType === 'Medication') medications.push(r);
  }

  return {
    input: {
      patientId,
      ...(patient ? { patient } : {}),
      resources,
      medications,
      draftOrders: draftEntries.orders,
      ...(Array.isArray(body.context.selections) ? { selections: body.context.selections } : {}),
      unavailable,
    },
    fromClient,
    fetched,
    unavailable,
    deadlineHit: budget?.deadlineHit ?? false,
    fhirCalls: budget?.calls ?? [],
  };
}

/** Draft orders and any Medication resources bundled with them (Epic includes them since 2024). */
export function extractDraftOrders(draftOrders: unknown): { orders: Resource[]; bundled: Medication[] } {
  const orders: Resource[] = [];
  const bundled: Medication[] = [];
  if (!isRecord(draftOrders) || !Array.isArray(draftOrders.entry)) return { orders, bundled };
  for (const e of draftOrders.entry) {
    if (!isRecord(e) || !isResource(e.resource)) continue;
    if (e.resource.resourceType === 'Medication') bundled.push(e.resource);
    else orders.push(e.resource);
  }
  return { orders, bundled };
}
