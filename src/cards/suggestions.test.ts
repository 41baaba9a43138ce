import { validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { normaliseUnit } from '../clinical/units.js';
import type { Finding, Locale } from '../clinical/types.js';
import { loadTerminology } from '../clinical/terminology/concepts.js';
import { createDisplayOf, renderCards } from './render.js';
import { loadCardTemplates, placeholdersIn, type CardTemplate } from './templates.js';
import type { FhirResourceJson } from './types.js';
import { ensureFhirDefinitionsIndexed } from '../demo-fhir/definitions.js';

// Issue 12 §2: what a clinician accepts with one click must be right. Every suggestion of every card
// file, rendered in both languages with realistic parameters, must create a valid R4 resource with
// valid UCUM units, coded medications (co-trimoxazole as the combination), draft status for what it
// creates, and texts in the card's language.
const templates = loadCardTemplates();
const displayOf = createDisplayOf(templates, loadTerminology());

const SAMPLE: Record<string, string> = {
  loinc: '1952-1',
  concept: 'lab:b2m',
  earliestDate: '2026-12-01',
  status: 'draft',
  drug: 'Daratumumab',
  dose: '20',
};

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ATC = 'http://www.whocc.no/atc';
/** Words that only a Norwegian text has (an English card must not create them). */
const NORWEGIAN = /[æøåÆØÅ]|\b(og|peroralt|daglig|ganger|timer|før|etter|uten|hver|henvisning|rekvisisjon|benmarg\w*|dråpe)\b/i;

interface Rendered {
  rule: string;
  suggestion: string;
  locale: Locale;
  type: string;
  resource?: FhirResourceJson;
}

function render(t: CardTemplate, key: string, locale: Locale): Rendered[] {
  const outcome = t.outcomes.fired ? 'fired' : 'not-evaluable';
  const variants = t.outcomes[outcome]?.variants ?? {};
  const resource = t.suggestions?.[key]?.action.resource;
  const params: Record<string, string> = {};
  for (const name of placeholdersIn(JSON.stringify(resource ?? {}))) if (name !== 'patientId' && name !== 'conceptDisplay') params[name] = SAMPLE[name] ?? `x-${name}`;
  const finding: Finding = {
    ruleId: t.ruleId,
    outcome,
    subject: 'patient',
    variant: Object.keys(variants)[0] ?? 'default',
    params: {},
    values: [],
    missing: [],
    suggestions: [{ template: key, params: { ...params, concept: params.concept ?? 'lab:b2m' }, targetRef: 'MedicationRequest/draft-1' }],
  };
  const cards = renderCards([finding], { templates, locale, hook: 'order-sign', patientId: 'pt-1', sourceBaseUrl: 'http://cds.test/sources', displayOf });
  return cards.flatMap((c) => c.suggestions ?? []).flatMap((s) => (s.actions ?? []).map((a) => ({ rule: t.ruleId, suggestion: key, locale, type: a.type, ...(a.resource ? { resource: a.resource } : {}) })));
}

const all: Rendered[] = templates
  .all()
  .flatMap((t) => Object.keys(t.suggestions ?? {}).flatMap((key) => (['nb', 'en'] as const).flatMap((locale) => render(t, key, locale))));
const withResource = all.filter((r): r is Rendered & { resource: FhirResourceJson } => r.resource !== undefined);

function strings(value: unknown, path = ''): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

function quantities(value: unknown): { system?: string; code?: string; unit?: string }[] {
  if (Array.isArray(value)) return value.flatMap(quantities);
  if (value === null || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const own = o.system === 'http://unitsofmeasure.org' ? [o as { system?: string; code?: string; unit?: string }] : [];
  return [...own, ...Object.values(o).flatMap(quantities)];
}

const label = (r: Rendered) => `${r.rule}/${r.suggestion}/${r.locale}`;

describe('suggested resources (every card file, both languages)', () => {
  it('covers every suggestion of every card file', () => {
    const count = templates.all().reduce((n, t) => n + Object.keys(t.suggestions ?? {}).length, 0);
    expect(count).toBeGreaterThan(60);
    expect(all.length).toBe(count * 2);
    expect(withResource.length).toBeGreaterThan(100);
  });

  it('fills every placeholder: no "?" or "{name}" left in a resource', () => {
    for (const r of withResource) {
      const bad = strings(r.resource).filter((s) => s.value.includes('?') || /\{[A-Za-z][A-Za-z0-9]*\}/.test(s.value));
      expect({ at: label(r), bad }).toEqual({ at: label(r), bad: [] });
    }
  });

  it('uses valid UCUM codes only', () => {
    let checked = 0;
    for (const r of withResource) {
      for (const q of quantities(r.resource)) {
        checked++;
        expect({ at: label(r), code: q.code, valid: q.code !== undefined && normaliseUnit(q.code) === q.code }).toEqual({ at: label(r), code: q.code, valid: true });
      }
    }
    expect(checked).toBeGreaterThan(20);
    // A UCUM annotation such as {tbl} reads as a placeholder and would be filled: codes are literal.
    for (const t of templates.all()) {
      for (const [key, sg] of Object.entries(t.suggestions ?? {})) {
        for (const q of quantities(sg.action.resource)) expect({ at: `${t.ruleId}/${key}`, literal: !String(q.code).includes('{') }).toEqual({ at: `${t.ruleId}/${key}`, literal: true });
      }
    }
  });

  it('creates orders and referrals as draft', () => {
    for (const r of withResource.filter((x) => x.type === 'create')) {
      expect({ at: label(r), status: r.resource.status }).toEqual({ at: label(r), status: 'draft' });
    }
  });

  it('codes every medication it creates (no text-only drug, e.g. NaCl)', () => {
    for (const r of withResource.filter((x) => x.resource.resourceType === 'MedicationRequest')) {
      const coding = (r.resource.medicationCodeableConcept as { coding?: unknown[] } | undefined)?.coding ?? [];
      expect({ at: label(r), coded: coding.length > 0 }).toEqual({ at: label(r), coded: true });
    }
  });

  it('codes co-trimoxazole as the combination (ATC J01EE01, RxNorm 10831), never as one ingredient', () => {
    const cotrim = withResource.filter((r) =>
      ((r.resource.medicationCodeableConcept as { coding?: { system: string; code: string }[] } | undefined)?.coding ?? []).some((c) => c.system === ATC && c.code === 'J01EE01'),
    );
    expect(cotrim.length).toBeGreaterThan(0);
    for (const r of cotrim) {
      const rx = ((r.resource.medicationCodeableConcept as { coding: { system: string; code: string }[] }).coding ?? []).filter((c) => c.system === RXNORM).map((c) => c.code);
      expect({ at: label(r), rx }).toEqual({ at: label(r), rx: ['10831'] });
    }
  });

  it('writes the texts of a created resource in the card language', () => {
    for (const r of withResource.filter((x) => x.locale === 'en')) {
      const norwegian = strings(r.resource).filter((s) => !s.path.endsWith('display') && !s.path.endsWith('reference') && NORWEGIAN.test(s.value));
      expect({ at: label(r), norwegian }).toEqual({ at: label(r), norwegian: [] });
    }
    const nb = withResource.find((r) => r.rule === 'vzv-prophylaxis' && r.locale === 'nb');
    expect(JSON.stringify(nb?.resource)).toContain('peroralt');
  });

  it('creates valid R4 resources (Medplum validator)', async () => {
    await ensureFhirDefinitionsIndexed();
    for (const r of withResource) {
      let errors: string[];
      try {
        errors = validateResource(r.resource as unknown as Resource)
          .filter((i) => i.severity === 'error' || i.severity === 'fatal')
          .map((i) => i.diagnostics ?? '');
      } catch (err) {
        errors = [(err as Error).message];
      }
      expect({ at: label(r), errors }).toEqual({ at: label(r), errors: [] });
    }
  });
});
