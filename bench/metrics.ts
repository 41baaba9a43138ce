// Reads the service's Prometheus counters (GET /metrics) so a workload can report what the service
// saw (FHIR fallback outcomes, deadline hits, audit queue) beside what the client saw. In cluster
// mode each scrape reaches one worker only, so this is used on single-process runs.

export type MetricSample = Map<string, number>;

export async function scrape(baseUrl: string): Promise<MetricSample> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  const out: MetricSample = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** Sum over every series of a metric whose labels contain all of `labels` (e.g. `outcome="ok"`). */
export function total(sample: MetricSample, name: string, labels: string[] = []): number {
  let sum = 0;
  for (const [key, value] of sample) {
    const brace = key.indexOf('{');
    const metric = brace === -1 ? key : key.slice(0, brace);
    if (metric !== name) continue;
    const labelText = brace === -1 ? '' : key.slice(brace);
    if (labels.every((l) => labelText.includes(l))) sum += value;
  }
  return sum;
}

/** Counter increase between two scrapes. */
export function delta(before: MetricSample, after: MetricSample, name: string, labels: string[] = []): number {
  return total(after, name, labels) - total(before, name, labels);
}
