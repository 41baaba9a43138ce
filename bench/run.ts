import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../src/paths.js';
import { openPglite } from '../src/storage/pglite.js';
import { openPostgres } from '../src/storage/postgres.js';
import { draftOrders, fullPrefetch, generateHeavyPatient, type HeavyPatient } from './heavy-patient.js';
import { killAll, killAllSync, serviceMemory, startHelper, startService, type MemorySample, type ServiceProcess } from './servers.js';
import { runLoad, type LoadResult, type LoadSpec } from './load.js';
import { startCpuMeter } from './cpu.js';
import { describeCoreSpeeds, describeWait, measureCoreSpeeds, waitForEvenCores, type EvenCoresWait } from './cores.js';
import { delta, scrape, total } from './metrics.js';
import { createBenchDatabase, DEFAULT_ADMIN_URL, type BenchDatabase } from './postgres.js';
import { auditRowCount, stageDurations } from './stages.js';
import { monotonicUs, summariseProfile, type ProfileSummary } from './cpu-profile.js';
import { target, writeResults, type Results, type Target, type Workload } from './report.js';

// `npm run bench`: the issue 5 benchmark. Starts everything it needs on 127.0.0.1 (the service as
// child processes, a 50 ms FHIR server, a bare node:http server), runs bounded autocannon workloads,
// writes bench/results.json and bench/RESULTS.md, and always stops every process it started.

interface Args {
  soak: boolean;
  profile: boolean;
  durationS: number;
  soakS: number;
  seed: number;
  asOf: string;
  connections: number;
  /** Alternating slices for each ratio target (W2 against W5, WORKERS=2 against 1). */
  rounds: number;
  /** Where results.json and RESULTS.md go (default bench/). */
  outDir: string;
  /** At most this long to wait for even core speeds before each ratio (0: do not wait). */
  settleS: number;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const soak = argv.includes('--soak');
  const num = (name: string, fallback: number) => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
    return n;
  };
  return {
    soak,
    profile: argv.includes('--profile'),
    durationS: num('--duration', 10),
    soakS: num('--soak-seconds', soak ? 300 : 30),
    seed: num('--seed', 5),
    asOf: value('--as-of') ?? new Date().toISOString().slice(0, 10),
    connections: num('--connections', 16),
    rounds: Math.round(num('--rounds', 4)),
    outDir: value('--out') ?? fromRoot('bench'),
    settleS: value('--settle-seconds') === '0' ? 0 : num('--settle-seconds', 180),
  };
}

const DEADLINE_MS = 2000;
/** Cores count as even when each runs at 90 % or more of the fastest one's speed. */
const EVEN_CORE_SHARE = 0.9;

async function evenCores(args: Args, before: string): Promise<EvenCoresWait> {
  const wait = await waitForEvenCores({ minShare: EVEN_CORE_SHARE, maxWaitS: args.settleS, everyS: 15 }, log);
  log(`core speeds before ${before}: ${describeWait(wait)}`);
  return wait;
}
const FHIR_DELAY_MS = 50;

const log = (msg: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Discovery {
  services: { id: string; prefetch?: Record<string, string> }[];
}

async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T; bytes: number }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, bytes: Buffer.byteLength(text) };
}

interface CardsResponse {
  cards: { source?: { topic?: { code?: string } } }[];
}

const JSON_HEADERS = { 'content-type': 'application/json', 'accept-language': 'en' };

function hookBody(hook: string, hookInstance: string, patientId: string, extra: Record<string, unknown>): string {
  const { context, ...rest } = extra as { context?: Record<string, unknown> };
  return JSON.stringify({
    hook,
    hookInstance,
    context: { userId: 'Practitioner/bench-haematologist', patientId, ...(context ?? {}) },
    ...rest,
  });
}

interface Bodies {
  w2: string;
  w3: string;
  w4: string;
}

