import type { Finding, Hook, Locale, PatientSnapshot } from '../clinical/types.js';
import { stageIss } from '../clinical/rules/staging/stage-iss.js';
import { vzvProphylaxis } from '../clinical/rules/prophylaxis/vzv-prophylaxis.js';
import {
  condition,
  context,
  daysFrom,
  draftOrder,
  lab,
  labsByConcept,
  medication,
  snapshot,
} from '../clinical/rules/support/snapshot-factory.test-support.js';
import { createDisplayOf, displayUnit, formatDate, formatNumber, inSentence, renderCards, sectionSlug, shortenWhole, truncateSummary, type RenderOptions } from './render.js';
import { loadCardTemplates } from './templates.js';
import type { Card } from './types.js';

const templates = loadCardTemplates();
const LOCALES: Locale[] = ['nb', 'en'];
const BASE = 'http://127.0.0.1:8080/sources';

// Long, realistic displays as a terminology could return them.
const DISPLAYS: Record<string, Record<Locale, string>> = {
  'lab:b2m': { nb: 'S-beta-2-mikroglobulin', en: 'Serum beta-2-microglobulin' },
  'lab:albumin': { nb: 'S-albumin', en: 'Serum albumin' },
  'class:proteasome-inhibitor': { nb: 'Proteasomhemmer', en: 'Proteasome inhibitor' },
  'class:cd38-antibody': { nb: 'CD38-antistoff', en: 'CD38 antibody' },
};
const displayOf = (id: string, locale: Locale): string => DISPLAYS[id]?.[locale] ?? id;

function options(locale: Locale, hook: Hook = 'patient-view'): RenderOptions {
  return { templates, locale, hook, patientId: 'pt-123', sourceBaseUrl: BASE, displayOf };
}

const LONG_DRUG = 'Bortezomib «Fresenius Kabi» 3,5 mg pulver til injeksjonsvæske, oppløsning';
const DX = '2025-01-15T00:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: DX, id: 'mm-1' });

function issSnapshot(b2m?: number, albumin?: number): PatientSnapshot {
  const labs = [];
  if (b2m !== undefined) labs.push(lab('lab:b2m', b2m, 'mg/L', daysFrom(DX, -2), 'obs-b2m'));
  if (albumin !== undefined) labs.push(lab('lab:albumin', albumin, 'g/L', daysFrom(DX, -2), 'obs-alb'));
  return snapshot({ conditions: [myeloma], labs: labsByConcept(...labs) });
}

function findingsOf(rule: { evaluate: (s: PatientSnapshot, c: ReturnType<typeof context>) => Finding[] }, s: PatientSnapshot, hook: Hook): Finding[] {
  const f = rule.evaluate(s, context(hook));
  expect(f.length).toBeGreaterThan(0);
  return f;
}

/** Every finding the two rules can produce, with long realistic values. */
function allCases(): { name: string; hook: Hook; findings: Finding[]; token?: RegExp }[] {
  return [
    { name: 'ISS I', hook: 'patient-view', findings: findingsOf(stageIss, issSnapshot(3.49, 52.25), 'patient-view'), token: /\bISS I\b(?!I)/ },
    { name: 'ISS II', hook: 'patient-view', findings: findingsOf(stageIss, issSnapshot(5.49, 34.99), 'patient-view'), token: /\bISS II\b(?!I)/ },
    { name: 'ISS III', hook: 'patient-view', findings: findingsOf(stageIss, issSnapshot(123.45, 19.75), 'patient-view'), token: /\bISS III\b/ },
    { name: 'ISS not-evaluable', hook: 'patient-view', findings: findingsOf(stageIss, issSnapshot(), 'patient-view') },
    {
      name: 'vzv order-sign',
      hook: 'order-sign',
      findings: findingsOf(vzvProphylaxis, snapshot({ draftOrders: [draftOrder('bortezomib', { display: LONG_DRUG })] }), 'order-sign'),
    },
    {
      name: 'vzv patient-view, two drugs',
      hook: 'patient-view',
      findings: findingsOf(
        vzvProphylaxis,
        snapshot({ medications: [medication('carfilzomib'), medication('daratumumab', { display: 'Darzalex 1800 mg injeksjonsvæske' })] }),
        'patient-view',
      ),
    },
    {
      name: 'vzv not-evaluable',
      hook: 'order-sign',
      findings: findingsOf(
        vzvProphylaxis,
        snapshot({ draftOrders: [draftOrder('bortezomib', { display: LONG_DRUG })], unavailable: ['medicationRequests', 'medicationStatements'] }),
        'order-sign',
      ),
    },
    {
      name: 'service.data-unavailable',
      hook: 'patient-view',
      findings: [serviceFinding()],
    },
  ];
}

