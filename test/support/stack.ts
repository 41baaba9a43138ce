import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { TrustedClient } from '../../src/protocol/auth.js';
import express from 'express';
import { validateHemeResponse } from '../../src/protocol/schemas/index.js';

// Builds the real service (runtime + express app) for HTTP tests: real storage (in-memory PGlite),
// real rules and card templates, real logger writing into a buffer the test can inspect.
export const PUBLIC_BASE = 'http://cds.test';

export interface TestStack {
  runtime: Runtime;
  /** The service app behind a checker that validates every hook response it sends. */
  app: express.Express;
  logs: string[];
  /** Hook responses (status 200) that failed the CDS Hooks 2.0 + house schema; `close()` fails on any. */
  invalidResponses: string[];
  close(): Promise<void>;
}

const HOOK_PATH = /^\/cds-services\/[^/]+$/;

/**
 * Every 200 answer to a hook call that any HTTP test produces is validated against our ajv schema of
 * the CDS Hooks 2.0 response (plus the house rules), not only the ones a test looks at.
 */
function validatingApp(inner: Runtime['app'], invalid: string[]): express.Express {
  const outer = express();
  outer.use((req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (req.method === 'POST' && HOOK_PATH.test(req.path) && res.statusCode === 200) {
        const check = validateHemeResponse(body);
        if (!check.ok) invalid.push(`${req.path}: ${check.errors.join('; ')}`);
      }
      return json(body);
    };
    next();
  });
  outer.use(inner);
  return outer;
}

export async function startStack(
  opts: { env?: Record<string, string>; clients?: TrustedClient[]; now?: Date } = {},
): Promise<TestStack> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_BASE_URL: PUBLIC_BASE,
    DEMO_FHIR: 'off',
    LOG_LEVEL: 'debug',
    CDS_DEADLINE_MS: '2000',
    ...(opts.env ?? {}),
  };
  if (opts.clients) {
    const dir = mkdtempSync(join(tmpdir(), 'heme-clients-'));
    const file = join(dir, 'clients.json');
    writeFileSync(file, JSON.stringify(opts.clients));
    env.CDS_TRUSTED_CLIENTS_FILE = file;
  }
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, sink);
  const runtime = await createRuntime(config, {
    logger,
    memoryStorage: true,
    ...(opts.now ? { clock: () => opts.now as Date } : {}),
  });
  const invalidResponses: string[] = [];
  return {
    runtime,
    app: validatingApp(runtime.app, invalidResponses),
    logs,
    invalidResponses,
    close: async () => {
      await runtime.close();
      if (invalidResponses.length > 0) throw new Error(`invalid CDS Hooks responses:\n${invalidResponses.join('\n')}`);
    },
  };
}

/** A minimal valid hook request body. */
export function hookBody(hook: 'patient-view' | 'order-select' | 'order-sign', patientId: string, extra: Record<string, unknown> = {}) {
  const { context: extraContext, ...rest } = extra as { context?: Record<string, unknown> };
  return {
    hook,
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/demo-practitioner', patientId, ...(extraContext ?? {}) },
    ...rest,
  };
}

/**
 * A prefetch that says "no data" for every key the service asks for (the observation query may be
 * split over observations, observations-2 ...), with only the given Patient: a call that needs no FHIR server.
 */
export function noDataPrefetch(stack: TestStack, patient: Record<string, unknown>, serviceId = 'heme-patient-view'): Record<string, unknown> {
  const service = stack.runtime.deps.services.find((s) => s.id === serviceId);
  if (service === undefined) throw new Error(`no service ${serviceId}`);
  return Object.fromEntries(Object.keys(service.prefetch).map((key) => [key, key === 'patient' ? patient : null]));
}

/** Fetches every prefetch template of a service from a FHIR server, as an EHR would. */
export async function fullPrefetch(
  prefetch: Record<string, string>,
  fhirBase: string,
  patientId: string,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(prefetch)) {
    const url = `${fhirBase}/${template.replace(/\{\{context\.patientId\}\}/g, encodeURIComponent(patientId))}`;
    const res = await fetch(url, { headers: { accept: 'application/fhir+json' } });
    out[key] = res.ok ? await res.json() : null;
  }
  return out;
}
