import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './observability/logger.js';
import { createRuntime } from './runtime.js';
import { startDemoFhirServer, type DemoFhirServer } from './demo-fhir/server.js';

// Process entry: config -> runtime (storage, rules, cards) -> listen, plus the demo FHIR server.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`heme-cds: configuration error: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);

  let runtime;
  try {
    runtime = await createRuntime(config, { logger });
  } catch (err) {
    const msg = (err as Error).message;
    logger.fatal({ event: 'startup.failed', reason: err instanceof ConfigError ? 'config' : 'startup' }, msg);
    process.exit(2);
  }

  let demo: DemoFhirServer | undefined;
  if (config.demoFhir) {
    demo = await startDemoFhirServer({ host: config.host, port: config.demoFhirPort });
    logger.info({ event: 'demo-fhir.started', baseUrl: demo.baseUrl }, `demo FHIR server (synthetic patients) at ${demo.baseUrl}`);
  }

  const server: Server = runtime.app.listen(config.port, config.host);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = Math.max(30_000, config.deadlineMs * 5);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  logger.info(
    { event: 'startup.ready', host: config.host, port: config.port, auth: runtime.deps.authenticator ? 'required' : 'off' },
    `heme-cds listening on http://${config.host}:${config.port} (discovery: ${config.publicBaseUrl}/cds-services)`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'draining in-flight requests');
    // close() stops accepting and waits for in-flight requests; idle keep-alive sockets are closed.
    server.close(async () => {
      await runtime.close();
      await demo?.close();
      logger.info({ event: 'shutdown.done' }, 'stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ event: 'unhandled-rejection', name: (reason as Error)?.name }, 'unhandled promise rejection');
  });
}

void main();
