import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

// Serves the development public keys (DIR/jwks.json, written by `npm run token`) at /jwks.json for
// the compose setup's heme-cds to verify development tokens. Public keys only; read per request, so
// a new key pair is served without a restart.

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/dev-keys' },
    port: { type: 'string', default: '8082' },
    host: { type: 'string', default: '0.0.0.0' },
  },
});
const file = join(values.dir, 'jwks.json');

function readJwks(): string | undefined {
  try {
    const jwks = JSON.parse(readFileSync(file, 'utf8')) as { keys?: { d?: unknown }[] };
    // Never serve a private key, whatever the file holds.
    if (!Array.isArray(jwks.keys) || jwks.keys.some((k) => k.d !== undefined)) return undefined;
    return JSON.stringify(jwks);
  } catch {
    return undefined;
  }
}

if (!readJwks()) process.stderr.write(`no development public keys in ${file} yet: run \`npm run token\` once on the host (it creates data/dev-keys)\n`);
createServer((req, res) => {
  const body = req.method === 'GET' && req.url === '/jwks.json' ? readJwks() : undefined;
  res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(body ?? '{"error":"not found"}');
}).listen(Number(values.port), values.host, () => process.stdout.write(`development JWKS at http://${values.host}:${values.port}/jwks.json\n`));
