import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fromRoot } from '../src/paths.js';

// Every process the benchmark starts goes through here, in its own process group, so that one
// kill of the group also reaches node:cluster workers, and nothing outlives the benchmark: normal
// end, error, Ctrl-C and SIGTERM all run killAll (and the synchronous exit hook as a last resort).

interface Tracked {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  /** Last lines of output, for error messages (the service logs carry no PHI). */
  tail: string[];
}

const tracked = new Set<Tracked>();

/** `evenAfterExit`: the group leader is gone but cluster workers may still be in its group. */
function signalGroup(t: Tracked, signal: NodeJS.Signals, evenAfterExit = false): void {
  const pid = t.child.pid;
  if (pid === undefined) return;
  if (!evenAfterExit && (t.child.exitCode !== null || t.child.signalCode !== null)) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function track(name: string, child: ChildProcess): Tracked {
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      tail.push(line.slice(0, 400));
      if (tail.length > 20) tail.shift();
    }
  };
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const t: Tracked = { name, child, exited, tail };
  tracked.add(t);
  return t;
}

/** Stops one started process: SIGTERM to its group, SIGKILL after the grace period. */
async function stop(t: Tracked, graceMs = 10_000): Promise<void> {
  if (!tracked.has(t)) return;
  signalGroup(t, 'SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
  if ((await Promise.race([t.exited.then(() => 'done' as const), timer])) === 'late') {
    signalGroup(t, 'SIGKILL');
    await t.exited;
  }
  // Workers of a cluster share the group; make sure none is left after the primary.
  signalGroup(t, 'SIGKILL', true);
  tracked.delete(t);
}

export async function killAll(): Promise<void> {
  await Promise.all([...tracked].map((t) => stop(t, 5000)));
}

/** Last resort on process exit: synchronous SIGKILL to every group started (leader alive or not). */
export function killAllSync(): void {
  for (const t of tracked) signalGroup(t, 'SIGKILL', true);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, t: Tracked, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (t.child.exitCode !== null || t.child.signalCode !== null) {
      throw new Error(`${t.name} exited during start-up (code ${t.child.exitCode ?? t.child.signalCode}):\n${t.tail.join('\n')}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${t.name} not ready within ${timeoutMs} ms:\n${t.tail.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ServiceProcess {
  name: string;
  pid: number;
  baseUrl: string;
  stop(): Promise<void>;
  /** Output lines kept so far (pino JSON at the configured level). */
  tail: string[];
}

export interface ServiceOptions {
  name: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  /** Keep every stdout line (for profiling runs at LOG_LEVEL=info). */
  captureStdout?: (line: string) => void;
}

export async function startService(opts: ServiceOptions): Promise<ServiceProcess> {
  const port = await freePort();
  // The node flags `npm start` and the container image give (README, configuration).
  const child = spawn(process.execPath, ['--heap-growing-percent=60', ...(opts.nodeArgs ?? []), fromRoot('dist', 'src', 'main.js')], {
    cwd: fromRoot(),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: String(port),
      DEMO_FHIR: 'off',
      LOG_LEVEL: 'warn',
      CDS_DEADLINE_MS: '2000',
      CDS_LOCALE: 'en',
      // As `npm start` and the container image start it (README, configuration).
      MALLOC_ARENA_MAX: '1',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const t = track(opts.name, child);
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (!opts.captureStdout) return;
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) opts.captureStdout(line);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${baseUrl}/readyz`, t, 60_000);
  } catch (err) {
    await stop(t, 2000);
    throw err;
  }
  return { name: opts.name, pid: child.pid ?? -1, baseUrl, stop: () => stop(t), tail: t.tail };
}

export interface HelperServer {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts dist/bench/helper-server.js (the 50 ms FHIR server or the bare limit server). */
export async function startHelper(name: string, args: string[]): Promise<HelperServer> {
  const child = spawn(process.execPath, [fromRoot('dist', 'bench', 'helper-server.js'), ...args], {
    cwd: fromRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const t = track(name, child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${t.tail.join('\n')}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start-up:\n${t.tail.join('\n')}`));
    });
  }).catch(async (err: unknown) => {
    await stop(t, 2000);
    throw err;
  });
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid ?? -1, stop: () => stop(t) };
}

/** VmRSS of one process in MB, undefined when it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round((Number(kb) / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** Direct children of a process (node:cluster workers of the primary), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces; fields after it are fixed.
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(after[1]) === pid) out.push(Number(entry));
    } catch {
      // process ended while scanning
    }
  }
  return out.sort((a, b) => a - b);
}

export interface MemorySample {
  totalMb: number;
  processes: { pid: number; role: 'primary' | 'worker' | 'single'; rssMb: number }[];
  /** Single process: what the process reports of itself (prom-client default metrics). */
  breakdown?: { heapUsedMb: number; heapTotalMb: number; externalMb: number };
}

/** Resident memory of the service: the process, plus its cluster workers when it has any. */
export function serviceMemory(pid: number): MemorySample {
  const workers = childPids(pid);
  const processes: MemorySample['processes'] = [];
  const own = rssMb(pid);
  if (own !== undefined) processes.push({ pid, role: workers.length > 0 ? 'primary' : 'single', rssMb: own });
  for (const w of workers) {
    const r = rssMb(w);
    if (r !== undefined) processes.push({ pid: w, role: 'worker', rssMb: r });
  }
  return { totalMb: Math.round(processes.reduce((s, p) => s + p.rssMb, 0) * 10) / 10, processes };
}
