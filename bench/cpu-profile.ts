import { readFileSync } from 'node:fs';
import { projectRoot } from '../src/paths.js';

// Summary of a V8 .cpuprofile (node --cpu-prof): self time by area (our modules, each dependency,
// Node internals, GC) and inclusive time per function, so a missed target names where time goes.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  note: string;
  sampledMs: number;
  idlePct: number;
  byArea: { area: string; pct: number }[];
  /** Time spent inside each dependency, including what it calls (PGlite's WebAssembly for PGlite). */
  byPackageInclusive: { area: string; pct: number }[];
  /** Our own functions (dist/src), inclusive. */
  inclusive: { name: string; location: string; inclusivePct: number; selfPct: number }[];
}

function location(frame: CallFrame): string {
  let url = frame.url;
  if (url === '') return '(native)';
  url = url.replace(/^file:\/\//, '');
  if (url.startsWith(projectRoot)) url = url.slice(projectRoot.length + 1);
  return `${url}:${frame.lineNumber + 1}`;
}

function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName.startsWith('(')) return functionName;
    return '(native/builtin)';
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] ?? ''}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  const own = /\/dist\/(src\/[^/]+(?:\/[^/]+)?)/.exec(url);
  if (own?.[1]) return own[1].replace(/\.js$/, '');
  return url;
}

/** The current CLOCK_MONOTONIC time in µs: the clock V8 stamps profile samples with on Linux. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** `window` (µs, monotonicUs()) keeps only the samples taken while the load ran. */
export function summariseProfile(file: string, note: string, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  let total = 0;
  let idle = 0;
  const self = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const names = new Map<string, { name: string; location: string }>();
  const packageInclusive = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // µs -> ms
    total += dt;
    const leaf = byId.get(id);
    if (!leaf) return;
    if (leaf.callFrame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    const leafKey = `${leaf.callFrame.functionName}@${location(leaf.callFrame)}`;
    self.set(leafKey, (self.get(leafKey) ?? 0) + dt);
    const a = area(leaf.callFrame);
    areaSelf.set(a, (areaSelf.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    const packages = new Set<string>();
    for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
      const url = n.callFrame.url;
      if (url.includes('/node_modules/')) packages.add(area(n.callFrame));
      if (!url.includes('/dist/src/')) continue;
      const key = `${n.callFrame.functionName}@${location(n.callFrame)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      names.set(key, { name: n.callFrame.functionName || '(anonymous)', location: location(n.callFrame) });
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
    for (const p of packages) packageInclusive.set(p, (packageInclusive.get(p) ?? 0) + dt);
  });
  const busy = Math.max(1e-9, total - idle);
  const pct = (v: number) => Math.round((v / busy) * 1000) / 10;
  return {
    note,
    sampledMs: Math.round(total),
    idlePct: Math.round((idle / Math.max(1e-9, total)) * 1000) / 10,
    byArea: [...areaSelf.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ area: k, pct: pct(v) })),
    byPackageInclusive: [...packageInclusive.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ area: k, pct: pct(v) })),
    inclusive: [...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 60)
      .map(([key, v]) => ({ ...(names.get(key) ?? { name: key, location: '' }), inclusivePct: pct(v), selfPct: pct(self.get(key) ?? 0) })),
  };
}
