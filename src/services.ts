import type { DataDomain, Hook, Rule } from './clinical/types.js';
import type { Terminology } from './clinical/terminology/types.js';

// One declaration per service drives discovery, routing, prefetch and the rules run (the HAPI
// CDS Hooks idea). Prefetch templates are derived from what the service's rules need, so adding
// a rule that reads a new domain updates discovery and fallback with no other change.

export interface ServiceDefinition {
  id: string;
  hook: Hook;
  title: string;
  description: string;
  usageRequirements?: string;
  rules: Rule[];
  /** Domains the rules read (union of their `needs`), in a stable order. */
  needs: DataDomain[];
  /** Prefetch key -> FHIR query template. The key is the domain name, then `<domain>-2` ... for a split query. */
  prefetch: Record<string, string>;
  /** The prefetch keys of each domain, in order (one, unless its query is split to stay under MAX_QUERY_URL_LENGTH). */
  prefetchKeys?: Partial<Record<DataDomain, string[]>>;
}

/**
 * The longest query URL we send or ask a client to send: servers and proxies commonly refuse longer
 * GET URLs (HAPI FHIR behind the usual proxies, IIS and many gateways draw the line near 2 KB).
 */
export const MAX_QUERY_URL_LENGTH = 2048;
/**
 * What a template may use, leaving room for the FHIR base URL (up to 150 characters) and a
 * patient id (FHIR ids are at most 64) within MAX_QUERY_URL_LENGTH.
 */
export const MAX_TEMPLATE_LENGTH = MAX_QUERY_URL_LENGTH - 151 - 64 + '{{context.patientId}}'.length;
/** Page size asked for; servers may page smaller, and the service follows `next` links (bounded). */
export const PAGE_SIZE = 1000;

const DOMAIN_ORDER: DataDomain[] = [
  'patient',
  'conditions',
  'observations',
  'medicationRequests',
  'medicationStatements',
  'medicationAdministrations',
  'procedures',
  'serviceRequests',
  'immunizations',
];

/** Observation kinds whose codes go into the Observation prefetch query. */
const OBSERVATION_KINDS = ['lab', 'observation', 'fish'] as const;

