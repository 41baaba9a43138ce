import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LoadResult } from './load.js';
import type { CpuUse } from './cpu.js';
import type { MemorySample } from './servers.js';
import type { StageDurations } from './stages.js';
import type { ProfileSummary } from './cpu-profile.js';
import { describeCoreSpeeds, describeWait, type CoreSpeeds, type EvenCoresWait } from './cores.js';

// results.json (every figure, each target with pass/fail) and RESULTS.md (the same, readable).

export interface Workload {
  id: string;
  title: string;
  load: LoadResult;
  cpu?: CpuUse;
  /** Service CPU time per answered request (ms): the cost of one call, whatever else ran on the machine. */
  cpuMsPerRequest?: number;
  /** Main (JavaScript) thread only; the difference is GC helper threads. */
  mainThreadMsPerRequest?: number;
  notes?: string[];
  extra?: Record<string, number | string>;
}

export interface Target {
  id: string;
  description: string;
  /** Measured value and the limit, in the unit given. */
  value: number;
  limit: number;
  unit: string;
  comparison: '<=' | '>=' | '<' | '==';
  pass: boolean;
}

export interface Results {
  generatedAt: string;
  mode: 'default' | 'soak';
  machine: {
    cpuModel: string;
    cores: number;
    memoryMb: number;
    node: string;
    platform: string;
    loadAverageAtStart: number[];
    /** Machine busy % over 2 s before the first workload (0 = idle); others share this machine. */
    busyBeforeStartPct: number;
  };
  git?: { commit: string; dirtyFiles: number };
  config: Record<string, number | string | boolean>;
  patient: { counts: Record<string, number>; requestBytes: Record<string, number>; cardsW2: string[]; cardsW3: string[]; cardsW4: string[] };
  workloads: Workload[];
  memory: {
    /** Idle, just after the very first start (the database is created then). */
    firstStart: MemorySample;
    workers1?: MemorySample;
    single: { afterStart: MemorySample; afterWarmup: MemorySample; beforeSoak: MemorySample; afterSoak: MemorySample; peakDuringSoakMb: number; soakS: number; growthOverSoakPct: number; growthSinceWarmupPct: number };
    workers2?: MemorySample;
  };
  workers: {
    w1Rps: number;
    w2Rps: number;
    ratio: number;
    rounds: number;
    database: 'postgresql';
    /** Each core's speed alone, just before and just after the rounds (bench/cores.ts). */
    coresBefore?: CoreSpeeds;
    coresAfter?: CoreSpeeds;
    /** How the cores measured before the rounds, and how long the bench waited for them to be even. */
    coresWait?: EvenCoresWait;
  };
  /** Core speeds around the W2/W5 rounds (the wait as for WORKERS). */
  w2w5Cores?: { before: EvenCoresWait; after?: CoreSpeeds };
  service: { auditRows?: number; requestsSent?: number; auditQueueAtEnd?: number; auditDropped?: number };
  stages: Partial<Record<string, StageDurations>>;
  /** From service CPU time per request: what the figures would be with a core to itself. */
  estimates: {
    w2CpuMsPerRequest: number;
    w5CpuMsPerRequest: number;
    w2VsW5ByCpuCostPct: number;
    w2SaturationPerIdleCoreRps: number;
    w5SaturationPerIdleCoreRps: number;
    workers1CpuMsPerRequest: number;
    workers2CpuMsPerRequest: number;
  };
  profiles?: ProfileSummary[];
  targets: Target[];
  allPass: boolean;
}

export function target(id: string, description: string, value: number, comparison: Target['comparison'], limit: number, unit: string): Target {
  const pass =
    Number.isFinite(value) &&
    (comparison === '<=' ? value <= limit : comparison === '>=' ? value >= limit : comparison === '<' ? value < limit : value === limit);
  return { id, description, value: Math.round(value * 1000) / 1000, limit, unit, comparison, pass };
}

const f = (v: number | undefined, digits = 1) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

