import type { AddressInfo } from 'node:net';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { loadTerminology } from '../src/clinical/terminology/concepts.js';
import { loadCardTemplates } from '../src/cards/templates.js';
import { allRules } from '../src/clinical/rules/index.js';
import { buildServices, discoveryDocument } from '../src/services.js';
import { buildSnapshot } from '../src/clinical/snapshot/build.js';
import { runRules } from '../src/clinical/engine.js';
import { createDisplayOf, renderCards } from '../src/cards/render.js';
import { validateHookRequest } from '../src/protocol/schemas/index.js';
import { resolvePrefetch, type HookRequestData } from '../src/protocol/prefetch.js';
import { jsonBody } from '../src/protocol/json-body.js';
import { fullPrefetch, generateHeavyPatient } from './heavy-patient.js';

// Two ways of reading a hook call's JSON body, each in front of the same whole hook call (validate,
// prefetch, snapshot, rules, render, answer) over real HTTP, called in turn so that both see the
// same machine: the service's body reader (src/protocol/json-body.ts) and express.json().
// `node dist/bench/json-body.js [calls]`; the figures go to bench/RESULTS.md.

const calls = Number(process.argv[2] ?? 400);
const LIMIT = 5 * 1024 * 1024;
const terminology = loadTerminology();
const templates = loadCardTemplates();
const services = buildServices(allRules, terminology);
const service = services.find((s) => s.id === 'heme-patient-view');
if (!service) throw new Error('no heme-patient-view service');
const disc = discoveryDocument(services).services.find((s) => s.id === 'heme-patient-view') as { prefetch: Record<string, string> };
const asOf = '2026-12-01';
const hp = generateHeavyPatient({ seed: 5, asOf });
const body = JSON.stringify({
  hook: 'patient-view',
  hookInstance: 'b5e1c0de-0000-4000-8000-000000000002',
  context: { userId: 'Practitioner/x', patientId: hp.patientId },
  prefetch: fullPrefetch(hp, disc.prefetch),
});
const displayOf = createDisplayOf(templates, terminology);
const now = new Date(`${asOf}T12:00:00Z`);

async function hookCall(req: Request, res: Response): Promise<void> {
  const parsed = req.body as HookRequestData;
  validateHookRequest('patient-view', parsed);
  const resolved = await resolvePrefetch(service!, parsed, { fetchDeadline: Date.now() + 1000, perRequestTimeoutMs: 1000 });
  const snap = buildSnapshot(resolved.input, terminology, now);
  const { findings } = runRules(service!.rules, snap, { now, hook: 'patient-view' });
  const cards = renderCards(findings, { templates, locale: 'nb', hook: 'patient-view', patientId: hp.patientId, sourceBaseUrl: 'http://x/sources', displayOf });
  res.json({ cards });
}

async function listen(reader: RequestHandler[]): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.post('/hook', ...reader, hookCall);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, close: () => new Promise((r) => server.close(() => r())) };
}

const variants = {
  'service reader (json-body.ts)': await listen(jsonBody(LIMIT)),
  'express.json()': await listen([express.json({ limit: LIMIT, type: ['application/json', 'application/*+json'] })]),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));

for (let i = 0; i < calls; i++) {
  for (const [name, { url }] of Object.entries(variants)) {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = (await res.json()) as { cards?: unknown[] };
    if (res.status !== 200 || !Array.isArray(answer.cards)) throw new Error(`${name}: HTTP ${res.status}`);
    times[name]?.push(performance.now() - started);
  }
}
for (const v of Object.values(variants)) await v.close();

const warm = Math.floor(calls / 4);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const medians = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs.slice(warm))]));
for (const [name, m] of Object.entries(medians)) process.stdout.write(`${name.padEnd(32)} ${m.toFixed(2)} ms per whole hook call (median)\n`);
const [ours, standard] = Object.values(medians) as [number, number];
process.stdout.write(
  `body ${(Buffer.byteLength(body) / 1024).toFixed(0)} KiB, ${calls - warm} calls each after ${warm} warm-up; ` +
    `express.json() ${(((standard - ours) / ours) * 100).toFixed(1)} % ${standard >= ours ? 'slower' : 'faster'} per call\n`,
);
