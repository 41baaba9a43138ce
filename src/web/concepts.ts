import type { ConceptKind, Terminology } from '../clinical/terminology/types.js';
import type { LocalizedText } from '../cards/templates.js';

// What the preview can put in a draft order: the drugs and procedures the service itself knows
// (terminology/concepts*.json plus any site file), each with the codes it is recognised by. A
// concept without any code is left out: no EHR could send it.

export interface OrderableConcept {
  id: string;
  display: LocalizedText;
  /** Full system URIs; the first is what the preview sends (ATC for drugs). */
  codes: { system: string; code: string }[];
}

function ofKind(terminology: Terminology, kind: ConceptKind): OrderableConcept[] {
  return terminology
    .conceptsOfKind(kind)
    .map((id) => ({ id, display: terminology.concept(id)?.display ?? { nb: id, en: id }, codes: terminology.codesFor(id) }))
    .filter((c) => c.codes.length > 0)
    .sort((a, b) => a.display.en.localeCompare(b.display.en));
}

export function orderableConcepts(terminology: Terminology): { drugs: OrderableConcept[]; procedures: OrderableConcept[] } {
  return { drugs: ofKind(terminology, 'drug'), procedures: ofKind(terminology, 'procedure') };
}
