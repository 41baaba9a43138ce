import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DemoFhirMessage } from './process.js';

// Starts and stops the demo FHIR server's own process (src/demo-fhir/process.ts) from the service.

export interface DemoFhirProcess {
  baseUrl: string;
  pid: number;
  /** Resolves when the process has exited, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited within 3 s. */
  close(): Promise<void>;
}

/** The demo process could not start; `code` is the listen error's (EADDRINUSE, EACCES, ...). */
export class DemoFhirStartError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'DemoFhirStartError';
  }
}

const ENTRY = fileURLToPath(new URL('./process.js', import.meta.url));

export function startDemoFhirProcess(opts: { host: string; port: number; timeoutMs?: number }): Promise<DemoFhirProcess> {
  const child: ChildProcess = fork(ENTRY, [], {
    env: { ...process.env, DEMO_FHIR_HOST: opts.host, DEMO_FHIR_PORT: String(opts.port) },
    // A debugger flag of the service would make the child fight for the same inspector port.
    execArgv: process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<DemoFhirProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new DemoFhirStartError(`the demo FHIR server did not start within ${opts.timeoutMs ?? 60_000} ms`));
    }, opts.timeoutMs ?? 60_000);
    child.on('message', (message: DemoFhirMessage) => {
      clearTimeout(timer);
      if (message.type === 'ready') {
        resolve({ baseUrl: message.baseUrl, pid: child.pid ?? 0, exited, close });
      } else {
        void close();
        reject(new DemoFhirStartError(message.message, message.code));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new DemoFhirStartError(`the demo FHIR server process exited during start-up (${signal ?? `code ${code}`})`));
    });
  });
}
