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

export interface EvenCoresWait {
  /** The measurement the rounds started after (the last one taken). */
  speeds: CoreSpeeds | undefined;
  /** Whether every core was within `minShare` of the fastest then. */
  even: boolean;
  /** Seconds spent waiting for that (0 when the first measurement was even). */
  waitedS: number;
  /** Every measurement taken while waiting, the last one included. */
  tries: CoreSpeeds[];
}

/** Whether every core runs at `minShare` or more of the fastest one's speed. */
export function coresEven(s: CoreSpeeds, minShare: number): boolean {
  const fastest = Math.max(...s.cores.map((c) => c.perSecond));
  return s.cores.every((c) => c.perSecond >= minShare * fastest);
}

/**
 * Waits (at most `maxWaitS`) until the cores run at even speed before a ratio is measured. A core
 * that the host has slowed for a while is a disturbed machine, as a busy neighbour would be: a
 * benchmark run then measures the host, so it waits for the machine it is meant to measure. It never
 * waits forever and never hides the wait: every measurement is reported, and the rounds run anyway
 * when time is up, with the ceiling printed beside the result.
 */
export async function waitForEvenCores(opts: { minShare: number; maxWaitS: number; everyS: number }, log: (msg: string) => void): Promise<EvenCoresWait> {
  const started = performance.now();
  const tries: CoreSpeeds[] = [];
  for (;;) {
    const speeds = measureCoreSpeeds();
    if (!speeds) return { speeds, even: false, waitedS: Math.round((performance.now() - started) / 1000), tries };
    tries.push(speeds);
    const even = coresEven(speeds, opts.minShare);
    const waitedS = Math.round((performance.now() - started) / 1000);
    if (even || waitedS + opts.everyS > opts.maxWaitS) return { speeds, even, waitedS, tries };
    log(`cores uneven (${describeCoreSpeeds(speeds)}); measuring again in ${opts.everyS} s (waited ${waitedS} s of at most ${opts.maxWaitS} s)`);
    await new Promise((r) => setTimeout(r, opts.everyS * 1000));
  }
}

/** One line for the report: what the cores measured and how long the bench waited for them. */
export function describeWait(w: EvenCoresWait | undefined): string {
  if (!w) return 'not measured';
  const first = w.tries[0];
  if (w.tries.length <= 1) return describeCoreSpeeds(w.speeds);
  return `${describeCoreSpeeds(w.speeds)}, after waiting ${w.waitedS} s for even cores (${w.tries.length} measurements; the first: ${describeCoreSpeeds(first)})${w.even ? '' : '; still uneven when the wait ran out'}`;
}
