import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { answer, generateHeavyPatient } from './heavy-patient.js';

// The benchmark's helper servers, each in its own process so that the load generator's event loop
// cannot delay them (and they cannot slow it down):
//   fhir <delayMs> <seed> <asOf>  a FHIR server that answers every query after a fixed delay with the
//                                 heavy patient's data (workload 4)
//   bare <responseFile>           reads and JSON.parses the request body, answers with a fixed body
//                                 (workload 5: what node:http itself can do with the same bytes)
// Prints "LISTENING <port>" on stdout once it listens on 127.0.0.1.

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function fhirHandler(delayMs: number, seed: number, asOf: string) {
  const hp = generateHeavyPatient({ seed, asOf });
  // Serialised once per distinct query: the delay, not JSON work, is what this server should add.
  const cache = new Map<string, Buffer | null>();
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').replace(/^\/fhir/, '');
    let body = cache.get(path);
    if (body === undefined) {
      const resource = answer(hp, path);
      body = resource ? Buffer.from(JSON.stringify(resource)) : null;
      cache.set(path, body);
    }
    const reply = body;
    setTimeout(() => {
      if (reply === null) {
        res.writeHead(404, { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': reply.length });
      res.end(reply);
    }, delayMs);
  };
}

function bareHandler(responseFile: string) {
  const reply = readFileSync(responseFile);
  return (req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then((text) => {
        JSON.parse(text);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': reply.length });
        res.end(reply);
      })
      .catch(() => {
        res.writeHead(400);
        res.end();
      });
  };
}

const [mode, ...args] = process.argv.slice(2);
const handler =
  mode === 'fhir'
    ? fhirHandler(Number(args[0] ?? 50), Number(args[1] ?? 1), args[2] ?? new Date().toISOString().slice(0, 10))
    : mode === 'bare' && args[0]
      ? bareHandler(args[0])
      : undefined;
if (!handler) {
  process.stderr.write('usage: helper-server.js fhir <delayMs> <seed> <asOf> | bare <responseFile>\n');
  process.exit(2);
}
const server = createServer(handler);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
setInterval(() => {
  // The parent is gone (killed hard): do not linger.
  if (process.ppid === 1) process.exit(0);
}, 1000).unref();
