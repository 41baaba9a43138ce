import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createRuntime, type Runtime } from './runtime.js';
import { DemoFhirStartError, startDemoFhirProcess, type DemoFhirProcess } from './demo-fhir/child.js';
import { demoFhirHost } from './demo-fhir/loopback.js';
import { databaseFailure, listenFailure } from './startup-errors.js';
import { PRIVATE_UMASK } from './storage/data-dir.js';
import { createHttpServer, httpLimits } from './http-server.js';

// Process entry: config -> runtime (storage, rules, cards) -> listen. The demo FHIR server runs in a
// process of its own (src/demo-fhir/process.ts), started here and stopped with the service.
// With WORKERS > 1 the primary process only supervises: it starts the demo FHIR server and forks
// stateless workers that share the port (node:cluster), each with its own runtime on the shared
// PostgreSQL database. Start-up reports each step, and a failure names the setting to fix.

const startedAt = performance.now();
const elapsed = () => Math.round(performance.now() - startedAt);

// Everything this service writes (the embedded database under DATA_DIR above all) is private to its
// user, whoever starts it and whatever umask they run with.
process.umask(PRIVATE_UMASK);

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`heme-cds: configuration error: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

function fail(logger: Logger, reason: string, message: string): never {
  logger.fatal({ event: 'startup.failed', reason }, `heme-cds could not start: ${message}`);
  process.exit(2);
}

async function startDemo(config: Config, logger: Logger): Promise<DemoFhirProcess | undefined> {
  if (!config.demoFhir) return undefined;
  const host = demoFhirHost(config.host);
  logger.info({ event: 'startup.demo-fhir', host, port: config.demoFhirPort }, 'starting the demo FHIR server (synthetic patients) in its own process');
  try {
    const demo = await startDemoFhirProcess({ host, port: config.demoFhirPort });
    logger.info({ event: 'demo-fhir.started', baseUrl: demo.baseUrl, pid: demo.pid, ms: elapsed() }, `demo FHIR server ready at ${demo.baseUrl}`);
    void demo.exited.then(({ code, signal }) => {
      if (!stopping) logger.error({ event: 'demo-fhir.exited', code, signal }, 'the demo FHIR server process exited; the service goes on without it');
    });
    return demo;
  } catch (err) {
    const e = err as DemoFhirStartError;
    return fail(logger, 'demo-fhir', e.code ? listenFailure(e, 'DEMO_FHIR_PORT', host, config.demoFhirPort) : `demo FHIR server: ${e.message}`);
  }
}

let stopping = false;

async function primary(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  logger.info({ event: 'startup.begin', workers: config.workers }, `starting heme-cds with ${config.workers} workers`);
  const demo = await startDemo(config, logger);
  const fork = () => cluster.fork();
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) void (demo?.close() ?? Promise.resolve()).finally(() => process.exit(0));
      return;
    }
    if (code === 2) {
      // Exit code 2 is a start-up failure (configuration, card files, database): every new worker
      // would fail the same way, so the whole service stops with it instead of looping.
      logger.fatal({ event: 'worker.startup-failed' }, 'a worker could not start; stopping');
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      void (demo?.close() ?? Promise.resolve()).finally(() => process.exit(2));
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

async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  let databaseStep = false;
  try {
    return await createRuntime(config, {
      logger,
      progress(step) {
        if (step === 'database.opening') {
          databaseStep = true;
          const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`;
          logger.info({ event: 'startup.database', ms: elapsed() }, `opening ${where} and applying migrations`);
        } else {
          databaseStep = false;
          logger.info({ event: 'startup.database-ready', ms: elapsed() }, 'database ready, migrations applied');
        }
      },
    });
  } catch (err) {
    const hint = databaseStep ? databaseFailure(err as NodeJS.ErrnoException, config) : undefined;
    return fail(logger, err instanceof ConfigError ? 'config' : databaseStep ? 'database' : 'startup', hint ?? (err as Error).message);
  }
}

async function listen(config: Config, runtime: Runtime, logger: Logger): Promise<Server> {
  // Timeouts and the connection cap (headersTimeout <= requestTimeout, MAX_CONNECTIONS): http-server.ts.
  const server: Server = createHttpServer(runtime.app, httpLimits(config));
  server.listen(config.port, config.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    return fail(logger, 'listen', listenFailure(err as NodeJS.ErrnoException, 'PORT', config.host, config.port));
  }
  return server;
}

async function serve(config: Config, opts: { withDemo: boolean }): Promise<void> {
  const logger = createLogger(config.logLevel);
  if (opts.withDemo) {
    logger.info({ event: 'startup.begin', host: config.host, port: config.port, pid: process.pid }, 'starting heme-cds');
  }

  // The demo FHIR server starts in parallel (its own process) and is up before we listen, so the
  // README's first curl already gets cards. A failure of either stops the other.
  let demo: DemoFhirProcess | undefined;
  const demoStarting = opts.withDemo ? startDemo(config, logger).then((d) => (demo = d)) : Promise.resolve(undefined);
  const runtime = await openRuntime(config, logger);
  await demoStarting;
  const server = await listen(config, runtime, logger);

  const discovery = `${config.publicBaseUrl}/cds-services`;
  logger.info(
    {
      event: 'startup.ready',
      host: config.host,
      port: config.port,
      auth: runtime.deps.authenticator ? 'required' : 'off',
      pid: process.pid,
      ms: elapsed(),
      ...(demo ? { demoFhir: demo.baseUrl } : {}),
    },
    `heme-cds ready in ${elapsed()} ms: listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}, ` +
      `discovery at ${discovery}${demo ? `; demo FHIR server at ${demo.baseUrl}` : ''}`,
  );

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
    // The demo process stops at once: nothing in flight there is the service's.
    const demoClosed = demo?.close();
    const finish = async () => {
      clearInterval(idleSweep);
      await runtime.close();
      await demoClosed;
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
