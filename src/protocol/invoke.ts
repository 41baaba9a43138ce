import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Finding, Locale } from '../clinical/types.js';
import { buildSnapshot } from '../clinical/snapshot/build.js';
import { runRules } from '../clinical/engine.js';
import { baselineState } from '../clinical/baseline.js';
import { createDisplayOf, renderCards } from '../cards/render.js';
import type { Card } from '../cards/types.js';
import { FhirCircuitBreakers } from './circuit-breakers.js';
import { validateHookRequest } from './schemas/index.js';
import { PreconditionFailed, resolvePrefetch, type HookRequestData } from './prefetch.js';
import { sendError } from './errors.js';
import { allowedFhirServer, type FhirServerPolicy } from './fhir-servers.js';
import type { AppDeps, CallLocals } from '../app-deps.js';
import type { ServiceDefinition } from '../services.js';

/** Share of the deadline kept for building the snapshot, running rules and rendering. */
const COMPUTE_RESERVE_MS = 150;

/** Language tags each card locale answers to (Norwegian in any written form gets bokmål). */
const LOCALE_TAGS: Record<Locale, string[]> = { nb: ['nb', 'no', 'nn'], en: ['en'] };

/**
 * The card language for a request: the client's most preferred language we have (Express's
 * Accept-Language negotiation, q-values respected), else the configured one. The configured
 * locale's tags are offered first, so a header without preference (none, or `*`) keeps it.
 */
export function pickLocale(req: Pick<Request, 'acceptsLanguages'>, fallback: Locale): Locale {
  const offered = [...LOCALE_TAGS[fallback], ...(Object.keys(LOCALE_TAGS) as Locale[]).filter((l) => l !== fallback).flatMap((l) => LOCALE_TAGS[l])];
  const chosen = req.acceptsLanguages(offered);
  if (chosen === false) return fallback;
  return LOCALE_TAGS.en.includes(chosen) ? 'en' : 'nb';
}

/** Stage durations for the log line, with the prefetch stage as `fetch` (see the redaction note). */
function logDurations(durations: Record<string, number>): Record<string, number> {
  const { prefetch, ...rest } = durations;
  return prefetch === undefined ? rest : { ...rest, fetch: prefetch };
}

/** The scheme, host and port of a URL, for logs (never its path or query). */
function originOf(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return 'invalid';
  }
}

export function pseudonymise(secret: string, patientId: string): string {
  return createHmac('sha256', secret).update(patientId).digest('hex').slice(0, 32);
}


