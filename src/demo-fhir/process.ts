import { startDemoFhirServer, type DemoFhirServer } from './server.js';

// Entry point of the demo FHIR server's own process: `npm start` forks it (src/demo-fhir/child.ts),
// so that its 40 MB of FHIR definitions and its searches never share the service's heap or event
// loop. It can also run alone: `node dist/src/demo-fhir/process.js` (DEMO_FHIR_HOST, DEMO_FHIR_PORT).
// It tells its parent over the IPC channel when it is ready or why it could not start, and stops
// when told to (SIGTERM, SIGINT) or when its parent is gone.

export type DemoFhirMessage =
  | { type: 'ready'; baseUrl: string }
  | { type: 'failed'; code?: string; message: string };

function tell(message: DemoFhirMessage): void {
  if (process.send) process.send(message);
  else if (message.type === 'ready') process.stdout.write(`demo FHIR server (synthetic patients) at ${message.baseUrl}\n`);
  else process.stderr.write(`demo FHIR server could not start: ${message.message}\n`);
}

async function main(): Promise<void> {
  const host = process.env.DEMO_FHIR_HOST?.trim() || '127.0.0.1';
  const port = Number(process.env.DEMO_FHIR_PORT?.trim() || '8081');
  let server: DemoFhirServer;
  try {
    server = await startDemoFhirServer({ host, port });
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    tell({ type: 'failed', ...(code ? { code } : {}), message });
    // The parent stops us on this message; alone, nothing else keeps the process alive.
    process.exitCode = 2;
    return;
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent died without stopping us (kill -9): an orphaned server would hold the port.
  process.on('disconnect', stop);
  tell({ type: 'ready', baseUrl: server.baseUrl });
}

void main();
