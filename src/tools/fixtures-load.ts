import { parseArgs } from 'node:util';
import { fixtureSetFor } from '../demo-fhir/fixture-set.js';
import { loadFixtures, waitForServer } from './fixture-loader.js';

// npm run fixtures:load -- --fhir-base URL [--wait SECONDS] [--dir FOLDER]
// Loads every synthetic patient (fixtures/pat-*.json) into a FHIR R4 server. The bearer token, when
// the server needs one, comes from FHIR_BEARER_TOKEN (not an argument: arguments show in `ps`).

const USAGE = 'usage: npm run fixtures:load -- --fhir-base URL [--wait SECONDS] [--dir FOLDER]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { 'fhir-base': { type: 'string' }, wait: { type: 'string', default: '0' }, dir: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const base = values['fhir-base'];
  const wait = Number(values.wait);
  if (!base || !/^https?:\/\/[^/]/.test(base) || !Number.isFinite(wait) || wait < 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (wait > 0 && !(await waitForServer(base, wait * 1000))) {
    process.stderr.write(`${base}/metadata did not answer within ${wait} s\n`);
    return 1;
  }
  const { bundles, asOf } = fixtureSetFor(new Date(), values.dir);
  process.stdout.write(`loading ${bundles.length} synthetic patients into ${base} (charts current at ${asOf.toISOString().slice(0, 10)})\n`);
  const results = await loadFixtures({ fhirBase: base, bundles, ...(process.env.FHIR_BEARER_TOKEN ? { bearerToken: process.env.FHIR_BEARER_TOKEN } : {}) });
  for (const r of results) {
    const statuses = Object.entries(r.statuses).map(([code, n]) => `${n}×${code}`).join(' ');
    process.stdout.write(`${r.error ? 'FAIL' : 'ok  '} ${r.patient.padEnd(36)} ${String(r.resources).padStart(3)} resources ${r.error ?? statuses}\n`);
  }
  const failed = results.filter((r) => r.error);
  if (failed.some((r) => r.status === 405)) {
    process.stderr.write('the server refuses writes (the demo FHIR server is read-only: it loads these patients from its own files)\n');
  }
  const total = results.reduce((n, r) => n + (r.error ? 0 : r.resources), 0);
  process.stdout.write(`${results.length - failed.length} of ${results.length} patients loaded (${total} resources)\n`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
