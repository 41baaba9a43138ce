import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

// How fast each core of this machine is, measured the same way for each: a fixed CPU-bound
// JavaScript loop (JSON parse and stringify, the kind of work a hook call does) in its own process,
// pinned to one core at a time with taskset, nothing else running. On this shared virtual machine
// the two cores are not always equally fast (one was measured at 58 % of the other for minutes on
// end), and then no number of workers can get more than the sum of the cores' speeds over the
// fastest one's: that ceiling is printed beside the WORKERS ratio, which would otherwise read as
// the service's scaling alone.

const LOOP = `
const seconds = Number(process.argv[1]);
const body = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ resourceType: 'Observation', id: 'o' + i, code: { coding: [{ system: 'http://loinc.org', code: String(i) }] }, valueQuantity: { value: i / 3, unit: 'g/L' } })));
const end = performance.now() + seconds * 1000;
let n = 0;
while (performance.now() < end) { JSON.stringify(JSON.parse(body)); n++; }
process.stdout.write(String(n / seconds));
`;

export interface CoreSpeed {
  core: number;
  /** Loop iterations per second on that core alone. */
  perSecond: number;
}

export interface CoreSpeeds {
  cores: CoreSpeed[];
  /** Sum of the cores' speeds over the fastest core's: the most N processes can get relative to one. */
  ceiling: number;
}

/** Undefined where taskset is missing or a core cannot be measured (the report says so). */
export function measureCoreSpeeds(seconds = 2): CoreSpeeds | undefined {
  const cores: CoreSpeed[] = [];
  for (let core = 0; core < cpus().length; core++) {
    const r = spawnSync('taskset', ['-c', String(core), process.execPath, '-e', LOOP, String(seconds)], {
      encoding: 'utf8',
      timeout: (seconds + 20) * 1000,
    });
    const perSecond = Number(r.stdout);
    if (r.status !== 0 || !Number.isFinite(perSecond) || perSecond <= 0) return undefined;
    cores.push({ core, perSecond: Math.round(perSecond * 10) / 10 });
  }
  const fastest = Math.max(...cores.map((c) => c.perSecond));
  const ceiling = cores.reduce((s, c) => s + c.perSecond, 0) / fastest;
  return { cores, ceiling: Math.round(ceiling * 1000) / 1000 };
}

/** "core 0 100 %, core 1 58 % (ceiling 1.58×)". */
export function describeCoreSpeeds(s: CoreSpeeds | undefined): string {
  if (!s) return 'not measured (taskset missing or a core could not be measured)';
  const fastest = Math.max(...s.cores.map((c) => c.perSecond));
  const list = s.cores.map((c) => `core ${c.core} ${Math.round((c.perSecond / fastest) * 100)} %`).join(', ');
  return `${list} of the fastest (ceiling ${s.ceiling.toFixed(2)}×)`;
}
