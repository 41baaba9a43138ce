import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { isRecord } from '../../type-guards.js';

// One Ajv instance for every protocol schema, so each schema is compiled exactly once at module
// load and a schema mistake fails at start-up rather than on the first request. JSON Schema
// 2020-12 for `dependentRequired` (cds-r-1, cds-resp-6).
// ajv-formats is CommonJS: under NodeNext its default import is typed as the module object,
// while at runtime it is the plugin function itself.
const addFormats = addFormatsPlugin as unknown as FormatsPlugin;

export const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['uri', 'uuid', 'date-time']);

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

/** Enough to tell a client what to fix; a flood of errors from a hostile body helps nobody. */
const MAX_ERRORS = 20;
const MAX_PATH = 120;

// Property names are attribute names, not values, so naming the unexpected one is safe and useful.
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,40}$/;

function clip(path: string): string {
  return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path;
}

/**
 * Turns ajv errors into short messages: JSON pointer + ajv's message. ajv messages name the rule
 * (type, pattern, enum), never the offending value, so nothing the client sent (possibly PHI) is
 * echoed. `if` errors are dropped: the `then` error beside them says what is wrong.
 */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const out = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    let message = `${clip(e.instancePath || '/')} ${e.message ?? 'is invalid'}`;
    if (e.keyword === 'additionalProperties') {
      const name: unknown = e.params.additionalProperty;
      if (typeof name === 'string' && SAFE_NAME.test(name)) message += ` (${name})`;
    }
    out.add(message);
    if (out.size >= MAX_ERRORS) break;
  }
  return [...out];
}

export function result(errors: string[]): ValidationResult {
  return errors.length === 0 ? { ok: true } : { ok: false, errors: errors.slice(0, MAX_ERRORS) };
}

/** JSON pointer escaping (RFC 6901), for paths we build ourselves. */
export function pointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/**
 * CDS Hooks 2.0 §"Use of JSON": no `null`, `""`, `[]` or `{}` anywhere unless the spec allows it.
 * Iterative so a deeply nested document cannot overflow the stack.
 */
export function findEmptyValues(body: unknown, allowedEmpty: ReadonlySet<string>): string[] {
  const errors: string[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: body, path: '' }];
  while (stack.length > 0 && errors.length < MAX_ERRORS) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    const where = clip(path || '/');
    if (value === null) {
      errors.push(`${where} must not be null`);
    } else if (value === '') {
      errors.push(`${where} must not be an empty string`);
    } else if (Array.isArray(value)) {
      if (value.length === 0 && !allowedEmpty.has(path)) errors.push(`${where} must not be an empty array`);
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: pointer(path, i) });
    } else if (isRecord(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0 && !allowedEmpty.has(path)) errors.push(`${where} must not be an empty object`);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        stack.push({ value: value[k], path: pointer(path, k) });
      }
    }
  }
  return errors;
}

/**
 * Text PostgreSQL can store: no NUL (text and jsonb refuse it) and no lone UTF-16 surrogate (not
 * encodable as UTF-8). Checked wherever client text is stored, so such text is a 400, never a 503.
 */
export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}
// Constant work per character (the lookarounds look one unit either side).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
