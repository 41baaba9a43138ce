import { readFileSync } from 'node:fs';
import { fromRoot } from '../../src/paths.js';

// fixtures/scenarios.json: for every synthetic patient, the hook calls a clinician would make and
// the cards (topic codes) the catalogue expects. It is the single list of fixture patients: the
// fixture tests, the HTTP scenario tests and the README all read it.

export type Hook = 'patient-view' | 'order-select' | 'order-sign';

/** A draft order, written compactly: a medication by ATC code, or a service by `system|code`. */
export interface DraftSpec {
  atc?: string;
  rxnorm?: string;
  service?: string;
  text: string;
  dose?: { value: number; unit: string };
  /** occurrence (services) or authoredOn (medications); the request time when absent. */
  date?: string;
  status?: string;
}

export interface ScenarioCall {
  hook: Hook;
  drafts?: DraftSpec[];
  /** Topic codes of the cards expected, sorted; `service.data-unavailable` never expected. */
  expect: string[];
  note?: string;
}

export interface PatientScenario {
  summary: string;
  calls: ScenarioCall[];
}

export interface Scenarios {
  now: string;
  patients: Record<string, PatientScenario>;
}

export function loadScenarios(): Scenarios {
  return JSON.parse(readFileSync(fromRoot('fixtures', 'scenarios.json'), 'utf8')) as Scenarios;
}

const ATC = 'http://www.whocc.no/atc';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** The FHIR R4 draft resource an EHR would send for a spec. */
export function draftResource(spec: DraftSpec, index: number, patientId: string, now: string): Record<string, unknown> {
  const id = `draft-${index + 1}`;
  const subject = { reference: `Patient/${patientId}` };
  if (spec.service) {
    const [system, code] = spec.service.split('|');
    return {
      resourceType: 'ServiceRequest',
      id,
      status: spec.status ?? 'draft',
      intent: 'order',
      subject,
      code: { coding: [{ system, code }], text: spec.text },
      occurrenceDateTime: spec.date ?? now,
      authoredOn: now,
    };
  }
  const coding = [
    ...(spec.atc ? [{ system: ATC, code: spec.atc, display: spec.text }] : []),
    ...(spec.rxnorm ? [{ system: RXNORM, code: spec.rxnorm }] : []),
  ];
  return {
    resourceType: 'MedicationRequest',
    id,
    status: spec.status ?? 'draft',
    intent: 'order',
    subject,
    authoredOn: spec.date ?? now,
    medicationCodeableConcept: { coding, text: spec.text },
    ...(spec.dose
      ? { dosageInstruction: [{ text: `${spec.text} ${spec.dose.value} ${spec.dose.unit}`, doseAndRate: [{ doseQuantity: { value: spec.dose.value, unit: spec.dose.unit, system: 'http://unitsofmeasure.org', code: spec.dose.unit } }] }] }
      : {}),
  };
}

export function draftBundle(specs: DraftSpec[], patientId: string, now: string): Record<string, unknown> {
  return { resourceType: 'Bundle', type: 'collection', entry: specs.map((s, i) => ({ resource: draftResource(s, i, patientId, now) })) };
}

const START_MARK = '<!-- scenarios:start (generated from fixtures/scenarios.json by RECORD_SCENARIOS=1 npm test -- test/scenarios) -->';
const END_MARK = '<!-- scenarios:end -->';

function draftText(d: DraftSpec): string {
  const code = d.atc ? `ATC ${d.atc}` : d.service ? `\`${d.service}\`` : '';
  const dose = d.dose ? ` ${d.dose.value} ${d.dose.unit}` : '';
  const when = d.date ? ` on ${d.date}` : '';
  const status = d.status ? ` (${d.status})` : '';
  return `${d.text}${dose}${when}${status} (${code})`;
}

const HOOK_LABEL: Record<Hook, string> = { 'patient-view': 'PV', 'order-select': 'OS', 'order-sign': 'SG' };

/** The fixtures/README.md table of every patient, hook call and expected card. */
export function scenarioMarkdown(s: Scenarios): string {
  const rows = ['| Patient | Scenario | Hook and draft orders | Cards (topic codes) |', '|---|---|---|---|'];
  for (const [id, p] of Object.entries(s.patients)) {
    p.calls.forEach((c, i) => {
      const drafts = (c.drafts ?? []).map(draftText).join('; ');
      const cards = c.expect.length ? c.expect.map((t) => `\`${t}\``).join(', ') : 'no card';
      rows.push(`| ${i === 0 ? `\`${id}\`` : ''} | ${i === 0 ? p.summary.replace(/\|/g, '\\|') : ''} | ${HOOK_LABEL[c.hook]}${drafts ? `: ${drafts}` : ''} | ${cards} |`);
    });
  }
  return `${START_MARK}\n${rows.join('\n')}\n${END_MARK}`;
}

/** Replaces the generated section of a README text. */
export function withScenarioSection(readme: string, section: string): string {
  const a = readme.indexOf(START_MARK);
  const b = readme.indexOf(END_MARK);
  if (a < 0 || b < 0) throw new Error('fixtures/README.md has no scenarios section markers');
  return readme.slice(0, a) + section + readme.slice(b + END_MARK.length);
}

export function scenarioSection(readme: string): string | undefined {
  const a = readme.indexOf(START_MARK);
  const b = readme.indexOf(END_MARK);
  return a < 0 || b < 0 ? undefined : readme.slice(a, b + END_MARK.length);
}
