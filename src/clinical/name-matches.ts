// A finding about a drug recognised by name rather than by code carries that fact to its card, so
// the clinician can check the order: the draft it is about, and any medication record among its values.
import type { Finding, MedicationEntry, PatientSnapshot } from './types.js';

export function nameMatchedEntries(snapshot: PatientSnapshot): Map<string, MedicationEntry> {
  const byRef = new Map<string, MedicationEntry>();
  for (const entry of [...snapshot.medications, ...snapshot.administrations]) if (entry.matchedByName) byRef.set(entry.ref, entry);
  for (const draft of snapshot.draftOrders) if (draft.medication?.matchedByName) byRef.set(draft.ref, draft.medication);
  return byRef;
}

export function withNameMatches(finding: Finding, byRef: Map<string, MedicationEntry>): Finding {
  if (byRef.size === 0) return finding;
  const refs = [finding.subject, ...finding.values.flatMap((v) => (v.source?.id ? [`${v.source.resourceType}/${v.source.id}`] : []))];
  const displays = [...new Set(refs.flatMap((ref) => (byRef.get(ref) ? [byRef.get(ref)?.display ?? ref] : [])))];
  return displays.length > 0 ? { ...finding, matchedByName: [...new Set([...(finding.matchedByName ?? []), ...displays])] } : finding;
}
