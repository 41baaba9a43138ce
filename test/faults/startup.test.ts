import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN_JS, freePort, startService, type ServiceProcess } from './support/service-process.js';

// Start-up of the built service as `npm start` runs it (node dist/src/main.js): progress reported
// step by step, the demo FHIR server in a process of its own that lives and dies with the service,
// on loopback only, and failures that name the setting to fix.

const dataDir = () => mkdtempSync(join(tmpdir(), 'heme-startup-'));

/** Runs the service until it exits by itself (a start-up failure), collecting what it printed. */
function runUntilExit(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: dataDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function occupy(port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Whether something accepts TCP connections at host:port right now. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function event(svc: ServiceProcess, name: string): Record<string, unknown> | undefined {
  return svc.logs().find((l) => l.event === name);
}

describe('npm start with the demo FHIR server (the default on loopback)', () => {
  let svc: ServiceProcess;
  let demoPort: number;

  beforeAll(async () => {
    demoPort = await freePort();
    svc = await startService({ DEMO_FHIR: '', DEMO_FHIR_PORT: String(demoPort), DATA_DIR: dataDir() }, { readyTimeoutMs: 110_000 });
  }, 115_000);
  afterAll(() => svc?.stop());

  it('reports each start-up step in order, then ready with the URLs', () => {
    const steps = svc.logs().map((l) => l.event).filter((e): e is string => typeof e === 'string' && /^(startup|demo-fhir)\./.test(e));
    const order = ['startup.begin', 'startup.demo-fhir', 'startup.database', 'startup.database-ready', 'startup.ready'];
    expect(steps.filter((s) => order.includes(s))).toEqual(order);
    expect(steps).toContain('demo-fhir.started');
    const ready = event(svc, 'startup.ready');
    expect(ready?.demoFhir).toBe(`http://127.0.0.1:${demoPort}/fhir`);
    expect(String(ready?.msg)).toContain(`discovery at http://127.0.0.1:${svc.port}/cds-services`);
    expect(String(ready?.msg)).toContain(`demo FHIR server at http://127.0.0.1:${demoPort}/fhir`);
  });

  it('runs the demo FHIR server in a process of its own, answering over HTTP', async () => {
    const demoPid = Number(event(svc, 'demo-fhir.started')?.pid);
    expect(demoPid).toBeGreaterThan(0);
    expect(demoPid).not.toBe(svc.pid);
    // A bound on the demo process's resident memory (README "Start-up and memory").
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${demoPid}/status`, 'utf8'))?.[1];
    expect(Number(rss) / 1024).toBeLessThan(320);
    const res = await fetch(`http://127.0.0.1:${demoPort}/fhir/Patient/pat-mgus`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe('pat-mgus');
  });

  it('stops the demo FHIR server with the service (SIGTERM)', async () => {
    const demoPid = Number(event(svc, 'demo-fhir.started')?.pid);
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toEqual({ code: 0, signal: null });
    expect(await until(() => !pidAlive(demoPid), 5000)).toBe(true);
    expect(await accepts('127.0.0.1', demoPort)).toBe(false);
  });
});

describe('the demo FHIR server does not outlive a killed service', () => {
  it('exits when the service is killed with SIGKILL', async () => {
    const demoPort = await freePort();
    const svc = await startService({ DEMO_FHIR: 'on', DEMO_FHIR_PORT: String(demoPort), DATA_DIR: dataDir() }, { readyTimeoutMs: 110_000 });
    const demoPid = Number(event(svc, 'demo-fhir.started')?.pid);
    expect(pidAlive(demoPid)).toBe(true);
    await svc.stop(); // SIGKILL: no shutdown code runs in the service
    expect(await until(() => !pidAlive(demoPid), 10_000)).toBe(true);
    expect(await accepts('127.0.0.1', demoPort)).toBe(false);
  }, 120_000);
});

describe('a service on every interface', () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

  it('starts no demo FHIR server unless asked for', async () => {
    const demoPort = await freePort();
    const svc = await startService({ HOST: '0.0.0.0', CDS_AUTH: 'off', PSEUDONYM_SECRET: 'f'.repeat(64), DEMO_FHIR_PORT: String(demoPort), DATA_DIR: dataDir() }, { readyTimeoutMs: 110_000 });
    try {
      expect(event(svc, 'demo-fhir.started')).toBeUndefined();
      expect(event(svc, 'startup.ready')?.demoFhir).toBeUndefined();
      expect(await accepts('127.0.0.1', demoPort)).toBe(false);
    } finally {
      await svc.stop();
    }
  }, 120_000);

  it('asked for with DEMO_FHIR=on, binds it on loopback only', async () => {
    const demoPort = await freePort();
    const svc = await startService(
      { HOST: '0.0.0.0', CDS_AUTH: 'off', PSEUDONYM_SECRET: 'f'.repeat(64), DEMO_FHIR: 'on', DEMO_FHIR_PORT: String(demoPort), DATA_DIR: dataDir() },
      { readyTimeoutMs: 110_000 },
    );
    try {
      expect(event(svc, 'startup.ready')?.demoFhir).toBe(`http://127.0.0.1:${demoPort}/fhir`);
      expect(await accepts('127.0.0.1', demoPort)).toBe(true);
      // The service itself is on every interface; the demo server is not.
      if (external) {
        expect(await accepts(external, svc.port)).toBe(true);
        expect(await accepts(external, demoPort)).toBe(false);
      }
    } finally {
      await svc.stop();
    }
  }, 120_000);
});

describe('start-up failures name the setting to fix', () => {
  it('PORT in use: exit 2 naming PORT', async () => {
    const port = await freePort();
    const blocker = await occupy(port);
    try {
      const { code, output } = await runUntilExit({ PORT: String(port), DEMO_FHIR: 'off' });
      expect(code).toBe(2);
      expect(output).toContain(`PORT=${port} is already in use on 127.0.0.1`);
      expect(output).toContain('set PORT to a free port');
    } finally {
      await closeServer(blocker);
    }
  }, 90_000);

  it('DEMO_FHIR_PORT in use: exit 2 naming DEMO_FHIR_PORT and DEMO_FHIR=off, demo process gone', async () => {
    const [port, demoPort] = [await freePort(), await freePort()];
    const blocker = await occupy(demoPort);
    try {
      const { code, output } = await runUntilExit({ PORT: String(port), DEMO_FHIR: 'on', DEMO_FHIR_PORT: String(demoPort) });
      expect(code).toBe(2);
      expect(output).toContain(`DEMO_FHIR_PORT=${demoPort} is already in use on 127.0.0.1`);
      expect(output).toContain('DEMO_FHIR=off');
      expect(await accepts('127.0.0.1', port)).toBe(false);
    } finally {
      await closeServer(blocker);
    }
  }, 90_000);

  it('DATABASE_URL that is not a URL: exit 2 naming DATABASE_URL, without echoing it', async () => {
    const { code, output } = await runUntilExit({ PORT: String(await freePort()), DEMO_FHIR: 'off', DATABASE_URL: 'heme:secret-pw@db/heme' });
    expect(code).toBe(2);
    expect(output).toContain('DATABASE_URL must be a PostgreSQL URL');
    expect(output).not.toContain('secret-pw');
  });

  it('DATABASE_URL naming a server that is not there: exit 2 naming DATABASE_URL', async () => {
    const closedPort = await freePort();
    const { code, output } = await runUntilExit({
      PORT: String(await freePort()),
      DEMO_FHIR: 'off',
      DATABASE_URL: `postgresql://heme:secret-pw@127.0.0.1:${closedPort}/heme`,
    });
    expect(code).toBe(2);
    expect(output).toContain('could not reach the PostgreSQL server named in DATABASE_URL (ECONNREFUSED)');
    expect(output).not.toContain('secret-pw');
  }, 90_000);
});
