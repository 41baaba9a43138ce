import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fromRoot } from '../../../src/paths.js';

// The service as production runs it: `node dist/src/main.js` in its own process, configured by
// environment variables only. Needs `npm run build` first (the fault suite's script does not build).

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  baseUrl: string;
  /** pino JSON lines the process wrote to stdout/stderr so far, parsed where possible. */
  logs(): Record<string, unknown>[];
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Peak resident set size of the process so far (VmHWM), in kB; undefined once exited. */
  peakRssKb(): number | undefined;
  /** SIGKILL if still running; waits for the exit. */
  stop(): Promise<void>;
}

export const MAIN_JS = fromRoot('dist', 'src', 'main.js');

/** A port free right now (listen on 0, read it, close); the service then binds it itself. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startService(env: Record<string, string>, opts: { readyTimeoutMs?: number } = {}): Promise<ServiceProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const lines: Record<string, unknown>[] = [];
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      DEMO_FHIR: 'off',
      LOG_LEVEL: 'info',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((r) => (ready = r));
  const collect = (stream: NodeJS.ReadableStream) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          lines.push(parsed);
          if (parsed.event === 'startup.ready') ready();
        } catch {
          lines.push({ raw: line });
        }
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  // Generous: creating the embedded database takes seconds on a quiet machine and far longer on a loaded one.
  const timeoutMs = opts.readyTimeoutMs ?? 90_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    readyP.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    child.kill('SIGKILL');
    const tail = lines.slice(-10).map((l) => JSON.stringify(l)).join('\n');
    throw new Error(`service did not start (${outcome}):\n${tail}`);
  }
  const pid = child.pid!;
  return {
    child,
    pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    logs: () => lines,
    exited,
    peakRssKb() {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m?.[1] ? Number(m[1]) : undefined;
      } catch {
        return undefined;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Parses the Prometheus text format into `name{labels}` -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^(\S+)\s+(\S+)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], Number(m[2]));
  }
  return out;
}

export async function metricsOf(baseUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${baseUrl}/metrics`);
  return parseMetrics(await res.text());
}