function buildBodies(hp: HeavyPatient, discovery: Discovery, fhirBase: string, asOf: string): Bodies {
  const templates = (id: string) => {
    const s = discovery.services.find((x) => x.id === id);
    if (!s?.prefetch) throw new Error(`discovery has no prefetch templates for ${id}`);
    return s.prefetch;
  };
  return {
    w2: hookBody('patient-view', 'b5e1c0de-0000-4000-8000-000000000002', hp.patientId, {
      prefetch: fullPrefetch(hp, templates('heme-patient-view')),
    }),
    w3: hookBody('order-sign', 'b5e1c0de-0000-4000-8000-000000000003', hp.patientId, {
      context: { draftOrders: draftOrders(hp, asOf) },
      prefetch: fullPrefetch(hp, templates('heme-order-sign')),
    }),
    w4: hookBody('patient-view', 'b5e1c0de-0000-4000-8000-000000000004', hp.patientId, { fhirServer: fhirBase }),
  };
}

function cardCodes(r: CardsResponse): string[] {
  return (r.cards ?? []).map((c) => c.source?.topic?.code ?? '?');
}

async function measured(
  id: string,
  title: string,
  spec: LoadSpec,
  pids: () => number[],
  extra?: (load: LoadResult) => Promise<Pick<Workload, 'notes' | 'extra'>>,
): Promise<Workload> {
  log(`${id} ${title}: ${spec.overallRate ? `${spec.overallRate} req/s, paced` : `${spec.connections} connections, max rate`}, ${spec.durationS} s`);
  const meter = startCpuMeter(pids);
  const load = await runLoad(spec);
  const cpu = meter.stop();
  log(
    `  ${load.throughputRps} 2xx/s, median ${load.latencyMs.median} ms, p99 ${load.latencyMs.p99} ms, max ${load.latencyMs.max} ms, ` +
      `non-2xx ${load.non2xx}, errors ${load.errors}; service CPU ${cpu.servicePct} %, generator ${cpu.loadGeneratorPct} %`,
  );
  const perRequest = (s: number) => (load.requests > 0 ? Math.round((s * 1000 * 100) / load.requests) / 100 : Number.NaN);
  const cpuMsPerRequest = perRequest(cpu.serviceCpuS);
  const mainThreadMsPerRequest = perRequest(cpu.mainThreadCpuS);
  log(`  service CPU ${cpuMsPerRequest} ms per request (main thread ${mainThreadMsPerRequest} ms)`);
  return { id, title, load, cpu, cpuMsPerRequest, mainThreadMsPerRequest, ...(extra ? await extra(load) : {}) };
}

const pctGrowth = (from: number, to: number) => (from > 0 ? Math.round(((to - from) / from) * 10000) / 100 : Number.NaN);

/** RSS plus the V8 heap / external (ArrayBuffer, WebAssembly) split the process reports. */
async function memoryOf(svc: ServiceProcess): Promise<MemorySample> {
  const m = serviceMemory(svc.pid);
  try {
    const metrics = await scrape(svc.baseUrl);
    const mb = (name: string) => Math.round((total(metrics, name) / 1048576) * 10) / 10;
    m.breakdown = {
      heapUsedMb: mb('heme_cds_nodejs_heap_size_used_bytes'),
      heapTotalMb: mb('heme_cds_nodejs_heap_size_total_bytes'),
      externalMb: mb('heme_cds_nodejs_external_memory_bytes'),
    };
  } catch {
    // metrics unavailable: RSS alone
  }
  return m;
}

function servicePids(svc: ServiceProcess): () => number[] {
  return () => serviceMemory(svc.pid).processes.map((p) => p.pid);
}

function machineBusyOver(ms: number): Promise<number> {
  const meter = startCpuMeter(() => []);
  return sleep(ms).then(() => meter.stop().machineBusyPct);
}

function gitInfo(): Results['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: fromRoot(), encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: fromRoot(), encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return { commit, dirtyFiles: dirty };
  } catch {
    return undefined;
  }
}

/** Undone at the end, after an error and on a signal: the throwaway database and temp files. */
const cleanups: (() => Promise<void> | void)[] = [];

