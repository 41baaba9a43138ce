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
  /** Prefetch key -> FHIR query template; the key is the domain name. */
  prefetch: Record<string, string>;
}

const DOMAIN_ORDER: DataDomain[] = [
  'patient',
  'conditions',
  'observations',
  'medicationRequests',
  'medicationStatements',
  'medicationAdministrations',
  'procedures',
  'serviceRequests',
];

/** Observation kinds whose codes go into the Observation prefetch query. */
const OBSERVATION_KINDS = ['lab', 'observation', 'fish'] as const;

function observationCodeParam(terminology: Terminology): string {
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
  return [...seen]
    .sort()
    .map((t) => t.replace(/[,&#%\s+]/g, (c) => encodeURIComponent(c)))
    .join(',');
}

/** FHIR query template per domain. Only `{{context.patientId}}` is used (a root-level primitive token). */
export function prefetchTemplate(domain: DataDomain, terminology: Terminology): string {
  const p = 'patient={{context.patientId}}';
  switch (domain) {
    case 'patient':
      return 'Patient/{{context.patientId}}';
    case 'conditions':
      return `Condition?${p}`;
    case 'observations':
      return `Observation?${p}&code=${observationCodeParam(terminology)}&_sort=-date&_count=1000`;
    case 'medicationRequests':
      return `MedicationRequest?${p}&_count=1000`;
    case 'medicationStatements':
      return `MedicationStatement?${p}&_count=1000`;
    case 'medicationAdministrations':
      return `MedicationAdministration?${p}&_count=1000`;
    case 'procedures':
      return `Procedure?${p}&_count=1000`;
    case 'serviceRequests':
      return `ServiceRequest?${p}&_count=1000`;
  }
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
    for (const d of needs) prefetch[d] = prefetchTemplate(d, terminology);
    return { ...spec, rules: serviceRules, needs, prefetch };
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
