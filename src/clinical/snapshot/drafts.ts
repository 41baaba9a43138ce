// context.draftOrders -> DraftOrder. Any FHIR version: R4 MedicationRequest/ServiceRequest, STU3
// without `intent`, DSTU2 MedicationOrder/ProcedureRequest. `inFocus` follows context.selections.
import type { DraftOrder } from '../types.js';
import { readProcedure } from './conditions.js';
import { isRecord, resourceRef, str, type Json } from './fhir.js';
import { medicationSourceOf, readMedication, type MedicationLookup } from './medications.js';

export function readDraftOrders(
  drafts: unknown[],
  selections: string[] | undefined,
  lookup: MedicationLookup,
  belongs: (resource: Json) => boolean,
): DraftOrder[] {
  const selected = selections ? new Set(selections.filter((s): s is string => typeof s === 'string').map((s) => s.trim())) : undefined;
  const out: DraftOrder[] = [];
  drafts.forEach((resource, position) => {
    try {
      if (!isRecord(resource)) return;
      const resourceType = str(resource.resourceType);
      if (!resourceType || !belongs(resource)) return;
      const ref = resourceRef(resource, position);
      const inFocus = selected === undefined || selected.has(ref);
      const medication = medicationSourceOf(resourceType) ? readMedication(resource, ref, 'draft', lookup) : undefined;
      const procedure = medication ? undefined : readProcedure(resource, ref, lookup.terminology, true);
      out.push({
        ref,
        resourceType,
        inFocus,
        ...(medication ? { medication } : {}),
        ...(procedure ? { procedure } : {}),
        display: medication?.display ?? procedure?.display ?? resourceType,
      });
    } catch {
      // A malformed draft is skipped; the others still get checked.
    }
  });
  return out;
}
