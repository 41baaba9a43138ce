// Draft orders as an EHR sends them in context.draftOrders (FHIR R4), from either a scenario draft of
// fixtures/scenarios.json (as test/support/scenarios.ts builds them) or a concept the user picked.

const ATC = 'http://www.whocc.no/atc';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** A scenario draft: `atc`/`rxnorm` for a drug, `service` = "system|code" for a procedure. */
export function draftFromSpec(spec, index, patientId, now) {
  const id = `draft-${index + 1}`;
  const subject = { reference: `Patient/${patientId}` };
  if (spec.service) {
    const [system, code] = spec.service.split('|');
    return {
      resourceType: 'ServiceRequest', id, status: spec.status ?? 'draft', intent: 'order', subject,
      code: { coding: [{ system, code }], text: spec.text },
      occurrenceDateTime: spec.date ?? now, authoredOn: now,
    };
  }
  const coding = [
    ...(spec.atc ? [{ system: ATC, code: spec.atc, display: spec.text }] : []),
    ...(spec.rxnorm ? [{ system: RXNORM, code: spec.rxnorm }] : []),
  ];
  return {
    resourceType: 'MedicationRequest', id, status: spec.status ?? 'draft', intent: 'order', subject,
    authoredOn: spec.date ?? now,
    medicationCodeableConcept: { coding, text: spec.text },
    ...(spec.dose ? { dosageInstruction: [dosage(spec.text, spec.dose.value, spec.dose.unit)] } : {}),
  };
}

function dosage(text, value, unit) {
  return {
    text: `${text} ${value} ${unit}`,
    doseAndRate: [{ doseQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } }],
  };
}

/** A draft from a concept of the service's terminology: its first code (ATC for drugs), named in the card language. */
export function draftFromConcept(kind, concept, opts, patientId, now) {
  const first = concept.codes[0];
  const text = concept.display[opts.locale] ?? concept.display.en;
  const subject = { reference: `Patient/${patientId}` };
  const when = opts.date ? `${opts.date}T09:00:00Z` : now;
  if (kind === 'procedures') {
    return {
      resourceType: 'ServiceRequest', id: 'draft-1', status: 'draft', intent: 'order', subject,
      code: { coding: [{ system: first.system, code: first.code, display: concept.display.en }], text },
      occurrenceDateTime: when, authoredOn: now,
    };
  }
  return {
    resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', intent: 'order', subject,
    authoredOn: when,
    medicationCodeableConcept: { coding: [{ system: first.system, code: first.code, display: concept.display.en }], text },
    ...(opts.doseMg > 0 ? { dosageInstruction: [dosage(text, opts.doseMg, 'mg')] } : {}),
  };
}

/** The hook request body: no prefetch, so the service fetches from fhirServer as it would for any EHR. */
export function hookRequest(hook, patientId, fhirServer, drafts) {
  const context = { userId: 'Practitioner/preview', patientId };
  if (hook !== 'patient-view') {
    context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
    if (hook === 'order-select') context.selections = drafts.map((d) => `${d.resourceType}/${d.id}`);
  }
  return { hook, hookInstance: uuid(), fhirServer, context };
}

/** A version 4 UUID; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