/** The finding the protocol layer builds from the engine's `skipped` list. */
function serviceFinding(): Finding {
  return {
    ruleId: 'service.data-unavailable',
    outcome: 'fired',
    subject: 'patient',
    variant: 'default',
    params: { domains: 'prøvesvar og observasjoner, legemiddelforordninger', rules: 'ISS-stadium, Profylakse mot herpes zoster (valaciklovir)' },
    values: [],
    missing: ['domain:observations', 'domain:medicationRequests'],
  };
}

/** Paths of every null, undefined, "", [] or {} in a JSON value. */
function emptyValues(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined || value === '') return [path];
  if (Array.isArray(value)) {
    if (value.length === 0) return [path];
    return value.flatMap((v, i) => emptyValues(v, `${path}[${i}]`));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [path];
    return entries.flatMap(([k, v]) => emptyValues(v, `${path}.${k}`));
  }
  return [];
}

function single(cards: Card[]): Card {
  expect(cards).toHaveLength(1);
  return cards[0] as Card;
}

describe('renderCards', () => {
  describe.each(LOCALES)('every card in %s', (locale) => {
    it.each(allCases().map((c) => [c.name, c] as const))('%s: conformant card', (_name, c) => {
      const cards = renderCards(c.findings, options(locale, c.hook));
      for (const card of cards) {
        expect(card.summary.length).toBeLessThan(140);
        expect(card.summary).not.toContain('…');
        expect(card.summary).not.toContain('?');
        expect(card.detail ?? '').not.toMatch(/(^|[^\\])<\/?[A-Za-z]/);
        expect(card.detail ?? '').not.toContain('{');
        expect(emptyValues(JSON.parse(JSON.stringify(card)))).toEqual([]);
        expect(emptyValues(card)).toEqual([]);
        expect(card.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(['info', 'warning', 'critical']).toContain(card.indicator);
        expect(card.source.label.length).toBeGreaterThan(0);
        expect(card.source.topic?.system).toBe('urn:heme-cds:rule');
        if (c.token) expect(card.summary).toMatch(c.token);
        for (const s of card.suggestions ?? []) {
          expect(card.selectionBehavior).toBe('any');
          expect(s.actions).toHaveLength(1);
          expect(s.label).not.toContain('{');
          expect(s.actions?.[0]?.description).not.toContain('{');
          expect(JSON.stringify(s.actions?.[0]?.resource ?? {})).not.toMatch(/\{[A-Za-z]+\}|"\?"/);
        }
        for (const r of card.overrideReasons ?? []) expect(r.display).toBeTruthy();
      }
    });
  });

  describe('stage-iss cards', () => {
    it('renders ISS I in Norwegian with decimal comma, values, criteria, quote and proposal', () => {
      const card = single(renderCards(stageIss.evaluate(issSnapshot(3.49, 35), context('patient-view')), options('nb')));
      expect(card.summary).toBe('Myelomatose ISS I (β2M 3,49 mg/L, albumin 35 g/L)');
      expect(card.indicator).toBe('info');
      expect(card.source).toEqual({
        label: 'Handlingsprogram myelomatose: Internasjonalt prognostisk stadium (ISS)',
        url: `${BASE}/003#internasjonalt-prognostisk-stadium-iss`,
        topic: { system: 'urn:heme-cds:rule', code: 'stage-iss', display: 'ISS-stadium' },
      });
      const detail = card.detail ?? '';
      expect(detail).toContain('- S-beta-2-mikroglobulin: 3,49 mg/L (2025-01-13; Observation/obs-b2m)');
      expect(detail).toContain('- S-albumin: 35 g/L (2025-01-13; Observation/obs-alb)');
      expect(detail).toContain('- Diagnose: cond:multiple-myeloma (2025-01-15; Condition/mm-1)');
      expect(detail).toContain('**Kriterier oppfylt:**\n\n- S-β2-mikroglobulin < 3,5 mg/L\n- S-albumin ≥ 35 g/L');
      expect(detail).toContain('**Kriterier ikke oppfylt:**\n\n- S-β2-mikroglobulin ≥ 5,5 mg/L');
      expect(detail).toContain('**Forslag (ikke fra kilden');
      expect(detail).toContain('**Kilde:** Handlingsprogram myelomatose, «Internasjonalt prognostisk stadium (ISS)»');
      expect(detail).toContain('> «Stadium I S-β2 mikroglobulin <3,5 mg/L og S-albumin ≥35 g/L');
      expect(card.suggestions).toBeUndefined();
      expect(card.overrideReasons).toBeUndefined();
    });

    it('renders ISS II and III in English with a decimal point', () => {
      const ii = single(renderCards(stageIss.evaluate(issSnapshot(4.256, 38.1), context('patient-view')), options('en')));
      expect(ii.summary).toBe('Myeloma ISS II (β2M 4.26 mg/L, albumin 38.1 g/L)');
      expect(ii.detail).toContain('**Proposal (not from the source');
      expect(ii.source.label).toBe('Norwegian myeloma guideline: Internasjonalt prognostisk stadium (ISS)');
      const iii = single(renderCards(stageIss.evaluate(issSnapshot(5.5), context('patient-view')), options('en')));
      expect(iii.summary).toBe('Myeloma ISS III (β2M 5.5 mg/L)');
    });

    it('renders not-evaluable with the missing tests and a ServiceRequest per test', () => {
      for (const locale of LOCALES) {
        const card = single(renderCards(stageIss.evaluate(issSnapshot(), context('patient-view')), options(locale)));
        expect(card.source.topic?.code).toBe('stage-iss.not-evaluable');
        expect(card.indicator).toBe('info');
        // Named inside a sentence: lower-case first letter (acronyms kept).
        const names = [DISPLAYS['lab:b2m']?.[locale], DISPLAYS['lab:albumin']?.[locale]].map((n) => inSentence(n ?? '')).join(', ');
        expect(card.summary).toBe(locale === 'nb' ? `Kan ikke vurdere ISS-stadium: mangler ${names}` : `Cannot evaluate ISS stage: missing ${names}`);
        expect(card.detail).toContain(locale === 'nb' ? `**Mangler:** ${names}` : `**Missing:** ${names}`);
        expect(card.selectionBehavior).toBe('any');
        const resources = (card.suggestions ?? []).map((s) => s.actions?.[0]?.resource);
        expect(resources).toEqual([
          {
            resourceType: 'ServiceRequest',
            status: 'draft',
            intent: 'order',
            subject: { reference: 'Patient/pt-123' },
            code: { coding: [{ system: 'http://loinc.org', code: '1952-1' }], text: DISPLAYS['lab:b2m']?.[locale] },
          },
          {
            resourceType: 'ServiceRequest',
            status: 'draft',
            intent: 'order',
            subject: { reference: 'Patient/pt-123' },
            code: { coding: [{ system: 'http://loinc.org', code: '1751-7' }], text: DISPLAYS['lab:albumin']?.[locale] },
          },
        ]);
        expect(card.suggestions?.[0]?.label).toBe(locale === 'nb' ? 'Bestill S-beta-2-mikroglobulin' : 'Order serum beta-2-microglobulin');
        expect(card.suggestions?.[0]?.actions?.[0]?.type).toBe('create');
      }
    });
  });

  describe('vzv-prophylaxis cards', () => {
    const signFindings = (): Finding[] =>
      vzvProphylaxis.evaluate(snapshot({ draftOrders: [draftOrder('bortezomib', { id: 'rx-1' })] }), context('order-sign'));

    it('names the drug in the summary, in both languages', () => {
      expect(single(renderCards(signFindings(), options('nb', 'order-sign'))).summary).toBe(
        'Bortezomib: mangler profylakse mot herpes zoster (valaciklovir 250 mg x 2)',
      );
      expect(single(renderCards(signFindings(), options('en', 'order-sign'))).summary).toBe(
        'Bortezomib: no herpes zoster prophylaxis (valaciclovir 250 mg twice daily)',
      );
    });

    it('is a warning on order-sign and info on order-select (finding indicator wins over the template)', () => {
      expect(single(renderCards(signFindings(), options('nb', 'order-sign'))).indicator).toBe('warning');
      const select = vzvProphylaxis.evaluate(snapshot({ draftOrders: [draftOrder('bortezomib')] }), context('order-select'));
      expect(single(renderCards(select, options('nb', 'order-select'))).indicator).toBe('info');
    });

    it('suggests a well-formed R4 MedicationRequest for valaciclovir 250 mg twice daily', () => {
      const card = single(renderCards(signFindings(), options('en', 'order-sign')));
      expect(card.selectionBehavior).toBe('any');
      const suggestion = card.suggestions?.[0];
      expect(card.suggestions).toHaveLength(1);
      expect(suggestion?.isRecommended).toBe(true);
      expect(suggestion?.label).toBe('Order valaciclovir 250 mg orally twice daily');
      expect(suggestion?.actions).toHaveLength(1);
      const action = suggestion?.actions?.[0];
      expect(action?.type).toBe('create');
      expect(action?.description).toBe('Create a medication order: valaciclovir 250 mg by mouth twice daily');
      const mr = action?.resource as unknown as Record<string, unknown> & {
        medicationCodeableConcept: { coding: { system: string; code: string }[]; text: string };
        dosageInstruction: {
          text: string;
          timing: { repeat: { frequency: number; period: number; periodUnit: string } };
          route: { coding: { system: string; code: string; display: string }[] };
          doseAndRate: { doseQuantity: { value: number; unit: string; system: string; code: string } }[];
        }[];
      };
      expect(mr.resourceType).toBe('MedicationRequest');
      expect(mr.status).toBe('draft');
      expect(mr.intent).toBe('order');
      expect(mr.subject).toEqual({ reference: 'Patient/pt-123' });
      expect(mr.medicationCodeableConcept.coding).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ system: 'http://www.whocc.no/atc', code: 'J05AB11' }),
          expect.objectContaining({ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '73645' }),
        ]),
      );
      // An English card creates an English resource text (issue 12 §2).
      expect(mr.medicationCodeableConcept.text).toBe('Valaciclovir 250 mg');
      const dosage = mr.dosageInstruction[0];
      expect(dosage?.text).toBeTruthy();
      expect(dosage?.timing.repeat).toEqual({ frequency: 2, period: 1, periodUnit: 'd' });
      expect(dosage?.route.coding[0]).toEqual({ system: 'http://snomed.info/sct', code: '26643006', display: 'Oral route' });
      expect(dosage?.doseAndRate[0]?.doseQuantity).toEqual({ value: 250, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
    });

    it('deep-clones the suggested resource (the template is never mutated)', () => {
      const before = JSON.stringify(templates.get('vzv-prophylaxis'));
      const a = single(renderCards(signFindings(), { ...options('en', 'order-sign'), patientId: 'p-a' }));
      const b = single(renderCards(signFindings(), { ...options('en', 'order-sign'), patientId: 'p-b' }));
      const resA = a.suggestions?.[0]?.actions?.[0]?.resource;
      const resB = b.suggestions?.[0]?.actions?.[0]?.resource;
      expect(resA?.subject).toEqual({ reference: 'Patient/p-a' });
      expect(resB?.subject).toEqual({ reference: 'Patient/p-b' });
      expect(resA?.dosageInstruction).not.toBe(resB?.dosageInstruction);
      expect(JSON.stringify(templates.get('vzv-prophylaxis'))).toBe(before);
    });

    it('carries the override reasons as Codings in the card language', () => {
      const nb = single(renderCards(signFindings(), options('nb', 'order-sign')));
      expect(nb.overrideReasons?.map((r) => r.code)).toEqual([
        'already-prescribed-elsewhere',
        'contraindicated',
        'patient-declined',
        'clinical-judgement',
      ]);
      expect(nb.overrideReasons?.[2]).toEqual({ code: 'patient-declined', system: 'urn:heme-cds:override-reason', display: 'Pasienten ønsker ikke' });
      const en = single(renderCards(signFindings(), options('en', 'order-sign')));
      expect(en.overrideReasons?.[2]?.display).toBe('Patient declined');
    });

    it('renders the medication-list-unavailable warning', () => {
      const findings = vzvProphylaxis.evaluate(
        snapshot({ draftOrders: [draftOrder('daratumumab')], unavailable: ['medicationRequests'] }),
        context('order-sign'),
      );
      const card = single(renderCards(findings, options('en', 'order-sign')));
      expect(card.summary).toBe('Daratumumab: medication list unavailable, zoster prophylaxis not checked');
      expect(card.indicator).toBe('warning');
      expect(card.source.topic?.code).toBe('vzv-prophylaxis.not-evaluable');
      expect(card.detail).toContain('Data could not be obtained (medication orders)');
      expect(card.suggestions).toBeUndefined();
      expect(card.source.url).toBe(`${BASE}/003#ovrig-infeksjonsprofylakse`);
    });

    it('escapes record text in the detail (no markdown or HTML injection)', () => {
      const findings = vzvProphylaxis.evaluate(
        snapshot({ draftOrders: [draftOrder('bortezomib', { display: '<img src=x onerror=alert(1)> *Bortezomib*' })] }),
        context('order-sign'),
      );
      const card = single(renderCards(findings, options('en', 'order-sign')));
      expect(card.detail).toContain('\\<img src=x onerror=alert(1)\\> \\*Bortezomib\\*');
      expect(card.detail).not.toMatch(/(^|[^\\])<img/);
      // The summary is plain text, shown as such by clients.
      expect(card.summary.startsWith('<img src=x onerror=alert(1)> *Bortezomib*:')).toBe(true);
    });
  });

  describe('service.data-unavailable card', () => {
    it('renders the finding the protocol layer builds', () => {
      const card = single(renderCards([serviceFinding()], options('nb')));
      expect(card.summary).toBe('Noen kontroller kunne ikke utføres: data utilgjengelig');
      expect(card.indicator).toBe('info');
      expect(card.source).toEqual({
        label: 'heme-cds',
        url: 'http://127.0.0.1:8080/sources#service',
        topic: { system: 'urn:heme-cds:rule', code: 'service.data-unavailable', display: 'Data utilgjengelig' },
      });
      expect(card.detail).toContain('Data som ikke kunne hentes: prøvesvar og observasjoner, legemiddelforordninger.');
      expect(card.detail).toContain('Kontroller som ikke ble utført (manglende data eller intern feil): ISS-stadium, Profylakse mot herpes zoster (valaciklovir).');
      const en = single(renderCards([serviceFinding()], options('en')));
      expect(en.summary).toBe('Some checks could not be run: data unavailable');
    });
  });

  describe('merging, ordering and identity', () => {
    it('merges findings of the same rule, outcome and subject (union of values, missing and suggestions)', () => {
      const base: Finding = {
        ruleId: 'stage-iss',
        outcome: 'not-evaluable',
        subject: 'patient',
        variant: 'default',
        params: {},
        values: [{ concept: 'lab:albumin', value: 40, unit: 'g/L', date: new Date(DX) }],
        missing: ['lab:b2m'],
        suggestions: [{ template: 'order-lab', params: { concept: 'lab:b2m', loinc: '1952-1' } }],
      };
      const other: Finding = {
        ...base,
        values: [...base.values, { concept: 'lab:b2m', value: 9, unit: 'mg/L', date: new Date('2020-01-01') }],
        missing: ['lab:b2m', 'lab:albumin'],
        suggestions: [
          { template: 'order-lab', params: { loinc: '1952-1', concept: 'lab:b2m' } },
          { template: 'order-lab', params: { concept: 'lab:albumin', loinc: '1751-7' } },
        ],
      };
      const card = single(renderCards([base, other], options('en')));
      expect(card.summary).toBe('Cannot evaluate ISS stage: missing serum beta-2-microglobulin, serum albumin');
      expect(card.suggestions?.map((s) => s.actions?.[0]?.resource?.code)).toEqual([
        { coding: [{ system: 'http://loinc.org', code: '1952-1' }], text: 'Serum beta-2-microglobulin' },
        { coding: [{ system: 'http://loinc.org', code: '1751-7' }], text: 'Serum albumin' },
      ]);
      expect((card.detail ?? '').match(/- Serum albumin: 40 g\/L/g)).toHaveLength(1);
      expect(card.detail).toContain('- Serum beta-2-microglobulin: 9 mg/L (2020-01-01)');
    });

    it('keeps separate cards per subject and per outcome', () => {
      const findings = vzvProphylaxis.evaluate(
        snapshot({ draftOrders: [draftOrder('bortezomib', { id: 'a' }), draftOrder('daratumumab', { id: 'b' })] }),
        context('order-sign'),
      );
      const cards = renderCards([...findings, ...findings], options('nb', 'order-sign'));
      expect(cards.map((c) => c.summary.split(':')[0])).toEqual(['Bortezomib', 'Daratumumab']);
    });

    it('merging takes the most severe indicator', () => {
      const [f] = vzvProphylaxis.evaluate(snapshot({ draftOrders: [draftOrder('bortezomib')] }), context('order-select'));
      const info = f as Finding;
      const card = single(renderCards([info, { ...info, indicator: 'critical' }], options('en', 'order-select')));
      expect(card.indicator).toBe('critical');
    });

    it('orders critical, warning, info and keeps finding order within an indicator', () => {
      const iss = stageIss.evaluate(issSnapshot(6), context('patient-view'));
      const vzv = vzvProphylaxis.evaluate(snapshot({ medications: [medication('bortezomib')] }), context('patient-view'));
      const critical: Finding = { ...(vzv[0] as Finding), subject: 'MedicationRequest/x', indicator: 'critical' };
      const cards = renderCards([serviceFinding(), ...iss, ...vzv, critical], options('en'));
      expect(cards.map((c) => `${c.indicator}:${c.source.topic?.code}`)).toEqual([
        'critical:vzv-prophylaxis',
        'warning:vzv-prophylaxis',
        'info:service.data-unavailable',
        'info:stage-iss',
      ]);
    });

    it('gives every card and suggestion a fresh unique uuid', () => {
      const findings = stageIss.evaluate(issSnapshot(), context('patient-view'));
      const vzv = vzvProphylaxis.evaluate(snapshot({ draftOrders: [draftOrder('bortezomib', { id: 'a' }), draftOrder('daratumumab', { id: 'b' })] }), context('order-sign'));
      const ids = [1, 2].flatMap(() =>
        renderCards([...findings, ...vzv], options('nb')).flatMap((c) => [c.uuid, ...(c.suggestions ?? []).map((s) => s.uuid)]),
      );
      expect(ids).toHaveLength(2 * (3 + 2 + 2));
      expect(ids.every((id) => typeof id === 'string')).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('throws for a finding whose rule has no card template', () => {
      const f: Finding = { ruleId: 'no-such-rule', outcome: 'fired', subject: 'patient', variant: 'default', params: {}, values: [], missing: [] };
      expect(() => renderCards([f], options('en'))).toThrow('no card template for rule no-such-rule');
    });

    it('returns no cards for no findings', () => {
      expect(renderCards([], options('en'))).toEqual([]);
    });
  });
});

