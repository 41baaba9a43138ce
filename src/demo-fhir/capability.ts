import { getResourceTypes, getSearchParameters } from '@medplum/core';
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
} from '@medplum/fhirtypes';

// Only the parameter types the in-memory matcher evaluates are advertised (see search-query.ts).
const ADVERTISED_PARAM_TYPES = new Set<string>(['reference', 'token', 'string', 'uri', 'date']);

function describeResource(type: CapabilityStatementRestResource['type']): CapabilityStatementRestResource {
  const params = Object.values(getSearchParameters(type) ?? {})
    .filter((param) => ADVERTISED_PARAM_TYPES.has(param.type))
    .map((param) => ({ name: param.code ?? '', type: param.type }))
    .filter((param) => param.name !== '')
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    type,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    searchParam: params,
  };
}

/** A minimal R4 CapabilityStatement for what the demo server answers (requires indexed definitions). */
export function buildCapabilityStatement(baseUrl: string, date: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: 'heme-cds',
    kind: 'instance',
    software: { name: 'heme-cds demo FHIR server' },
    implementation: {
      description: 'In-memory FHIR R4 server with synthetic patients, for local use and tests. Not for patient data.',
      url: baseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read and type-level search (GET, and POST [type]/_search). Bare ids in reference searches mean ' +
          'any target type. Read-only: batch Bundles of reads and searches are processed entry by entry; ' +
          'writes and transactions are refused (405).',
        resource: getResourceTypes()
          .sort((a, b) => a.localeCompare(b))
          .map(describeResource),
        interaction: [{ code: 'batch' }],
      },
    ],
  };
}
