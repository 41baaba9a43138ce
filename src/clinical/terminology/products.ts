// RxNorm product codes (clinical and branded drugs: SCD, SBD and their forms and groups) -> the
// drug concepts they contain. EHRs and the CDS Hooks sandbox order by product, while concepts.json
// holds ingredient codes. The table is data, terminology/rxnorm-products.json, generated from public
// sources by scripts/rxnorm-products.mjs; its header names them and the date.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';

export const PRODUCTS_FILE = 'rxnorm-products.json';

export interface ProductTable {
  /** Drug concept ids of an RxNorm product code; undefined for a code not in the table. */
  conceptsOf(code: string): readonly string[] | undefined;
  readonly size: number;
}

const schema = {
  type: 'object',
  required: ['generated', 'sources', 'products'],
  properties: {
    generated: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    sources: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['id', 'url', 'retrieved'], properties: { id: { type: 'string' }, url: { type: 'string' }, retrieved: { type: 'string' } } },
    },
    products: {
      type: 'object',
      propertyNames: { pattern: '^[0-9]{1,10}$' },
      additionalProperties: {
        type: 'object',
        required: ['name', 'concepts', 'sources'],
        properties: {
          name: { type: 'string', minLength: 1 },
          concepts: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^drug:' } },
          sources: { type: 'array', minItems: 1, items: { type: 'string' } },
        },
      },
    },
  },
} as const;

interface ProductFile {
  sources: { id: string }[];
  products: Record<string, { name: string; concepts: string[]; sources: string[] }>;
}

export const EMPTY_PRODUCT_TABLE: ProductTable = { conceptsOf: () => undefined, size: 0 };

/**
 * Validates the parsed table against the terminology: every concept must exist and every product
 * must name a source listed in the header. Throws an Error listing the problems.
 */
export function productTableFromData(data: unknown, hasConcept: (id: string) => boolean): ProductTable {
  const validate = new Ajv({ allErrors: true }).compile(schema);
  if (!validate(data)) {
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new Error(`terminology/${PRODUCTS_FILE} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  const file = data as unknown as ProductFile;
  const sourceIds = new Set(file.sources.map((s) => s.id));
  const byCode = new Map<string, readonly string[]>();
  const problems: string[] = [];
  for (const [code, product] of Object.entries(file.products)) {
    const unknown = product.concepts.filter((id) => !hasConcept(id));
    if (unknown.length > 0) problems.push(`/products/${code}: unknown concept ${unknown.join(', ')}`);
    const unsourced = product.sources.filter((s) => !sourceIds.has(s));
    if (unsourced.length > 0) problems.push(`/products/${code}: source ${unsourced.join(', ')} is not in "sources"`);
    byCode.set(code, Object.freeze([...product.concepts]));
  }
  if (problems.length > 0) throw new Error(`terminology/${PRODUCTS_FILE} is invalid:\n  - ${problems.slice(0, 10).join('\n  - ')}`);
  return { conceptsOf: (code) => byCode.get(code.trim()), size: byCode.size };
}

/** The table in a terminology folder; a folder without one (a test's) has an empty table. */
export function loadProductTable(dir: string, hasConcept: (id: string) => boolean): ProductTable {
  const path = join(dir, PRODUCTS_FILE);
  if (!existsSync(path)) return EMPTY_PRODUCT_TABLE;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`terminology/${PRODUCTS_FILE} could not be read (${path}): ${(err as Error).message}`);
  }
  return productTableFromData(data, hasConcept);
}