function workloadTable(ws: Workload[]): string {
  const rows = [
    '| Workload | Conns | Rate (req/s) | Duration (s) | Requests | 2xx/s | Median ms | p90 ms | p99 ms | Max ms | non-2xx | Errors | Service CPU % | Service CPU ms/request | Main thread ms/request | Generator CPU % | Machine busy % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const w of ws) {
    const l = w.load;
    rows.push(
      `| ${w.id}: ${w.title} | ${l.connections} | ${l.overallRate ?? 'max'} | ${f(l.durationS, 0)} | ${l.requests} | ${f(l.throughputRps)} | ${f(l.latencyMs.median, 2)} | ${f(l.latencyMs.p90, 2)} | ${f(l.latencyMs.p99, 2)} | ${f(l.latencyMs.max, 1)} | ${l.non2xx} | ${l.errors} | ${f(w.cpu?.servicePct)} | ${f(w.cpuMsPerRequest, 2)} | ${f(w.mainThreadMsPerRequest, 2)} | ${f(w.cpu?.loadGeneratorPct)} | ${f(w.cpu?.machineBusyPct)} |`,
    );
  }
  return rows.join('\n');
}

function stageTable(stages: Results['stages']): string {
  const kinds = Object.keys(stages);
  if (kinds.length === 0) return '_no audit rows read_';
  const names = [...new Set(kinds.flatMap((k) => Object.keys(stages[k] ?? {})))];
  const order = ['auth', 'validate', 'prefetch', 'snapshot', 'rules', 'render', 'total'];
  names.sort((a, b) => (order.indexOf(a) + 100) % 100 - (order.indexOf(b) + 100) % 100 || a.localeCompare(b));
  const rows = [`| Stage | ${kinds.map((k) => `${k} median / p99 ms`).join(' | ')} |`, `|---|${kinds.map(() => '---').join('|')}|`];
  for (const n of names) rows.push(`| ${n} | ${kinds.map((k) => `${f(stages[k]?.[n]?.median, 2)} / ${f(stages[k]?.[n]?.p99, 2)}`).join(' | ')} |`);
  rows.push(`| (rows) | ${kinds.map((k) => String(stages[k]?.total?.n ?? 0)).join(' | ')} |`);
  return rows.join('\n');
}

function memoryLine(label: string, m: MemorySample): string {
  const per = m.processes.map((p) => `${p.role} ${f(p.rssMb)}`).join(', ');
  const b = m.breakdown;
  const split = b ? `; V8 heap ${f(b.heapUsedMb)} used of ${f(b.heapTotalMb)}, external to it (ArrayBuffers) ${f(b.externalMb)}; the embedded database's WebAssembly memory and its thread's heap count in RSS, not here` : '';
  return `- ${label}: **${f(m.totalMb)} MB** (${per}${split})`;
}

