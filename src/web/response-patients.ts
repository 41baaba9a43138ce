import { existsSync } from 'node:fs';
import type { Medication, Patient, Resource } from '@medplum/fhirtypes';
import { runRules } from '../clinical/engine.js';
import { buildSnapshot } from '../clinical/snapshot/build.js';
import type { Terminology } from '../clinical/terminology/types.js';
import type { DataDomain, Rule } from '../clinical/types.js';
import { loadFixtureBundles } from '../demo-fhir/fixtures.js';
import { fromRoot } from '../paths.js';

// Which demo patients have response cards on patient-view. The scenarios list card topic codes
// only, and a response finding is often shown inside the merged overview card (src/cards/merge.ts),
// whose topic code is another rule's: so the response rules are run here over each fixture chart,
// at the clock's day, as the service would run them on patient-view.

const DOMAIN_OF_TYPE: Record<string, DataDomain> = {
  Condition: 'conditions',
  Observation: 'observations',
  MedicationRequest: 'medicationRequests',
  MedicationStatement: 'medicationStatements',
  MedicationAdministration: 'medicationAdministrations',
  Procedure: 'procedures',
  ServiceRequest: 'serviceRequests',
  Immunization: 'immunizations',
};

/** Ids of the fixture patients on whom one of `responseRules` gives a finding on patient-view. */
export function patientsWithResponseFindings(
  responseRules: readonly Rule[],
  terminology: Terminology,
  now: Date,
  fixturesDir: string = fromRoot('fixtures'),
): Set<string> {
  const out = new Set<string>();
  const rules = responseRules.filter((r) => r.hooks.includes('patient-view'));
  if (rules.length === 0 || !existsSync(fixturesDir)) return out;
  for (const bundle of loadFixtureBundles(fixturesDir, now)) {
    const entries = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined);
    const patient = entries.find((r): r is Patient => r.resourceType === 'Patient');
    if (patient?.id === undefined) continue;
    const resources: Partial<Record<DataDomain, Resource[]>> = {};
    for (const r of entries) {
      const domain = DOMAIN_OF_TYPE[r.resourceType];
      if (domain) (resources[domain] ??= []).push(r);
    }
    const medications = entries.filter((r): r is Medication => r.resourceType === 'Medication');
    const snapshot = buildSnapshot({ patientId: patient.id, patient, resources, medications, draftOrders: [], unavailable: [] }, terminology, now);
    if (runRules([...rules], snapshot, { now, hook: 'patient-view' }).findings.length > 0) out.add(patient.id);
  }
  return out;
}
