import { setFlagsFromString } from 'node:v8';

// Imported first by main.ts, before anything allocates much. A hook call parses its whole
// prefetch (a 400 KiB body is a 5 MB object tree) and drops it a few milliseconds later, and
// V8's default lets the old generation grow to about four times what survives a full collection
// before it collects again: 35 MB live became a 150 MB heap and a 340 MB process under load. With
// 1.25 times the heap stays near 90 MB and the process near 300 MB, at the same throughput (bench/RESULTS.md). V8 reads
// this factor at every full collection, so setting it at run time takes effect.
export const HEAP_GROWING_PERCENT = 25;
setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
