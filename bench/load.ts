import autocannon from 'autocannon';

// One bounded autocannon run. Latencies are taken from every response (autocannon's own histogram
// rounds to whole milliseconds, too coarse for a 10 ms median), and every non-2xx answer and
// connection error is counted: a fast error is not a fast answer.
//
// A rate is paced. autocannon limits a rate per second by letting each connection send its share
// as fast as it can when the second starts and then wait, so "21 req/s" arrives as a burst of 21
// at the top of every second: a measurement of queueing behind a burst at full load, not of half
// load. For a rate of R req/s a paced run starts R autocannon clients of one connection at one
// request per second each, their starts spread evenly over a second, so requests arrive 1000/R ms
// apart: the steady arrivals of many EHR users, each waiting for an answer before the next call.

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Requests per second, evenly spaced (see above); absent = as fast as possible over `connections`. */
  overallRate?: number;
  /** Count responses slower than this (ms). */
  slowerThanMs?: number;
}

export interface LatencySummary {
  mean: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  connections: number;
  durationS: number;
  overallRate?: number;
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** 2xx responses per second. */
  throughputRps: number;
  latencyMs: LatencySummary;
  slowerThan?: { thresholdMs: number; count: number };
  responseBytes: { mean: number };
  /** Wall-clock window of the run (ISO), to find the service's audit rows of this workload. */
  window: { from: string; to: string };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

export function summarise(samples: number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const mean = samples.length ? samples.reduce((s, v) => s + v, 0) / samples.length : Number.NaN;
  return {
    mean: r2(mean),
    median: r2(percentile(sorted, 50)),
    p90: r2(percentile(sorted, 90)),
    p99: r2(percentile(sorted, 99)),
    max: r2(sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN),
  };
}

interface Collected {
  latencies: number[];
  bytes: number;
  ok2xx: number;
}

function runOne(
  opts: autocannon.Options,
  into: Collected,
): Promise<autocannon.Result> {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err: Error | null, result: autocannon.Result) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      into.latencies.push(responseTime);
      into.bytes += resBytes;
      if (statusCode >= 200 && statusCode < 300) into.ok2xx++;
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const collected: Collected = { latencies: [], bytes: 0, ok2xx: 0 };
  const base: autocannon.Options = {
    url: spec.url,
    method: spec.method ?? 'GET',
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    headers: spec.headers ?? {},
    connections: spec.connections,
    duration: spec.durationS,
    timeout: 10,
    excludeErrorStats: false,
  };
  let results: autocannon.Result[];
  if (spec.overallRate === undefined) {
    results = [await runOne(base, collected)];
  } else {
    const clients = Math.max(1, Math.round(spec.overallRate));
    const runs: Promise<autocannon.Result>[] = [];
    for (let i = 0; i < clients; i++) {
      runs.push(runOne({ ...base, connections: 1, connectionRate: 1 }, collected));
      await sleep(1000 / clients);
    }
    results = await Promise.all(runs);
  }
  const statusCodes: Record<string, number> = {};
  for (const result of results) {
    for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + (stat.count ?? 0);
  }
  const start = Math.min(...results.map((r) => new Date(r.start).getTime()));
  const finish = Math.max(...results.map((r) => new Date(r.finish).getTime()));
  const durationS = spec.overallRate === undefined ? (results[0]?.duration ?? spec.durationS) : (finish - start) / 1000;
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((n, r) => n + f(r), 0);
  const { latencies } = collected;
  const threshold = spec.slowerThanMs;
  return {
    connections: spec.overallRate === undefined ? spec.connections : results.length,
    durationS: r2(durationS),
    ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
    requests: latencies.length,
    ok2xx: collected.ok2xx,
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    statusCodes,
    throughputRps: r2(collected.ok2xx / durationS),
    latencyMs: summarise(latencies),
    ...(threshold !== undefined ? { slowerThan: { thresholdMs: threshold, count: latencies.filter((l) => l > threshold).length } } : {}),
    responseBytes: { mean: latencies.length ? Math.round(collected.bytes / latencies.length) : 0 },
    window: { from: new Date(start).toISOString(), to: new Date(finish).toISOString() },
  };
}
