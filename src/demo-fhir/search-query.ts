import { getSearchParameter, isResourceType, splitSearchOnComma } from '@medplum/core';
import { badRequest, notSupported } from './outcomes.js';

export type QueryPair = [key: string, value: string];

/** What the demo server hands to medplum, and what it reports back in the Bundle's self link. */
export interface PreparedSearch {
  /** Query for medplum's search handler (repeated keys become arrays). */
  query: Record<string, string | string[]>;
  /** The parameters actually applied, in request order, for the self link. */
  applied: QueryPair[];
  count?: number;
  offset: number;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

// Medplum's MemoryRepository only matches these parameter types; number, quantity, composite and
// special parameters silently match nothing, which must not pass for "no data" in a CDS test.
const MATCHABLE_TYPES = new Set(['reference', 'token', 'string', 'uri', 'date']);

// Modifiers the in-memory matcher evaluates correctly. Others (`:text`, `:in`, `:above`, `:exact`,
// `:identifier`, ...) are parsed by medplum but then compared as plain equality or substring.
const SUPPORTED_MODIFIERS: Record<string, ReadonlySet<string>> = {
  reference: new Set(['', 'missing', 'not']),
  token: new Set(['', 'missing', 'not']),
  string: new Set(['', 'missing', 'contains']),
  uri: new Set(['', 'missing']),
  date: new Set(['', 'missing']),
};

// Result parameters medplum's in-memory search does not implement. FHIR servers ignore what they
// do not support unless the client asks for strict handling.
const IGNORED_RESULT_PARAMETERS = new Set([
  '_include',
  '_revinclude',
  '_elements',
  '_total',
  '_format',
  '_pretty',
  '_type',
  '_cursor',
  '_contained',
  '_containedType',
]);
const STRICT_REFUSED_RESULT_PARAMETERS = new Set(['_include', '_revinclude', '_contained', '_containedType']);

function splitKey(key: string): { code: string; modifier: string } {
  const colon = key.indexOf(':');
  return colon < 0 ? { code: key, modifier: '' } : { code: key.slice(0, colon), modifier: key.slice(colon + 1) };
}

function isBareId(value: string): boolean {
  return FHIR_ID.test(value);
}

/**
 * A bare id in a reference search (`patient=abc`) means "this id, any of the parameter's target
 * types" (FHIR search, reference parameters). Medplum compares reference strings exactly, so the
 * value is expanded to `Patient/abc` (or `Group/abc,Device/abc,Patient/abc,...` for `subject`).
 * `Type/id`, absolute URLs and escaped values are left alone.
 */
function expandReferenceValue(value: string, targets: readonly string[]): string {
  if (value.includes('\\') || targets.length === 0) return value;
  const parts = splitSearchOnComma(value);
  if (!parts.some(isBareId)) return value;
  return parts.flatMap((part) => (isBareId(part) ? targets.map((type) => `${type}/${part}`) : [part])).join(',');
}

/**
 * Rewrites bare ids of reference parameters (and `param:Type=id`) to `Type/id`. Everything else is
 * kept as sent; used for searches inside batch Bundles, which medplum parses itself.
 */
export function expandBareReferences(resourceType: string, pairs: readonly QueryPair[]): QueryPair[] {
  return pairs.map(([key, value]): QueryPair => {
    const { code, modifier } = splitKey(key);
    const param = getSearchParameter(resourceType, code);
    if (param?.type !== 'reference') return [key, value];
    if (modifier === '' || modifier === 'not') {
      return [key, expandReferenceValue(value, param.target ?? [])];
    }
    if (isResourceType(modifier)) return [code, expandReferenceValue(value, [modifier])];
    return [key, value];
  });
}

function parseNonNegativeInteger(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw badRequest(`${name} must be a non-negative integer`);
  return Number(value);
}

function prepareSort(resourceType: string, value: string, strict: boolean): string | undefined {
  const fields = value.split(',').filter((field) => {
    const code = field.startsWith('-') ? field.slice(1) : field;
    const known = getSearchParameter(resourceType, code) !== undefined;
    if (!known && strict) throw badRequest(`Unknown sort parameter: ${code}`);
    return known;
  });
  return fields.length > 0 ? fields.join(',') : undefined;
}

/**
 * Checks and rewrites a type-level search before medplum sees it: validates paging, refuses what
 * the in-memory matcher would answer wrongly, drops unknown parameters (or refuses them under
 * `Prefer: handling=strict`), and expands bare reference ids.
 */
export function prepareSearch(resourceType: string, pairs: readonly QueryPair[], strict: boolean): PreparedSearch {
  const applied: QueryPair[] = [];
  const filters: QueryPair[] = [];
  const forMedplum: QueryPair[] = [];
  let count: number | undefined;
  let offset = 0;
  let summaryCount = false;

  for (const [key, value] of pairs) {
    if (key === '') continue;
    const { code, modifier } = splitKey(key);

    if (code === '_count') {
      count = parseNonNegativeInteger('_count', value);
      applied.push([key, value]);
      continue;
    }
    if (code === '_offset') {
      offset = parseNonNegativeInteger('_offset', value);
      applied.push([key, value]);
      continue;
    }
    if (code === '_sort') {
      const sort = prepareSort(resourceType, value, strict);
      if (sort !== undefined) {
        applied.push([key, sort]);
        // Medplum applies sort rules one after another with a stable sort, so the last rule ends
        // up primary. Reversed, the first rule the client named is the primary key again.
        forMedplum.push([key, sort.split(',').reverse().join(',')]);
      }
      continue;
    }
    if (code === '_summary') {
      if (value === 'count') {
        applied.push([key, value]);
        summaryCount = true;
      } else if (strict && value !== 'false') {
        throw notSupported(`_summary=${value} is not supported`);
      }
      continue;
    }
    if (IGNORED_RESULT_PARAMETERS.has(code)) {
      if (strict && STRICT_REFUSED_RESULT_PARAMETERS.has(code)) throw notSupported(`${code} is not supported`);
      continue;
    }
    if (code === '_has' || code.includes('.')) {
      // Dropping a chained filter would widen the result, so it is refused even in lenient mode.
      throw notSupported(`Chained and reverse-chained search (${code}) is not supported`);
    }

    const param = getSearchParameter(resourceType, code);
    if (!param) {
      if (strict) throw badRequest(`Unknown search parameter for ${resourceType}: ${code}`);
      continue;
    }
    if (!MATCHABLE_TYPES.has(param.type)) {
      throw notSupported(`Search parameter ${code} of type ${param.type} is not supported`);
    }
    const typeModifier = param.type === 'reference' && modifier !== '' && isResourceType(modifier);
    if (!typeModifier && !SUPPORTED_MODIFIERS[param.type]?.has(modifier)) {
      throw notSupported(`Modifier :${modifier} is not supported for ${code}`);
    }
    applied.push([key, value]);
    filters.push([key, value]);
  }

  forMedplum.push(...expandBareReferences(resourceType, filters));
  if (summaryCount) count = 0;
  if (count !== undefined) forMedplum.push(['_count', String(count)]);
  if (offset > 0) forMedplum.push(['_offset', String(offset)]);

  const query: Record<string, string | string[]> = {};
  for (const [key, value] of forMedplum) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return { query, applied, count, offset };
}

/** A server-side page size limit: `_count` above it (or absent) pages at the limit, with `next` links. */
export function capPageSize(search: PreparedSearch, max: number | undefined): PreparedSearch {
  if (max === undefined || (search.count !== undefined && search.count <= max)) return search;
  return { ...search, count: max, query: { ...search.query, _count: String(max) } };
}