export function createInvokeHandler(deps: AppDeps) {
  const { services, templates, terminology, config, metrics, logger, auditWriter } = deps;
  const byId = new Map(services.map((s) => [s.id, s]));
  // Per process: each worker learns for itself that a FHIR server is down.
  const breakers = new FhirCircuitBreakers();
  const displayOf = createDisplayOf(templates, terminology);

  return async function invoke(req: Request, res: Response<unknown, CallLocals>): Promise<void> {
    const started = performance.now();
    const receivedAt = deps.clock();
    const service = byId.get(String(req.params.id)) as ServiceDefinition;
    const durations: Record<string, number> = { auth: res.locals.authMs ?? 0 };
    const mark = (stage: string, since: number) => {
      durations[stage] = Math.round((performance.now() - since) * 100) / 100;
      return performance.now();
    };

    let t = performance.now();
    const check = validateHookRequest(service.hook, req.body as unknown);
    if (!check.ok) {
      sendError(res, 400, 'invalid request', check.errors);
      return;
    }
    // What the answer, the audit and the log need of the request is taken out now: the request itself
    // (the whole parsed prefetch, megabytes of objects) is let go once the snapshot is built, so a
    // garbage collection during the rules or the rendering does not copy it.
    let request: (HookRequestData & { hook: string; hookInstance: string }) | undefined = req.body as HookRequestData & { hook: string; hookInstance: string };
    const hookInstance = request.hookInstance;
    const patientId = request.context.patientId;
    t = mark('validate', t);

    // SSRF: only a FHIR server the calling client listed (loopback ones with auth off) is contacted,
    // and only its canonical base, so the token goes nowhere else.
    let fhirServerRefused = false;
    if (typeof request.fhirServer === 'string') {
      const auth = res.locals.auth;
      const policy: FhirServerPolicy = deps.authenticator ? { kind: 'listed', bases: auth?.fhirServers ?? [] } : { kind: 'loopback' };
      const base = allowedFhirServer(request.fhirServer, policy);
      if (base === undefined) {
        fhirServerRefused = true;
        metrics.fhirFallback.inc({ outcome: 'refused' });
        logger.warn(
          { event: 'fhir-server.refused', serviceId: service.id, hookInstance, iss: auth?.iss, origin: originOf(request.fhirServer) },
          auth
            ? `fhirServer not among the fhir_servers of client ${auth.iss}: not contacted`
            : 'fhirServer not on loopback (authentication is off): not contacted',
        );
      } else {
        request = { ...request, fhirServer: base };
      }
    }

    const deadlineAt = Date.now() + config.deadlineMs;
    let resolved;
    try {
      resolved = await resolvePrefetch(service, request, {
        fhirServerRefused,
        fetchDeadline: deadlineAt - Math.min(COMPUTE_RESERVE_MS, Math.floor(config.deadlineMs / 4)),
        perRequestTimeoutMs: config.deadlineMs,
        breakers,
      });
    } catch (err) {
      if (err instanceof PreconditionFailed) {
        audit(412, 'precondition-failed', [], { fromClient: [], fetched: [], unavailable: err.missingKeys });
        sendError(res, 412, 'required prefetch data missing and no fhirServer to fetch it from', [
          `missing prefetch keys: ${err.missingKeys.join(', ')}`,
        ]);
        return;
      }
      throw err;
    }
    for (const call of resolved.fhirCalls) metrics.fhirFallback.inc({ outcome: call.outcome });
    if (resolved.deadlineHit) metrics.timeouts.inc({ stage: 'prefetch' });
    t = mark('prefetch', t);

    const snapshot = buildSnapshot(resolved.input, terminology, receivedAt);
    req.body = undefined;
    request = undefined;
    const fetchedKeys = { fromClient: resolved.fromClient, fetched: resolved.fetched, unavailable: resolved.unavailable };
    const deadlineHit = resolved.deadlineHit;
    resolved = undefined;
    t = mark('snapshot', t);

    const { findings, skipped } = runRules(service.rules, snapshot, { now: receivedAt, hook: service.hook });
    // The patient-view sidebar merges info cards (contract item 9); order hooks show each card alone.
    const merge = service.hook === 'patient-view' ? { baselineClosed: baselineState(snapshot, receivedAt) !== 'open' } : undefined;
    t = mark('rules', t);

    const locale = pickLocale(req, config.locale);
    const allFindings: Finding[] = [...findings];
    if (fetchedKeys.unavailable.length > 0 || skipped.length > 0) {
      // Never silent: say what could not be checked, in one info card.
      const domains = [...new Set([...fetchedKeys.unavailable, ...skipped.flatMap((s) => s.domains)])];
      allFindings.push({
        ruleId: 'service.data-unavailable',
        outcome: 'fired',
        subject: 'patient',
        variant: 'default',
        params: {
          domains: domains.map((d) => displayOf(`domain:${d}`, locale)).join(', ') || '-',
          rules: [...new Set(skipped.map((s) => displayOf(`rule:${s.ruleId}`, locale)))].join(', ') || '-',
        },
        values: [],
        missing: domains.map((d) => `domain:${d}`),
      });
    }
    const cards: Card[] = renderCards(allFindings, {
      templates,
      locale,
      hook: service.hook,
      patientId,
      sourceBaseUrl: `${config.publicBaseUrl}/sources`,
      displayOf,
      ...(merge ? { merge } : {}),
    });
    mark('render', t);
    durations.total = Math.round((performance.now() - started) * 100) / 100;

    for (const c of cards) metrics.cards.inc({ rule: c.source.topic?.code ?? 'unknown', indicator: c.indicator });
    const outcome = deadlineHit ? 'deadline' : fetchedKeys.unavailable.length > 0 ? 'data-unavailable' : 'ok';
    res.status(200).json({ cards });
    audit(200, outcome, cards, fetchedKeys);
    logger.info(
      {
        event: 'hook.invoked',
        serviceId: service.id,
        hookInstance,
        iss: res.locals.auth?.iss,
        cards: cards.length,
        rules: [...new Set(cards.map((c) => c.source.topic?.code))],
        // Not named `prefetch`: the logger redacts every field of that name (FHIR content), and
        // these are only counts and a duration.
        prefetchKeys: { client: fetchedKeys.fromClient.length, fetched: fetchedKeys.fetched.length, unavailable: fetchedKeys.unavailable.length },
        durationsMs: logDurations(durations),
        outcome,
      },
      'hook invoked',
    );

    function audit(
      httpStatus: number,
      outcomeName: string,
      returned: Card[],
      keys: { fromClient: string[]; fetched: string[]; unavailable: string[] },
    ): void {
      auditWriter.enqueue({
        at: receivedAt,
        serviceId: service.id,
        hook: service.hook,
        hookInstance,
        ...(res.locals.auth?.iss ? { clientIss: res.locals.auth.iss } : {}),
        patientPseudonym: pseudonymise(deps.pseudonymSecret, patientId),
        cards: returned.map((c) => ({
          uuid: c.uuid ?? '',
          ruleId: (c.source.topic?.code ?? '').replace(/\.not-evaluable$/, ''),
          topicCode: c.source.topic?.code ?? '',
          indicator: c.indicator,
        })),
        prefetchFromClient: keys.fromClient,
        prefetchFetched: keys.fetched,
        prefetchUnavailable: keys.unavailable,
        durationsMs: { ...durations },
        outcome: outcomeName,
        httpStatus,
      });
    }
  };
}
