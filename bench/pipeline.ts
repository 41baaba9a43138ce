import { loadTerminology } from '../src/clinical/terminology/concepts.js';
import { loadCardTemplates } from '../src/cards/templates.js';
import { allRules } from '../src/clinical/rules/index.js';
import { buildServices, discoveryDocument } from '../src/services.js';
import { buildSnapshot } from '../src/clinical/snapshot/build.js';
import { runRules } from '../src/clinical/engine.js';
import { createDisplayOf, renderCards } from '../src/cards/render.js';
import { validateHookRequest } from '../src/protocol/schemas/index.js';
import { resolvePrefetch, type HookRequestData } from '../src/protocol/prefetch.js';
import { utf8JsonText } from '../src/protocol/json-text.js';
import { fullPrefetch, generateHeavyPatient } from './heavy-patient.js';

// In-process cost of each pipeline stage for the bench's heavy patient, without HTTP: the place
// to look first when the service's CPU per call changes. `node dist/bench/pipeline.js [iterations]`.

const iterations = Number(process.argv[2] ?? 300);
const terminology = loadTerminology();
const templates = loadCardTemplates();
const services = buildServices(allRules, terminology);
const service = services.find((s) => s.id === 'heme-patient-view')!;
const disc = discoveryDocument(services).services.find((s) => s.id === 'heme-patient-view') as { prefetch: Record<string, string> };
const asOf = '2026-12-01';
const hp = generateHeavyPatient({ seed: 5, asOf });
const text = JSON.stringify({
  hook: 'patient-view',
  hookInstance: 'b5e1c0de-0000-4000-8000-000000000002',
  context: { userId: 'Practitioner/x', patientId: hp.patientId },
  prefetch: fullPrefetch(hp, disc.prefetch),
});
// The bytes as they arrive. The heavy patient's β2-microglobulin display is not Latin-1, so the plain
// decoding (the reference stage below, not part of the sum) gives a two-byte string.
const body = Buffer.from(text, 'utf8');
const displayOf = createDisplayOf(templates, terminology);
const now = new Date(`${asOf}T12:00:00Z`);
const stages = ['decode', 'parse', 'validate', 'prefetch', 'snapshot', 'rules', 'render', 'stringify'] as const;
const reference = ['decode (plain utf8)', 'parse (of plain)'] as const;
const times: Record<string, number[]> = Object.fromEntries([...stages, ...reference].map((s) => [s, []]));

for (let i = 0; i < iterations; i++) {
  let t = performance.now();
  const lap = (s: string) => {
    const n = performance.now();
    times[s]!.push(n - t);
    t = n;
  };
  const plain = body.toString('utf8');
  lap('decode (plain utf8)');
  JSON.parse(plain);
  lap('parse (of plain)');
  const decoded = utf8JsonText(body);
  lap('decode');
  const parsed = JSON.parse(decoded) as HookRequestData;
  lap('parse');
  validateHookRequest('patient-view', parsed);
  lap('validate');
  const resolved = await resolvePrefetch(service, parsed, { fetchDeadline: Date.now() + 1000, perRequestTimeoutMs: 1000 });
  lap('prefetch');
  const snap = buildSnapshot(resolved.input, terminology, now);
  lap('snapshot');
  const { findings } = runRules(service.rules, snap, { now, hook: 'patient-view' });
  lap('rules');
  const cards = renderCards(findings, { templates, locale: 'nb', hook: 'patient-view', patientId: hp.patientId, sourceBaseUrl: 'http://x/sources', displayOf });
  lap('render');
  JSON.stringify({ cards });
  lap('stringify');
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const warm = Math.floor(iterations / 3);
let total = 0;
for (const s of stages) {
  const m = median(times[s]!.slice(warm));
  total += m;
  process.stdout.write(`${s.padEnd(10)} ${m.toFixed(2)} ms\n`);
}
process.stdout.write(`${'sum'.padEnd(10)} ${total.toFixed(2)} ms (body ${(body.length / 1024).toFixed(0)} KiB)\n`);
// The two decodings split their work between decoding and JSON.parse differently (a two-byte string
// against an ASCII one with escapes), so only decode + parse compare across the two.
const m = (s: string) => median(times[s]!.slice(warm));
process.stdout.write(
  `decode + parse ${(m('decode') + m('parse')).toFixed(2)} ms; the same body with a plain Buffer#toString('utf8'): ` +
    `${(m('decode (plain utf8)') + m('parse (of plain)')).toFixed(2)} ms (decode ${m('decode (plain utf8)').toFixed(2)}, parse ${m('parse (of plain)').toFixed(2)})\n`,
);