export function markdown(r: Results): string {
  const m = r.memory.single;
  const lines: string[] = [
    '# heme-cds benchmark results (issue 5)',
    '',
    `Generated ${r.generatedAt} by \`npm run bench${r.mode === 'soak' ? ' -- --soak' : ''}\` (bench/run.ts). Machine-readable: bench/results.json.`,
    '',
    '## Machine',
    '',
    `- CPU: ${r.machine.cpuModel}, ${r.machine.cores} cores; memory ${r.machine.memoryMb} MB; ${r.machine.platform}`,
    `- Node ${r.machine.node}`,
    `- Load average at start: ${r.machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' / ')}; machine busy in the 2 s before the first workload: ${f(r.machine.busyBeforeStartPct)} %` +
      (r.machine.busyBeforeStartPct > 15 ? ' — **the machine was not idle: other processes competed with the benchmark, figures are pessimistic**' : ''),
    `- Load generator (autocannon), service, helper servers and PostgreSQL all run on this machine, so they share its cores.`,
    ...(r.git ? [`- Commit ${r.git.commit}${r.git.dirtyFiles > 0 ? ` with ${r.git.dirtyFiles} uncommitted file(s) in the tree` : ''}`] : []),
    '',
    '## Targets',
    '',
    '| Target | Measured | Limit | Result |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.description} | ${f(t.value, 2)} ${t.unit} | ${t.comparison} ${t.limit} ${t.unit} | ${t.pass ? 'PASS' : '**FAIL**'} |`),
    '',
    `Overall: ${r.allPass ? 'all targets pass' : `**${r.targets.filter((t) => !t.pass).length} of ${r.targets.length} fail**`}.`,
    '',
    '## Workloads',
    '',
    `Heavy patient (generated, seed ${String(r.config.seed)}, as of ${String(r.config.asOf)}): ${Object.entries(r.patient.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}. Request bodies: ${Object.entries(r.patient.requestBytes)
      .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KiB`)
      .join(', ')}.`,
    `Cards returned: W2 [${r.patient.cardsW2.join(', ')}]; W3 [${r.patient.cardsW3.join(', ')}]; W4 [${r.patient.cardsW4.join(', ')}].`,
    '',
    workloadTable(r.workloads),
    '',
    'Latency is measured per response by the load generator. Without a rate, each connection sends its next request as soon as',
    'the previous answer is in (saturation). With a rate of R req/s, arrivals are paced: R autocannon clients of one connection',
    "each send one request per second, their starts spread evenly over the second, so requests arrive 1000/R ms apart (autocannon's",
    'own rate limit would send each second\'s share as one burst at its start, which measures queueing behind a burst, not the rate).',
    '',
    ...r.workloads.filter((w) => w.notes?.length || w.extra).flatMap((w) => [
      `- ${w.id}: ${[...(w.notes ?? []), ...Object.entries(w.extra ?? {}).map(([k, v]) => `${k} = ${v}`)].join('; ')}`,
    ]),
    '',
    ...(r.w2w5Cores
      ? [`Core speeds around the W2/W5 rounds (bench/cores.ts): before, ${describeWait(r.w2w5Cores.before)}; after, ${describeCoreSpeeds(r.w2w5Cores.after)}.`, '']
      : []),
    '## Cost per call (independent of other load on the machine)',
    '',
    `Service CPU time per answered call (all rounds): W2 ${f(r.estimates.w2CpuMsPerRequest, 2)} ms, W5 (bare) ${f(r.estimates.w5CpuMsPerRequest, 2)} ms; ` +
      `WORKERS=1 ${f(r.estimates.workers1CpuMsPerRequest, 2)} ms, WORKERS=2 ${f(r.estimates.workers2CpuMsPerRequest, 2)} ms per call.`,
    `With a core to itself W2 would saturate at about ${f(r.estimates.w2SaturationPerIdleCoreRps)} req/s and W5 at ${f(r.estimates.w5SaturationPerIdleCoreRps)} req/s: ` +
      `W2 ≈ ${f(r.estimates.w2VsW5ByCpuCostPct)} % of W5 by cost. Service CPU includes V8's garbage-collector helper threads, which run beside the calls on the other core; a process's throughput is bounded by its main thread (column “Main thread ms/request”).`,
    '',
    '## WORKERS (node:cluster, PostgreSQL)',
    '',
    `W2 saturation with WORKERS=1: ${f(r.workers.w1Rps)} req/s; WORKERS=2: ${f(r.workers.w2Rps)} req/s (means of ${r.workers.rounds} alternating rounds, both configurations running side by side, each worker warmed up with as many calls as the single process); ratio **${f(r.workers.ratio, 2)}×**.`,
    '',
    `Each core's speed alone (bench/cores.ts), just before the rounds: ${r.workers.coresWait ? describeWait(r.workers.coresWait) : describeCoreSpeeds(r.workers.coresBefore)}; just after: ${describeCoreSpeeds(r.workers.coresAfter)}. ` +
      'The ceiling is the most two processes can get relative to one on this machine as it was then, before the load generator and PostgreSQL take their share. ' +
      'Before each ratio the bench waits (at most `--settle-seconds`, default 180) until every core runs at 90 % or more of the fastest: a core the host has slowed measures the host, not the service.',
    '',
    '## Memory (resident, VmRSS)',
    '',
    memoryLine('single process (PGlite), idle after its very first start (database created)', r.memory.firstStart),
    memoryLine('single process (PGlite), idle after a restart on the existing database', m.afterStart),
    memoryLine('after warm-up', m.afterWarmup),
    memoryLine('before the soak', m.beforeSoak),
    memoryLine(`after a ${m.soakS} s soak at half load`, m.afterSoak),
    `- peak during the soak: ${f(m.peakDuringSoakMb)} MB; growth over the soak **${f(m.growthOverSoakPct, 2)} %**, since warm-up ${f(m.growthSinceWarmupPct, 2)} %`,
    ...(r.memory.workers1 ? [memoryLine('WORKERS=1 on PostgreSQL (no embedded database) after its W2 run', r.memory.workers1)] : []),
    ...(r.memory.workers2 ? [memoryLine('WORKERS=2 on PostgreSQL after its W2 run (sum of primary and workers)', r.memory.workers2)] : []),
    '',
    '## Service side',
    '',
    `Audit rows written (single-process run, PGlite): ${r.service.auditRows ?? '–'} for ${r.service.requestsSent ?? '–'} hook calls the load generator counted ` +
      `(calls still in flight when a run's time is up are answered and audited, but not counted); audit queue at the end ${r.service.auditQueueAtEnd ?? '–'}; dropped ${r.service.auditDropped ?? '–'}.`,
    '',
    'Pipeline stage durations from the audit rows of each workload (`durations_ms`; the handler only: reading and parsing the body and serialising the response are outside `total`):',
    '',
    stageTable(r.stages),
    '',
  ];
  for (const p of r.profiles ?? []) {
    lines.push(
      `## CPU profile: W2 saturation, ${p.note.split(':')[0]}`,
      '',
      `${p.note} Samples of the measured run only: ${f(p.sampledMs / 1000)} s, of which ${f(p.idlePct)} % idle.`,
      '',
      'Self time by area (`wasm://` is PGlite\'s PostgreSQL compiled to WebAssembly):',
      '',
      '| Area | Self % of busy |',
      '|---|---|',
      ...p.byArea.slice(0, 15).map((a) => `| ${a.area} | ${f(a.pct)} |`),
      '',
      'Time inside each dependency, including what it calls:',
      '',
      '| Package | Inclusive % of busy |',
      '|---|---|',
      ...p.byPackageInclusive.slice(0, 12).map((a) => `| ${a.area} | ${f(a.pct)} |`),
      '',
      'Our functions (dist/src), inclusive (each sample counted once per function):',
      '',
      '| Function | Location | Inclusive % of busy | Self % of busy |',
      '|---|---|---|---|',
      ...p.inclusive.slice(0, 30).map((x) => `| ${x.name} | ${x.location} | ${f(x.inclusivePct)} | ${f(x.selfPct)} |`),
      '',
    );
  }
  lines.push(
    '## How to run',
    '',
    '```sh',
    'npm run bench                 # default: 10 s per workload, 30 s soak (about 3 minutes)',
    'npm run bench -- --soak       # 5 minute soak',
    'npm run bench -- --profile    # also a CPU profile of the service under W2',
    '```',
    '',
  );
  return lines.join('\n');
}

/** Below this line RESULTS.md holds figures measured by hand; a bench run keeps them. */
export const KEPT_SECTIONS_MARKER = '<!-- npm run bench rewrites everything above this line and keeps everything below it. -->';

export function writeResults(r: Results, jsonPath: string, mdPath: string): void {
  writeFileSync(jsonPath, JSON.stringify(r, null, 2) + '\n');
  const previous = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '';
  const at = previous.indexOf(KEPT_SECTIONS_MARKER);
  writeFileSync(mdPath, markdown(r) + (at >= 0 ? `\n${previous.slice(at)}` : ''));
}
