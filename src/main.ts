import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './observability/logger.js';
import { createRuntime } from './runtime.js';
import type { DemoFhirServer } from './demo-fhir/server.js';

// Process entry: config -> runtime (storage, rules, cards) -> listen, plus the demo FHIR server.
// With WORKERS > 1 the primary process only supervises: it starts the demo FHIR server and forks
// stateless workers that share the port (node:cluster), each with its own runtime on the shared
// PostgreSQL database.

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`heme-cds: configuration error: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

async function startDemo(config: Config, logger: ReturnType<typeof createLogger>): Promise<DemoFhirServer | undefined> {
  if (!config.demoFhir) return undefined;
  // Loaded only when wanted: the FHIR router and its definitions are megabytes of heap that a
  // service reading a real EHR's FHIR server would carry for nothing.
  const { startDemoFhirServer } = await import('./demo-fhir/server.js');
  const demo = await startDemoFhirServer({ host: config.host, port: config.demoFhirPort });
  logger.info({ event: 'demo-fhir.started', baseUrl: demo.baseUrl }, `demo FHIR server (synthetic patients) at ${demo.baseUrl}`);
  return demo;
}

async function primary(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const demo = await startDemo(config, logger);
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) void demo?.close().finally(() => process.exit(0));
      return;
    }
    if (code === 2) {
      // Exit code 2 is a start-up failure (configuration, card files, database): every new worker
      // would fail the same way, so the whole service stops with it instead of looping.
      logger.fatal({ event: 'worker.startup-failed' }, 'a worker could not start; stopping');
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      void demo?.close().finally(() => process.exit(2));
      return;
    }
    // A crashed worker is replaced; the others keep serving meanwhile.
    logger.error({ event: 'worker.exited', code, signal }, 'worker exited; starting a new one');
    setTimeout(fork, 500).unref();
    void worker;
  });
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'stopping workers (each drains its in-flight requests)');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), 20_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function serve(config: Config, opts: { withDemo: boolean }): Promise<void> {
  const logger = createLogger(config.logLevel);

  let runtime;
  try {
    runtime = await createRuntime(config, { logger });
  } catch (err) {
    const msg = (err as Error).message;
    logger.fatal({ event: 'startup.failed', reason: err instanceof ConfigError ? 'config' : 'startup' }, msg);
    process.exit(2);
  }

  // The demo FHIR server is up before we listen, so the README's first curl already gets cards.
  const demo = opts.withDemo ? await startDemo(config, logger) : undefined;

  const server: Server = runtime.app.listen(config.port, config.host);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = Math.max(30_000, config.deadlineMs * 5);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  logger.info(
    { event: 'startup.ready', host: config.host, port: config.port, auth: runtime.deps.authenticator ? 'required' : 'off', pid: process.pid },
    `heme-cds listening on http://${config.host}:${config.port} (discovery: ${config.publicBaseUrl}/cds-services)`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'draining in-flight requests');
    // close() stops accepting and waits for every open connection, and a keep-alive client holds its
    // connection open long after its last answer (up to keepAliveTimeout, far past the forced exit
    // below). So from now on answers say `Connection: close`, and each connection is closed as soon
    // as its in-flight request is done.
    server.on('request', (_req, res) => {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    });
    const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
    idleSweep.unref();
    const finish = async () => {
      clearInterval(idleSweep);
      await runtime.close();
      await demo?.close();
      logger.info({ event: 'shutdown.done' }, 'stopped');
      process.exit(0);
    };
    server.close(() => void finish());
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ event: 'unhandled-rejection', name: (reason as Error)?.name }, 'unhandled promise rejection');
  });
}

const config = readConfig();
if (config.workers > 1 && cluster.isPrimary) void primary(config);
else void serve(config, { withDemo: config.workers === 1 });
