import { setFlagsFromString } from 'node:v8';

// A hook call parses its whole prefetch (a 400 KiB body is a 5 MB object tree) and drops it a few
// milliseconds later. V8's default lets the old generation grow to about four times what survives
// a full collection before it collects again: 35 MB live became a 150 MB heap under load. With the
// embedded database in the same process (its WebAssembly memory and its thread), that made over
// 300 MB. Growing by 1.6 times keeps the process near 270 MB under load with glibc held to one
// malloc arena (MALLOC_ARENA_MAX=1, as npm start and the image set it); 1.25 times saved another
// 20 MB but cost 9 % of W2's throughput in full collections (bench/RESULTS.md, README). On
// PostgreSQL, where the process is 150-200 MB either way, V8's default stays. V8 reads the factor at
// every full collection, so setting it at run time works.
export const EMBEDDED_DATABASE_HEAP_GROWING_PERCENT = 60;

export function tightenHeapForEmbeddedDatabase(): void {
  setFlagsFromString(`--heap-growing-percent=${EMBEDDED_DATABASE_HEAP_GROWING_PERCENT}`);
}

/**
 * V8 flags for node:cluster workers. V8 runs parts of every collection on helper threads, which
 * pays when a core is idle beside the JavaScript thread (one process: the other core takes the
 * marking and half of each scavenge). With as many workers as cores no core is idle: the helpers
 * take their CPU from the other workers, and a parallel collection costs more CPU in all than the
 * same collection on one thread. So when workers fill the cores, each collects on its own thread.
 */
export function workerExecArgv(workers: number, cores: number, inherited: readonly string[], nodeOptions = ''): string[] {
  // An operator's choice either way wins, on the command line or in NODE_OPTIONS (which node reads
  // before the command line, so a flag added here would override it).
  const operatorChose = [...inherited, ...nodeOptions.split(/\s+/)].some((a) => /^--(no-)?single[-_]threaded[-_]gc(=|$)/.test(a));
  return workers < cores || operatorChose ? [...inherited] : [...inherited, '--single-threaded-gc'];
}