describe('formatting helpers', () => {
  it('formats numbers per locale with at most two decimals and no trailing zeros', () => {
    expect(formatNumber(3.5, 'nb')).toBe('3,5');
    expect(formatNumber(3.5, 'en')).toBe('3.5');
    expect(formatNumber(35, 'nb')).toBe('35');
    expect(formatNumber(35.0, 'en')).toBe('35');
    expect(formatNumber(4.256, 'en')).toBe('4.26');
    expect(formatNumber(3.495, 'en')).toBe('3.5');
    expect(formatNumber(0.1 + 0.2, 'nb')).toBe('0,3');
    expect(formatNumber(1234.5, 'nb')).toBe('1234,5');
    expect(formatNumber(-0.001, 'en')).toBe('0');
    expect(formatNumber(0.004, 'en')).toBe('0');
  });

  it('formats dates as YYYY-MM-DD on the clinical day (Europe/Oslo by default)', () => {
    expect(formatDate(new Date('2025-03-09T22:10:00Z'))).toBe('2025-03-09');
    expect(formatDate(new Date('2025-03-09T23:10:00Z'))).toBe('2025-03-10'); // 00:10 in Oslo
    expect(formatDate(new Date('invalid'))).toBeUndefined();
  });

  it('slugs sections for the /sources anchors', () => {
    expect(sectionSlug('Internasjonalt prognostisk stadium (ISS)')).toBe('internasjonalt-prognostisk-stadium-iss');
    expect(sectionSlug('Øvrig infeksjonsprofylakse')).toBe('ovrig-infeksjonsprofylakse');
    expect(sectionSlug('Særlig anbefaling for HMAS, CAR-T og bispesifikke antistoffer:')).toBe(
      'saerlig-anbefaling-for-hmas-car-t-og-bispesifikke-antistoffer',
    );
    expect(sectionSlug('Stamcellehøsting')).toBe('stamcellehosting');
    expect(sectionSlug('Nivåer og rekkefølge på utredning')).toBe('nivaer-og-rekkefolge-pa-utredning');
    expect(sectionSlug('Tabell 8.2 Definisjon av responskategorier')).toBe('tabell-8-2-definisjon-av-responskategorier');
    expect(sectionSlug('Réponse ÆØÅ')).toBe('reponse-aeoa');
  });

  it('truncates an over-long summary safely, as a last resort', () => {
    const long = 'Bortezomib '.repeat(20) + '😀 end';
    const cut = truncateSummary(long);
    expect(cut.length).toBeLessThanOrEqual(139);
    expect(cut.endsWith('…')).toBe(true);
    const emoji = truncateSummary('a'.repeat(137) + '😀😀');
    expect(emoji.length).toBeLessThanOrEqual(139);
    expect(emoji).toBe('a'.repeat(137) + '…');
    expect(truncateSummary('short')).toBe('short');
  });

  it('truncates a summary filled with an extreme record value instead of breaking the card', () => {
    const findings = vzvProphylaxis.evaluate(
      snapshot({ draftOrders: [draftOrder('bortezomib', { display: 'Bortezomib '.repeat(30) })] }),
      context('order-sign'),
    );
    const card = single(renderCards(findings, options('en', 'order-sign')));
    expect(card.summary.length).toBeLessThan(140);
    // The record value is shortened, the advice stays whole.
    expect(card.summary).toMatch(/^Bortezomib Bortezomib .*…: no herpes zoster prophylaxis \(valaciclovir 250 mg twice daily\)$/);
  });

  it('shortens a long missing list to fit the summary', () => {
    const f: Finding = {
      ruleId: 'stage-iss',
      outcome: 'not-evaluable',
      subject: 'patient',
      variant: 'default',
      params: {},
      values: [],
      missing: Array.from({ length: 40 }, (_, i) => `lab:test-${i}`),
    };
    const card = single(renderCards([f], options('en')));
    expect(card.summary.length).toBeLessThan(140);
    expect(card.summary.startsWith('Cannot evaluate ISS stage: missing lab:test-0, lab:test-1')).toBe(true);
    // Whole items are left out and counted: no datum is cut in the middle.
    expect(card.summary).toMatch(/, lab:test-\d+ \+\d+$/);
  });
});

