import autocannon from 'autocannon';

// One bounded autocannon run. Latencies are taken from every response (autocannon's own histogram
// rounds to whole milliseconds, too coarse for a 10 ms median), and every non-2xx answer and
// connection error is counted: a fast error is not a fast answer.

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Requests per second over all connections (autocannon overallRate); absent = as fast as possible. */
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

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let bytes = 0;
  let ok2xx = 0;
  let finish: (r: autocannon.Result) => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: spec.url,
      method: spec.method ?? 'GET',
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      headers: spec.headers ?? {},
      connections: spec.connections,
      duration: spec.durationS,
      ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
      timeout: 10,
      excludeErrorStats: false,
    },
    (err: unknown, result: autocannon.Result) => (err ? fail(err) : finish(result)),
  );
  instance.on('response', (_client, statusCode, resBytes, responseTime) => {
    latencies.push(responseTime);
    bytes += resBytes;
    if (statusCode >= 200 && statusCode < 300) ok2xx++;
  });
  const result = await done;
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  const threshold = spec.slowerThanMs;
  return {
    connections: spec.connections,
    durationS: result.duration,
    ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
    requests: latencies.length,
    ok2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    throughputRps: r2(ok2xx / result.duration),
    latencyMs: summarise(latencies),
    ...(threshold !== undefined ? { slowerThan: { thresholdMs: threshold, count: latencies.filter((l) => l > threshold).length } } : {}),
    responseBytes: { mean: latencies.length ? Math.round(bytes / latencies.length) : 0 },
    window: { from: new Date(result.start).toISOString(), to: new Date(result.finish).toISOString() },
  };
}
