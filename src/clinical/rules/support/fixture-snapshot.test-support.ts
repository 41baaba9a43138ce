// A snapshot of a demo patient (fixtures/<id>.json) built by the real snapshot builder, as the
// service would build it from a full prefetch. One loader for every rule test that reads fixtures.
// Like every fixture loader, it moves the fixtures' dates from their reference day to `now`'s day.
import { readFileSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import { rebaseFixtureDates } from '../../../demo-fhir/fixture-dates.js';
import { fromRoot } from '../../../paths.js';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { Terminology } from '../../terminology/types.js';
import type { DataDomain, PatientSnapshot } from '../../types.js';

const DOMAIN_OF: Record<string, DataDomain> = {
  Condition: 'conditions',
  Observation: 'observations',
  MedicationRequest: 'medicationRequests',
  MedicationAdministration: 'medicationAdministrations',
  MedicationStatement: 'medicationStatements',
  Procedure: 'procedures',
  ServiceRequest: 'serviceRequests',
};

export interface FixtureOptions {
  /** `context.selections` (order-select). */
  selections?: string[];
  /** Only resources of these types (Patient and Medication too only when listed); default all. */
  types?: readonly string[];
  /** Leave out resources this returns false for. */
  keep?: (resource: Resource) => boolean;
}

let terminology: Terminology | undefined;

export function fixtureSnapshot(patientId: string, now: Date, drafts: unknown[] = [], opts: FixtureOptions = {}): PatientSnapshot {
  const written = JSON.parse(readFileSync(fromRoot('fixtures', `${patientId}.json`), 'utf8')) as { entry: { resource: Resource }[] };
  const bundle = rebaseFixtureDates(written, now);
  const resources: Partial<Record<DataDomain, Resource[]>> = {};
  const medications: Resource[] = [];
  let patient: Resource | undefined;
  for (const { resource } of bundle.entry) {
    if (opts.types && !opts.types.includes(resource.resourceType)) continue;
    if (opts.keep && !opts.keep(resource)) continue;
    if (resource.resourceType === 'Patient') patient = resource;
    else if (resource.resourceType === 'Medication') medications.push(resource);
    else {
      const domain = DOMAIN_OF[resource.resourceType];
      if (domain) (resources[domain] ??= []).push(resource);
    }
  }
  const input: SnapshotInput = {
    patientId,
    ...(patient ? { patient: patient as NonNullable<SnapshotInput['patient']> } : {}),
    resources,
    medications: medications as SnapshotInput['medications'],
    draftOrders: drafts as Resource[],
    unavailable: [],
    ...(opts.selections ? { selections: opts.selections } : {}),
  };
  terminology ??= loadTerminology();
  return buildSnapshot(input, terminology, now);
}