describe('text as people read it (issue 12 §3)', () => {
  it('writes units as people write them, not as UCUM codes', () => {
    expect(displayUnit('umol/L')).toBe('µmol/L');
    expect(displayUnit('mL/min/{1.73_m2}')).toBe('mL/min/1.73 m²');
    expect(displayUnit('10*9/L')).toBe('×10⁹/L');
    expect(displayUnit('10*6/L')).toBe('×10⁶/L');
    expect(displayUnit('mg/(24.h)')).toBe('mg/24 h');
    expect(displayUnit('[IU]/mL')).toBe('IU/mL');
    expect(displayUnit('ug/L')).toBe('µg/L');
    expect(displayUnit('mg/m2')).toBe('mg/m²');
    expect(displayUnit('g/L')).toBe('g/L');
    expect(displayUnit('mmol/L')).toBe('mmol/L');
  });

  it('never cuts a drug name: lists lose whole items, single values whole words', () => {
    const drugs = 'Daratumumab, Lenalidomid, Bortezomib, Karfilzomib, Pomalidomid';
    const short = shortenWhole(drugs, 30);
    expect(short).toBe('Daratumumab, Lenalidomid +3');
    for (const name of short.replace(/ \+\d+$/, '').split(', ')) expect(drugs.split(', ')).toContain(name);
    expect(shortenWhole('Zoledronsyre 4 mg/100 ml infusjonsvæske', 20)).toBe('Zoledronsyre 4…');
    expect(shortenWhole('Daratumumab', 40)).toBe('Daratumumab');
  });

  it('names a datum inside a sentence without a capital, and keeps acronyms', () => {
    expect(inSentence('Vaksine')).toBe('vaksine');
    expect(inSentence('Serum M-protein')).toBe('serum M-protein');
    expect(inSentence('HBsAg')).toBe('HBsAg');
    expect(inSentence('NT-proBNP')).toBe('NT-proBNP');
    expect(inSentence('eGFR')).toBe('eGFR');
  });
});

describe('createDisplayOf', () => {
  const templates = loadCardTemplates();
  const displayOf = createDisplayOf(templates, { display: (id, locale) => `${id}@${locale}` });
  it('names data domains, rules by their card title, and everything else by the terminology', () => {
    expect(displayOf('domain:observations', 'nb')).toBe('prøvesvar og observasjoner');
    expect(displayOf('domain:observations', 'en')).toBe('lab results and observations');
    expect(displayOf('domain:unknown', 'en')).toBe('unknown');
    expect(displayOf('rule:stage-iss', 'nb')).toBe('ISS-stadium');
    expect(displayOf('rule:no-such-rule', 'en')).toBe('no-such-rule');
    expect(displayOf('lab:b2m', 'en')).toBe('lab:b2m@en');
  });
});