async function cleanup(): Promise<void> {
  await killAll();
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      log(`cleanup: ${(err as Error).message}`);
    }
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'heme-bench-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  let db: BenchDatabase | undefined;
  try {
    const hp = generateHeavyPatient({ seed: args.seed, asOf: args.asOf });
    log(`heavy patient: ${Object.entries(hp.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    const cpu0 = cpus()[0];
    const machine: Results['machine'] = {
      cpuModel: cpu0?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryMb: Math.round(totalmem() / 1048576),
      node: process.version,
      platform: `${process.platform} ${release()}`,
      loadAverageAtStart: loadavg(),
      busyBeforeStartPct: await machineBusyOver(2000),
    };
    log(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.busyBeforeStartPct} % busy before start`);

    // ---- Single process, embedded PGlite (the default deployment). The first start creates the
    // database (initdb inside PGlite); a deployed service restarts on an existing one, so that is
    // what is measured, and the first start's footprint is reported beside it.
    const dataDir = join(tmp, 'data');
    const env = { DATA_DIR: dataDir, CDS_DEADLINE_MS: String(DEADLINE_MS) };
    const first = await startService({ name: 'service-first-start', env });
    await sleep(1000);
    const firstStart = await memoryOf(first);
    await first.stop();
    log(`first start (new database): RSS ${firstStart.totalMb} MB`);

    const fhir = await startHelper('fhir-50ms', ['fhir', String(FHIR_DELAY_MS), String(args.seed), args.asOf]);
    const svc = await startService({ name: 'service', env });
    const pids = servicePids(svc);
    await sleep(1000);
    const afterStart = await memoryOf(svc);
    log(`restart on the existing database: RSS ${afterStart.totalMb} MB`);
    const discovery = (await getJson<Discovery>(`${svc.baseUrl}/cds-services`)).body;
    const bodies = buildBodies(hp, discovery, `${fhir.baseUrl}/fhir`, args.asOf);
    const pv = `${svc.baseUrl}/cds-services/heme-patient-view`;
    const os = `${svc.baseUrl}/cds-services/heme-order-sign`;
    const post = (url: string, body: string): LoadSpec => ({ url, method: 'POST', body, headers: JSON_HEADERS, connections: args.connections, durationS: args.durationS });

    // One call of each kind first: a benchmark of error answers would measure nothing.
    let hookCalls = 0;
    const probe = async (url: string, body: string, label: string) => {
      hookCalls++;
      const r = await getJson<CardsResponse>(url, { method: 'POST', body, headers: JSON_HEADERS });
      if (r.status !== 200) throw new Error(`${label}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return r;
    };
    const r2 = await probe(pv, bodies.w2, 'W2 probe');
    const r3 = await probe(os, bodies.w3, 'W3 probe');
    const r4 = await probe(pv, bodies.w4, 'W4 probe');
    const w2Response = JSON.stringify(r2.body);
    log(`W2 request ${Buffer.byteLength(bodies.w2)} bytes, response ${r2.bytes} bytes, cards: ${cardCodes(r2.body).join(', ')}`);

    // Long enough for V8 to have compiled the hot paths (it goes on compiling for some 10 s of load,
    // however short the measured slices: CI's 3 s run with a 4 s warm-up put WORKERS at 1.31x);
    // the WORKERS runs below give every worker the same.
    const warmS = Math.max(10, args.durationS);
    log('warm-up');
    for (const spec of [
      { ...post(pv, bodies.w2), durationS: warmS },
      { ...post(os, bodies.w3), durationS: 3 },
      { ...post(pv, bodies.w4), connections: 8, durationS: 3 },
    ]) {
      const warm = await runLoad(spec);
      hookCalls += warm.requests;
      if (warm.non2xx + warm.errors > 0) throw new Error(`warm-up: ${warm.non2xx} non-2xx, ${warm.errors} errors`);
    }
    await sleep(1000);
    const afterWarmup = await memoryOf(svc);
    log(`RSS after warm-up ${afterWarmup.totalMb} MB`);

    const workloads: Workload[] = [];
    const rps = (...ws: Workload[]) => ws.reduce((n, w) => n + w.load.throughputRps, 0);
    workloads.push(await measured('W1', 'GET /cds-services', { url: `${svc.baseUrl}/cds-services`, connections: args.connections, durationS: args.durationS }, pids));
    // W2 against W5 (the bare node:http limit, same bytes in and out) in alternating slices, each pair
    // back to back: this machine's speed drifts by tens of percent within minutes (shared host), so
    // a ratio of two runs minutes apart would measure the drift. Several short pairs average it out.
    const responseFile = join(tmp, 'w2-response.json');
    writeFileSync(responseFile, w2Response);
    const bare = await startHelper('bare', ['bare', responseFile]);
    const w2w5CoresBefore = await evenCores(args, 'the W2/W5 rounds');
    const w5Title = 'bare node:http: read + JSON.parse the W2 body, fixed W2-size answer';
    const sliceS = Math.max(2, Math.round(args.durationS / 2));
    const w2Rounds: Workload[] = [];
    const w5Rounds: Workload[] = [];
    for (let round = 1; round <= args.rounds; round++) {
      const tag = round === 1 ? '' : `-round-${round}`;
      const of = ` (round ${round} of ${args.rounds})`;
      w2Rounds.push(await measured(`W2${tag}`, `patient-view, full prefetch, saturation${of}`, { ...post(pv, bodies.w2), durationS: sliceS }, pids));
      w5Rounds.push(await measured(`W5${tag}`, `${w5Title}${of}`, { ...post(`${bare.baseUrl}/`, bodies.w2), durationS: sliceS }, () => [bare.pid]));
    }
    const w2w5CoresAfter = measureCoreSpeeds();
    log(`core speeds after the W2/W5 rounds: ${describeCoreSpeeds(w2w5CoresAfter)}`);
    await bare.stop();
    workloads.push(...w2Rounds.flatMap((w, i) => [w, w5Rounds[i] as Workload]));
    const w2sat = w2Rounds[0] as Workload;
    const halfRate = Math.max(1, Math.floor(rps(...w2Rounds) / w2Rounds.length / 2));
    const w2half = await measured(
      'W2-half',
      'patient-view, full prefetch, half of saturation rate',
      { ...post(pv, bodies.w2), overallRate: halfRate, connections: Math.min(8, halfRate) },
      pids,
    );
    workloads.push(w2half);
    const w3 = await measured('W3', 'order-sign, 5 draft orders, full prefetch, saturation', post(os, bodies.w3), pids);
    workloads.push(w3);
    // W4 as fast as it goes first: its own saturation, and how the deadline holds there. A
    // fallback call costs about twice W2's CPU (it parses the FHIR server's answers, not a prefetch),
    // so W4's latency target is taken at half of W4's own saturation, as W2's is at half of W2's.
    const w4sat = await measured(
      'W4-saturated',
      `patient-view, no prefetch, ${FHIR_DELAY_MS} ms FHIR server, ${args.connections} connections, max rate`,
      { ...post(pv, bodies.w4), durationS: Math.max(2, Math.round(args.durationS / 2)), slowerThanMs: DEADLINE_MS },
      pids,
    );
    workloads.push(w4sat);
    const w4Rate = Math.max(1, Math.floor(w4sat.load.throughputRps / 2));
    const m4a = await scrape(svc.baseUrl);
    const w4 = await measured(
      'W4',
      `patient-view, no prefetch, FHIR server answering after ${FHIR_DELAY_MS} ms, half of W4's saturation rate`,
      { ...post(pv, bodies.w4), overallRate: w4Rate, slowerThanMs: DEADLINE_MS },
      pids,
      async (load) => {
        const m4b = await scrape(svc.baseUrl);
        const outcomes = ['ok', 'error', 'timeout', 'circuit-open'];
        const extra: Record<string, number | string> = { [`responses slower than ${DEADLINE_MS} ms`]: load.slowerThan?.count ?? 0 };
        for (const o of outcomes) extra[`FHIR calls ${o}`] = delta(m4a, m4b, 'heme_cds_fhir_fallback_requests_total', [`outcome="${o}"`]);
        extra['deadline hits (service)'] = delta(m4a, m4b, 'heme_cds_timeouts_total');
        return { extra };
      },
    );
    workloads.push(w4);
    // The same call one at a time: the fallback's own latency (no queueing behind other calls).
    workloads.push(
      await measured(
        'W4-serial',
        `patient-view, no prefetch, ${FHIR_DELAY_MS} ms FHIR server, one call at a time`,
        { ...post(pv, bodies.w4), connections: 1, durationS: Math.max(2, Math.round(args.durationS / 2)), slowerThanMs: DEADLINE_MS },
        pids,
      ),
    );

    // ---- Soak at half load
    const beforeSoak = await memoryOf(svc);
    log(`soak ${args.soakS} s at ${halfRate} req/s (W2), RSS before ${beforeSoak.totalMb} MB`);
    let peak = beforeSoak.totalMb;
    const sampler = setInterval(() => {
      peak = Math.max(peak, serviceMemory(svc.pid).totalMb);
    }, 1000);
    const soak = await measured(
      'SOAK',
      `patient-view, full prefetch, ${halfRate} req/s for ${args.soakS} s`,
      { ...post(pv, bodies.w2), overallRate: halfRate, connections: Math.min(8, halfRate), durationS: args.soakS },
      pids,
    ).finally(() => clearInterval(sampler));
    workloads.push(soak);
    await sleep(1000);
    const afterSoak = await memoryOf(svc);
    peak = Math.max(peak, afterSoak.totalMb);
    log(`RSS after soak ${afterSoak.totalMb} MB (peak ${peak} MB)`);

    await sleep(500);
    const metricsEnd = await scrape(svc.baseUrl);
    // Hook calls this service answered (W1 is discovery; W5 went to the bare server).
    hookCalls += workloads.filter((w) => w.id !== 'W1' && !w.id.startsWith('W5')).reduce((s, w) => s + w.load.requests, 0);
    // What the single process answered, to set against its own audit rows (the WORKERS runs below
    // audit into PostgreSQL).
    const singleProcessHookCalls = hookCalls;
    await svc.stop();
    await fhir.stop();

    // The audit rows hold per-stage durations; read them from the stopped service's database.
    const stages: Results['stages'] = {};
    let auditRows: number | undefined;
    try {
      const pgl = await openPglite({ dataDir: join(dataDir, 'pglite') });
      try {
        stages['W2 saturation'] = await stageDurations(pgl, 'patient-view-prefetch', w2sat.load.window);
        stages['W2 half rate'] = await stageDurations(pgl, 'patient-view-prefetch', w2half.load.window);
        stages['W3'] = await stageDurations(pgl, 'order-sign-prefetch', w3.load.window);
        stages['W4'] = await stageDurations(pgl, 'patient-view-fallback', w4.load.window);
        const w4serial = workloads.find((w) => w.id === 'W4-serial');
        if (w4serial) stages['W4 serial'] = await stageDurations(pgl, 'patient-view-fallback', w4serial.load.window);
        stages['SOAK'] = await stageDurations(pgl, 'patient-view-prefetch', soak.load.window);
        auditRows = await auditRowCount(pgl);
      } finally {
        await pgl.close();
      }
    } catch (err) {
      log(`could not read the audit rows: ${(err as Error).message}`);
    }

    // ---- WORKERS=1 and WORKERS=2 on PostgreSQL (a throwaway database of our own)
    db = await createBenchDatabase(process.env.BENCH_ADMIN_DATABASE_URL ?? DEFAULT_ADMIN_URL);
    const created = db;
    cleanups.push(() => created.drop());
    log(`PostgreSQL: throwaway database ${db.name}`);
    // Both configurations run side by side (the idle one costs nothing) and take the load in
    // alternating slices, for the same reason as W2 against W5. Each worker process is warmed up with
    // as many calls as the single process got before it is measured: V8 compiles per process, and a
    // worker measured while still compiling would charge its JIT warm-up to WORKERS=2.
    const startCluster = async (workers: number): Promise<ServiceProcess> => {
      log(`starting the service with WORKERS=${workers} on PostgreSQL`);
      return startService({
        name: `service-workers-${workers}`,
        env: { DATABASE_URL: created.url, WORKERS: String(workers), DATA_DIR: join(tmp, `data-w${workers}`) },
        // README (configuration, WORKERS): with as many workers as cores, each collects on its own thread.
        ...(workers >= availableParallelism() ? { nodeArgs: ['--single-threaded-gc'] } : {}),
      });
    };
    const clusters = { 1: await startCluster(1), 2: await startCluster(2) } as const;
    const clusterUrl = (workers: 1 | 2) => `${clusters[workers].baseUrl}/cds-services/heme-patient-view`;
    for (const workers of [1, 2] as const) {
      await probe(clusterUrl(workers), bodies.w2, `WORKERS=${workers} probe`);
      await runLoad({ ...post(clusterUrl(workers), bodies.w2), durationS: warmS * workers });
    }
    const coresWait = await evenCores(args, 'the WORKERS rounds');
    const coresBefore = coresWait.speeds;
    const clusterRounds: Record<1 | 2, Workload[]> = { 1: [], 2: [] };
    for (let round = 1; round <= args.rounds; round++) {
      for (const workers of [1, 2] as const) {
        clusterRounds[workers].push(
          await measured(
            `W2-workers-${workers}${round === 1 ? '' : `-round-${round}`}`,
            `patient-view, full prefetch, saturation, WORKERS=${workers}, PostgreSQL (round ${round} of ${args.rounds})`,
            { ...post(clusterUrl(workers), bodies.w2), durationS: sliceS },
            servicePids(clusters[workers]),
          ),
        );
      }
    }
    const coresAfter = measureCoreSpeeds();
    log(`core speeds after the WORKERS rounds: ${describeCoreSpeeds(coresAfter)}`);
    const workers1 = clusterRounds[1][0] as Workload;
    const workers2 = clusterRounds[2][0] as Workload;
    const workers1Memory = await memoryOf(clusters[1]);
    const workers2Memory = serviceMemory(clusters[2].pid);
    await clusters[1].stop();
    await clusters[2].stop();
    const pgExec = await openPostgres({ databaseUrl: db.url });
    try {
      stages['WORKERS=1, PostgreSQL'] = await stageDurations(pgExec, 'patient-view-prefetch', workers1.load.window);
      stages['WORKERS=2, PostgreSQL'] = await stageDurations(pgExec, 'patient-view-prefetch', workers2.load.window);
    } finally {
      await pgExec.close();
    }
    workloads.push(...clusterRounds[1].flatMap((w, i) => [w, clusterRounds[2][i] as Workload]));

    // ---- Optional: where the time goes under W2 (CPU profile of a single process)
    const profiles: ProfileSummary[] = [];
    if (args.profile) {
      const pglite = await profileW2(tmp, 'single process, PGlite', { DATA_DIR: dataDir }, bodies.w2, args);
      if (pglite) profiles.push(pglite);
      const postgres = await profileW2(tmp, 'WORKERS=1, PostgreSQL', { DATA_DIR: dataDir, DATABASE_URL: created.url }, bodies.w2, args);
      if (postgres) profiles.push(postgres);
    }

    const ratio = rps(...clusterRounds[2]) / Math.max(1e-9, rps(...clusterRounds[1]));
    const w2VsW5Pct = (rps(...w2Rounds) / Math.max(1e-9, rps(...w5Rounds))) * 100;
    const rssMax = Math.max(afterStart.totalMb, afterWarmup.totalMb, beforeSoak.totalMb, afterSoak.totalMb, peak);
    const growth = pctGrowth(beforeSoak.totalMb, afterSoak.totalMb);
    const allRequests = workloads.reduce((s, w) => s + w.load.requests, 0);
    const bad = workloads.reduce((s, w) => s + w.load.non2xx + w.load.errors, 0);
    const targets: Target[] = [
      target('w2-vs-w5', `W2 saturation throughput ≥ 50 % of W5 (bare node:http), ${args.rounds} alternating rounds`, w2VsW5Pct, '>=', 50, '%'),
      target('w2-half-median', `W2 at half saturation (${halfRate} req/s): median`, w2half.load.latencyMs.median, '<=', 10, 'ms'),
      target('w2-half-p99', `W2 at half saturation (${halfRate} req/s): p99`, w2half.load.latencyMs.p99, '<=', 50, 'ms'),
      target('w4-median', `W4 (FHIR fallback, ${FHIR_DELAY_MS} ms server, half of its saturation: ${w4Rate} req/s): median`, w4.load.latencyMs.median, '<=', 120, 'ms'),
      target(
        'w4-deadline',
        `W4: responses later than CDS_DEADLINE_MS (${DEADLINE_MS} ms), at half load, one at a time and saturated`,
        workloads.filter((w) => w.id.startsWith('W4')).reduce((n, w) => n + (w.load.slowerThan?.count ?? Number.NaN), 0),
        '==',
        0,
        'responses',
      ),
      target('workers-ratio', `W2 saturation WORKERS=2 / WORKERS=1 (PostgreSQL), ${args.rounds} alternating rounds`, ratio, '>=', 1.6, '×'),
      target('rss', 'RSS of the service (single process; max of all samples)', rssMax, '<', 300, 'MB'),
      target('rss-growth', `RSS growth over the ${args.soakS} s soak at half load`, growth, '<', 10, '%'),
      target('all-2xx', 'Responses that were not 2xx, or connection errors, over all workloads (sanity check)', bad, '==', 0, 'responses'),
    ];

    // Over every round of a configuration: CPU seconds spent per answered call.
    const cpuMs = (ws: Workload[]) => {
      const calls = ws.reduce((n, w) => n + w.load.requests, 0);
      return calls > 0 ? Math.round((ws.reduce((n, w) => n + (w.cpu?.serviceCpuS ?? 0), 0) * 100000) / calls) / 100 : Number.NaN;
    };
    const estimates: Results['estimates'] = {
      w2CpuMsPerRequest: cpuMs(w2Rounds),
      w5CpuMsPerRequest: cpuMs(w5Rounds),
      w2VsW5ByCpuCostPct: Math.round((cpuMs(w5Rounds) / cpuMs(w2Rounds)) * 1000) / 10,
      w2SaturationPerIdleCoreRps: Math.round(10000 / cpuMs(w2Rounds)) / 10,
      w5SaturationPerIdleCoreRps: Math.round(10000 / cpuMs(w5Rounds)) / 10,
      workers2CpuMsPerRequest: cpuMs(clusterRounds[2]),
      workers1CpuMsPerRequest: cpuMs(clusterRounds[1]),
    };
    const results: Results = {
      generatedAt: new Date().toISOString(),
      mode: args.soak ? 'soak' : 'default',
      machine,
      ...(gitInfo() ? { git: gitInfo() } : {}),
      config: {
        seed: args.seed,
        asOf: args.asOf,
        durationS: args.durationS,
        soakS: args.soakS,
        connections: args.connections,
        deadlineMs: DEADLINE_MS,
        fhirDelayMs: FHIR_DELAY_MS,
        logLevel: 'warn',
        halfRate,
        w4Rate,
      },
      patient: {
        counts: hp.counts,
        requestBytes: { W2: Buffer.byteLength(bodies.w2), W3: Buffer.byteLength(bodies.w3), W4: Buffer.byteLength(bodies.w4), 'W2 response': r2.bytes },
        cardsW2: cardCodes(r2.body),
        cardsW3: cardCodes(r3.body),
        cardsW4: cardCodes(r4.body),
      },
      workloads,
      memory: {
        firstStart,
        single: {
          afterStart,
          afterWarmup,
          beforeSoak,
          afterSoak,
          peakDuringSoakMb: peak,
          soakS: args.soakS,
          growthOverSoakPct: growth,
          growthSinceWarmupPct: pctGrowth(afterWarmup.totalMb, afterSoak.totalMb),
        },
        workers1: workers1Memory,
        workers2: workers2Memory,
      },
      w2w5Cores: { before: w2w5CoresBefore, ...(w2w5CoresAfter ? { after: w2w5CoresAfter } : {}) },
      workers: {
        w1Rps: Math.round((rps(...clusterRounds[1]) / args.rounds) * 100) / 100,
        w2Rps: Math.round((rps(...clusterRounds[2]) / args.rounds) * 100) / 100,
        rounds: args.rounds,
        ...(coresBefore ? { coresBefore } : {}),
        ...(coresAfter ? { coresAfter } : {}),
        coresWait,
        ratio: Math.round(ratio * 1000) / 1000,
        database: 'postgresql',
      },
      service: {
        auditRows,
        requestsSent: singleProcessHookCalls,
        auditQueueAtEnd: total(metricsEnd, 'heme_cds_audit_queue_length'),
        auditDropped: total(metricsEnd, 'heme_cds_audit_writes_total', ['outcome="dropped"']),
      },
      stages,
      estimates,
      ...(profiles.length > 0 ? { profiles } : {}),
      targets,
      allPass: targets.every((t) => t.pass),
    };
    mkdirSync(args.outDir, { recursive: true });
    writeResults(results, join(args.outDir, 'results.json'), join(args.outDir, 'RESULTS.md'));
    log(`wrote ${join(args.outDir, 'results.json')} and RESULTS.md (${allRequests} requests)`);
    for (const t of targets) log(`${t.pass ? 'PASS' : 'FAIL'} ${t.description}: ${t.value} ${t.unit} (${t.comparison} ${t.limit})`);
    // The performance targets depend on the machine and are reported, not enforced; answers that
    // were errors mean the figures measured something else, so that fails the run.
    return bad === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

/**
 * W2 at saturation against one service process under `node --cpu-prof`; only the samples taken
 * while the measured load ran are summarised (start-up, warm-up and shutdown are left out).
 */
async function profileW2(tmp: string, label: string, env: Record<string, string>, body: string, args: Args): Promise<ProfileSummary | undefined> {
  const dir = join(tmp, `cpu-prof-${label.replace(/[^a-z0-9]+/gi, '-')}`);
  const svc = await startService({ name: `service-profiled-${label}`, env, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  let window: { fromUs: number; toUs: number };
  let load: LoadResult;
  try {
    const url = `${svc.baseUrl}/cds-services/heme-patient-view`;
    await runLoad({ url, method: 'POST', body, headers: JSON_HEADERS, connections: args.connections, durationS: 3 });
    log(`profiling W2 (${label}, ${args.durationS} s, saturation)`);
    const fromUs = monotonicUs();
    load = await runLoad({ url, method: 'POST', body, headers: JSON_HEADERS, connections: args.connections, durationS: args.durationS });
    window = { fromUs, toUs: monotonicUs() };
  } finally {
    await svc.stop(); // the profile is written when the process exits
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) {
    log('no .cpuprofile written');
    return undefined;
  }
  const keep = fromRoot('dist', 'bench', `w2-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.cpuprofile`);
  copyFileSync(join(dir, file), keep);
  return summariseProfile(
    join(dir, file),
    `${label}: ${args.connections} connections, ${load.throughputRps} req/s under the profiler, median ${load.latencyMs.median} ms; ` +
      `raw profile ${keep.slice(fromRoot().length + 1)} (open in Chrome DevTools).`,
    window,
  );
}

let exiting = false;
process.on('exit', () => killAllSync());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (exiting) return;
    exiting = true;
    log(`${signal}: stopping every process started`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    void cleanup().finally(() => process.exit(1));
  });
