import { parseArgs } from 'node:util';
import { fixtureSetFor } from '../src/demo-fhir/fixture-set.js';
import { loadScenarios } from '../test/support/scenarios.js';
import { integrationTable, runIntegration } from './integration-runner.js';

// npm run test:integration -- --fhir-base URL [--now ISO-DATE] [--deadline-ms N]
// The server must hold the synthetic patients: the demo FHIR server does, any other server after
// `npm run fixtures:load -- --fhir-base URL` on the same day. Exits 1 on any difference.

const USAGE = 'usage: npm run test:integration -- --fhir-base URL [--now ISO-DATE] [--deadline-ms N]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { 'fhir-base': { type: 'string' }, now: { type: 'string' }, 'deadline-ms': { type: 'string', default: '10000' } } }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const base = values['fhir-base'];
  const deadlineMs = Number(values['deadline-ms']);
  // The charts are current at the day the loader (or the demo server) put them there.
  const asOf = values.now ? new Date(values.now) : fixtureSetFor(new Date()).asOf;
  if (!base || !/^https?:\/\/[^/]/.test(base) || Number.isNaN(asOf.getTime()) || !Number.isInteger(deadlineMs)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const scenarios = loadScenarios();
  process.stdout.write(`replaying the calls of fixtures/scenarios.json without prefetch against ${base} (service clock ${asOf.toISOString()})\n\n`);
  const rows = await runIntegration({ fhirBase: base.replace(/\/+$/, ''), scenarios, asOf, deadlineMs });
  process.stdout.write(`${integrationTable(rows)}\n`);
  return rows.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await main();
