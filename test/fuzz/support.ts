import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { fromRoot } from '../../src/paths.js';
import { validateHemeResponse } from '../../src/protocol/schemas/index.js';
import { startStack, type TestStack } from '../support/stack.js';

// Shared by the fuzz suites: the real app listening once on 127.0.0.1 (keep-alive fetch, no
// per-case server start), real codes from terminology/concepts.json so that generated resources
// reach the rules instead of being ignored as unknown, and the one oracle every case must pass.

export interface FuzzTarget {
  stack: TestStack;
  base: string;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  // prefetch-only calls never fetch; the short deadline bounds the few that carry a fhirServer.
  const stack = await startStack({ env: { LOG_LEVEL: 'silent', CDS_DEADLINE_MS: '300' } });
  const server: Server = stack.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    stack,
    base,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await stack.close();
    },
  };
}

export interface Outcome {
  status: number;
  body: unknown;
}

/** POSTs raw text or a JSON value; the oracle: never a 5xx, and every 200 hook answer is valid CDS Hooks 2.0. */
export async function post(target: FuzzTarget, path: string, body: unknown, raw = false): Promise<Outcome> {
  const res = await fetch(`${target.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

export function checkOutcome(o: Outcome, isHook: boolean): void {
  if (o.status >= 500) throw new Error(`HTTP ${o.status}: ${JSON.stringify(o.body).slice(0, 500)}`);
  if (o.status === 200 && isHook) {
    const v = validateHemeResponse(o.body);
    if (!v.ok) throw new Error(`invalid CDS Hooks response: ${v.errors.join('; ')}`);
  }
  if (o.status !== 200 && (o.body as { resourceType?: string } | null)?.resourceType !== 'OperationOutcome') {
    throw new Error(`HTTP ${o.status} without an OperationOutcome body`);
  }
}

interface Concepts {
  systems: Record<string, string[]>;
  concepts: Record<string, { kind: string; codes?: { system: string; code: string }[]; canonicalUnit?: string }>;
}

const concepts = JSON.parse(readFileSync(fromRoot('terminology', 'concepts.json'), 'utf8')) as Concepts;

function codingsOf(kinds: string[]): { system: string; code: string }[] {
  const out: { system: string; code: string }[] = [];
  for (const c of Object.values(concepts.concepts)) {
    if (!kinds.includes(c.kind)) continue;
    for (const code of c.codes ?? []) for (const system of concepts.systems[code.system] ?? [code.system]) out.push({ system, code: code.code });
  }
  return out;
}

export const LAB_CODINGS = codingsOf(['lab', 'observation', 'fish', 'answer']);
export const DRUG_CODINGS = codingsOf(['drug', 'class']);
export const CONDITION_CODINGS = codingsOf(['condition', 'procedure']);
export const CANONICAL_UNITS = [...new Set(Object.values(concepts.concepts).map((c) => c.canonicalUnit).filter((u): u is string => !!u))];

/** Strings that have broken parsers, unit converters and date code elsewhere. */
export const oddString = fc.oneof(
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-0', '1e309', '0x10', '١٢٣', '𝟙𝟚', '\u0000', '\uFFFF', '\uD800', '__proto__', 'constructor', 'toString', '%', '{{context.patientId}}', "'; drop table audit; --", '<script>', 'mg/dL/L', '10*9/L', '[iU]/mL', 'g/dl ', 'mmol/L{creat}', '/', '1/0', '2026-02-30', '2026-13-01', '0000-00-00', '9999-12-31T23:59:60Z', '2026-11-22T25:61:00+99:00', '-2026-01-01', '2026', '2026-11', 'yesterday'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

export const oddNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 0.1 + 0.2, 1e21),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any JSON value, sometimes odd: used where a field's type is wrong on purpose. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: oddString },
  { weight: 3, arbitrary: oddNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [[[]]], { resourceType: 'Bundle' }, { value: '1' }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

export const oddDate = fc.oneof(
  oddString,
  fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);

export const coding = (codings: { system: string; code: string }[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...codings) },
    { weight: 1, arbitrary: fc.record({ system: fc.oneof(oddString, fc.constantFrom(...codings.map((c) => c.system))), code: oddValue }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.record({ system: oddValue, code: oddValue, display: oddValue, userSelected: oddValue }, { requiredKeys: [] }) },
  );

/** Sets `value` at a random path of a JSON document (a copy), or deletes that key when `value` is undefined. */
export function mutateAt(doc: unknown, pathChoices: number[], value: unknown, remove: boolean): unknown {
  const copy = structuredClone(doc);
  let node: unknown = copy;
  for (let i = 0; i < pathChoices.length; i++) {
    if (typeof node !== 'object' || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[(pathChoices[i] ?? 0) % keys.length] as string;
    const child = (node as Record<string, unknown>)[key];
    const last = i === pathChoices.length - 1 || typeof child !== 'object' || child === null;
    if (last) {
      if (remove) {
        if (Array.isArray(node)) node.splice(Number(key), 1);
        else delete (node as Record<string, unknown>)[key];
      } else {
        (node as Record<string, unknown>)[key] = value;
      }
      return copy;
    }
    node = child;
  }
  return copy;
}

export const FUZZ_PARAMS = { endOnFailure: true } as const;

/** Per property; the whole suite stays far below this on an idle two-core machine. */
export const FUZZ_TIMEOUT_MS = 120_000;
