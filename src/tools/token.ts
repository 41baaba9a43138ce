import { parseArgs } from 'node:util';
import { devKeysDir, ensureDevKeys, mintDevToken } from './dev-keys.js';

// npm run -s token -- [--service heme-patient-view] [--base URL]
// Prints a development JWT for one call of a service (the key pair is created on first use).

const USAGE = 'usage: npm run -s token -- [--service ID] [--base PUBLIC_BASE_URL] [--dir KEY_FOLDER]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        service: { type: 'string', default: 'heme-patient-view' },
        base: { type: 'string', default: process.env.PUBLIC_BASE_URL?.trim() || 'http://localhost:8080' },
        dir: { type: 'string', default: devKeysDir() },
        feedback: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!/^[a-z0-9-]{1,64}$/.test(values.service) || !/^https?:\/\/[^/]/.test(values.base)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const keys = await ensureDevKeys(values.dir);
  if (keys.created) process.stderr.write(`created a development key pair in ${values.dir} (public keys: ${values.dir}/jwks.json)\n`);
  const audience = `${values.base.replace(/\/+$/, '')}/cds-services/${values.service}${values.feedback ? '/feedback' : ''}`;
  process.stdout.write(`${await mintDevToken(keys, { audience })}\n`);
  return 0;
}

process.exitCode = await main();