/** Observation.code tokens (`system|code`) of every lab, observation and FISH concept, sorted. */
function observationCodeTokens(terminology: Terminology): string[] {
  const seen = new Set<string>();
  for (const kind of OBSERVATION_KINDS) {
    for (const id of terminology.conceptsOfKind(kind)) {
      for (const { system, code } of terminology.codesFor(id)) {
        // Only Observation.code systems belong in the code filter (not answer or unit systems).
        if (system === 'http://unitsofmeasure.org') continue;
        seen.add(`${system}|${code}`);
      }
    }
  }
  // Sorted so discovery is byte-stable across restarts (Epic analysts copy these strings).
  // `system|code` stays readable (as in FHIR examples); only characters that would break the
  // query string are escaped.
  return [...seen].sort().map((t) => t.replace(/[,&#%\s+]/g, (c) => encodeURIComponent(c)));
}

/** The Observation queries: the code list split over as many queries as keep each within MAX_TEMPLATE_LENGTH. */
function observationTemplates(terminology: Terminology): string[] {
  const head = 'Observation?patient={{context.patientId}}&code=';
  const tail = `&_sort=-date&_count=${PAGE_SIZE}`;
  const templates: string[] = [];
  let codes: string[] = [];
  for (const token of observationCodeTokens(terminology)) {
    if (codes.length > 0 && head.length + [...codes, token].join(',').length + tail.length > MAX_TEMPLATE_LENGTH) {
      templates.push(head + codes.join(',') + tail);
      codes = [];
    }
    codes.push(token);
  }
  if (codes.length > 0) templates.push(head + codes.join(',') + tail);
  return templates;
}

/** FHIR query template(s) per domain. Only `{{context.patientId}}` is used (a root-level primitive token). */
export function prefetchTemplates(domain: DataDomain, terminology: Terminology): string[] {
  const p = 'patient={{context.patientId}}';
  const count = `_count=${PAGE_SIZE}`;
  switch (domain) {
    case 'patient':
      return ['Patient/{{context.patientId}}'];
    case 'conditions':
      return [`Condition?${p}&${count}`];
    case 'observations':
      return observationTemplates(terminology);
    case 'medicationRequests':
      return [`MedicationRequest?${p}&${count}`];
    case 'medicationStatements':
      return [`MedicationStatement?${p}&${count}`];
    case 'medicationAdministrations':
      return [`MedicationAdministration?${p}&${count}`];
    case 'procedures':
      return [`Procedure?${p}&${count}`];
    case 'serviceRequests':
      return [`ServiceRequest?${p}&${count}`];
    case 'immunizations':
      return [`Immunization?${p}&${count}`];
  }
}

/** Prefetch keys of a domain: its name, then `<domain>-2`, `<domain>-3` ... for a split query. */
export function prefetchKeysFor(domain: DataDomain, terminology: Terminology): Record<string, string> {
  return Object.fromEntries(prefetchTemplates(domain, terminology).map((t, i) => [i === 0 ? domain : `${domain}-${i + 1}`, t]));
}

interface ServiceSpec {
  id: string;
  hook: Hook;
  title: string;
  description: string;
}

const SPECS: ServiceSpec[] = [
  {
    id: 'heme-patient-view',
    hook: 'patient-view',
    title: 'Hematology: myeloma diagnosis, staging, response and supportive care',
    description:
      'From the patient record: IMWG classification (MGUS, smouldering, active myeloma, plasmacytoma, plasma cell ' +
      'leukaemia), ISS / R-ISS / IMS-IMWG high-risk staging, response and progression, follow-up, missing ' +
      'prophylaxis and what is missing to know more, per the Norwegian national myeloma guideline ' +
      '(Helsedirektoratet, v1.2 Nov 2025) and, for CML in pregnancy, the DMP ropeginterferon assessment.',
  },
  {
    id: 'heme-order-select',
    hook: 'order-select',
    title: 'Hematology: early advice while selecting orders',
    description:
      'Early, mostly informational advice on the selected draft orders (prophylaxis, dose, timing and pregnancy ' +
      'checks for myeloma and CML drugs), per the Norwegian national myeloma guideline and the DMP assessment.',
  },
  {
    id: 'heme-order-sign',
    hook: 'order-sign',
    title: 'Hematology: safety checks before signing orders',
    description:
      'Safety net before signing: missing mandatory prophylaxis, contraindications (e.g. TKI in pregnancy), dose ' +
      'and timing conflicts (e.g. daratumumab before stem-cell apheresis) for myeloma and CML orders, per the ' +
      'Norwegian guidelines.',
  },
];

export function buildServices(rules: Rule[], terminology: Terminology): ServiceDefinition[] {
  return SPECS.map((spec) => {
    const serviceRules = rules.filter((r) => r.hooks.includes(spec.hook));
    const wanted = new Set(serviceRules.flatMap((r) => r.needs));
    const needs = DOMAIN_ORDER.filter((d) => wanted.has(d));
    const prefetch: Record<string, string> = {};
    const prefetchKeys: Partial<Record<DataDomain, string[]>> = {};
    for (const d of needs) {
      const keys = prefetchKeysFor(d, terminology);
      Object.assign(prefetch, keys);
      prefetchKeys[d] = Object.keys(keys);
    }
    return { ...spec, rules: serviceRules, needs, prefetch, prefetchKeys };
  });
}

/** The discovery document (CDS Hooks 2.0 §Discovery); no empty objects (`prefetch` omitted when empty). */
export function discoveryDocument(services: ServiceDefinition[]): { services: Record<string, unknown>[] } {
  return {
    services: services.map((s) => ({
      hook: s.hook,
      title: s.title,
      description: s.description,
      id: s.id,
      ...(Object.keys(s.prefetch).length > 0 ? { prefetch: s.prefetch } : {}),
      ...(s.usageRequirements ? { usageRequirements: s.usageRequirements } : {}),
    })),
  };
}
