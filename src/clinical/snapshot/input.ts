import type { Resource, Patient, Medication } from '@medplum/fhirtypes';
import type { DataDomain } from '../types.js';

/**
 * What the protocol layer hands to the snapshot builder once prefetch and fallback are resolved.
 * Resources are plain parsed JSON: they come from clients and may be malformed, partial, or of an
 * older FHIR version (DSTU2 `MedicationOrder`, STU3 without `intent`). The builder must never throw
 * on shape; it skips what it cannot read.
 */
export interface SnapshotInput {
  patientId: string;
  /** The Patient resource, when available (id already checked against context.patientId). */
  patient?: Patient;
  /** Search results per domain, flattened from Bundles (OperationOutcome entries removed). */
  resources: Partial<Record<DataDomain, Resource[]>>;
  /** Medication resources that referenced medications may point to (bundled, included, or fetched). */
  medications: Medication[];
  /** `context.draftOrders` entries' resources (any FHIR version), in bundle order. */
  draftOrders: Resource[];
  /** `context.selections` (order-select); undefined on other hooks = every draft is in focus. */
  selections?: string[];
  /** Domains that could not be obtained. */
  unavailable: DataDomain[];
}
