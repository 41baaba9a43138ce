import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { CodedObservation, ConditionEntry, Finding, Hook, LabValue, PatientSnapshot, ProcedureEntry } from '../../types.js';
import { renderBoth } from '../support/render.test-support.js';
import { fixtureSnapshot as loadFixture } from '../support/fixture-snapshot.test-support.js';
import { C, ITEM, determineLevel, workupLevel } from './workup-level.js';
import {
  coded,
  codedByConcept,
  condition,
  context,
  daysFrom,
  draftProcedure,
  lab,
  labsByConcept,
  medication,
  procedure,
  snapshot,
} from '../support/snapshot-factory.test-support.js';

// These rules read conditions, observations and procedures only.
const fixtureSnapshot = (name: string, now: Date, drafts: unknown[] = []): PatientSnapshot =>
  loadFixture(name, now, drafts, { types: ['Condition', 'Observation', 'Procedure'] });

const DX = '2025-05-01T00:00:00Z';
const mgus = condition('cond:mgus', { onset: DX, id: 'mgus' });
const isotype = (...answers: string[]): CodedObservation => coded('obs:mprotein-isotype', answers.map((a) => `answer:isotype-${a}`), DX);
const symptoms = (yes: boolean, when: Date | string = DX): CodedObservation => coded('obs:suspected-related-symptoms', [yes ? 'answer:present' : 'answer:absent'], when);
const m = (v: number): LabValue => lab('lab:mprotein', v, 'g/L', DX);
const ratio = (v: number): LabValue => lab('lab:flc-ratio', v, '{ratio}', DX);

interface Case {
  labs?: LabValue[];
  obs?: CodedObservation[];
  conditions?: ConditionEntry[];
  procedures?: ProcedureEntry[];
  extra?: Partial<PatientSnapshot>;
}
function snap(c: Case): PatientSnapshot {
  return snapshot({
    conditions: c.conditions ?? [mgus],
    labs: labsByConcept(...(c.labs ?? [])),
    codedObservations: codedByConcept(...(c.obs ?? [])),
    procedures: c.procedures ?? [],
    ...c.extra,
  });
}
function run(c: Case, hook: Hook = 'patient-view'): Finding[] {
  return workupLevel.evaluate(snap(c), context(hook));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
/** A low-risk IgG kappa MGUS: every arm below its threshold, no symptoms. */
const lowRisk = (over: Partial<{ m: number; ratio: number; iso: string[]; symptoms: boolean }> = {}): Case => ({
  labs: [m(over.m ?? 8), ratio(over.ratio ?? 2)],
  obs: [isotype(...(over.iso ?? ['igg', 'kappa'])), symptoms(over.symptoms ?? false)],
});

describe('workup-level', () => {
  it('declares its hooks and needs', () => {
    expect(workupLevel).toMatchObject({
      id: 'workup-level',
      hooks: ['patient-view', 'order-select', 'order-sign'],
    });
    expect(workupLevel.needs).toEqual(expect.arrayContaining(['conditions', 'observations', 'procedures', 'serviceRequests', 'medicationRequests']));
  });

  it('MD-scope once anti-myeloma therapy has started: the work-up is over', () => {
    const myeloma = condition('cond:multiple-myeloma', { onset: DX, id: 'mm' });
    const base: Case = { conditions: [myeloma], labs: [m(35), ratio(20)], obs: [isotype('igg', 'kappa'), symptoms(true)] };
    expect(run(base).length).toBe(1);
    const treated = { ...base, extra: { medications: [medication({ display: 'Lenalidomid', concepts: ['drug:lenalidomide', 'class:imid'] }, { date: '2025-06-01T09:00:00Z' })] } };
    expect(run(treated)).toEqual([]);
  });

  it('MD-scope: no myeloma-spectrum condition and no M-protein/FLC -> no card', () => {
    expect(run({ conditions: [], obs: [symptoms(false)] })).toEqual([]);
  });

  it('low-risk: every arm below, no symptoms -> low-risk card, no checklist', () => {
    const f = only(run(lowRisk()));
    expect(f).toMatchObject({ outcome: 'fired', variant: 'low-risk', missing: [] });
    expect(f.criteriaMet).toEqual([C.flcLow, C.mLow, C.noSymptoms]);
    expect(f.suggestions).toBeUndefined();
  });

  describe('boundaries (C-7: exact values are high risk)', () => {
    it.each([
      [7.99, 'low-risk'],
      [8, 'high-risk'],
      [8.01, 'high-risk'],
    ])('FLC ratio %p -> %s', (r, level) => {
      expect(only(run(lowRisk({ ratio: r }))).variant).toBe(level);
    });
    it('a λ clone: κ/λ 0.125 is an involved/uninvolved ratio of 8 -> high risk; 0.126 -> low risk', () => {
      expect(only(run(lowRisk({ ratio: 0.125, iso: ['igg', 'lambda'] }))).variant).toBe('high-risk');
      expect(only(run(lowRisk({ ratio: 0.126, iso: ['igg', 'lambda'] }))).variant).toBe('low-risk');
    });
    it.each([
      [14.9, 'low-risk'],
      [15, 'high-risk'],
      [15.1, 'high-risk'],
    ])('IgG M-protein %p g/L -> %s', (v, level) => {
      expect(only(run(lowRisk({ m: v }))).variant).toBe(level);
    });
    it.each([
      [4.9, 'low-risk'],
      [5, 'high-risk'],
      [5.1, 'high-risk'],
    ])('IgA M-protein %p g/L -> %s', (v, level) => {
      expect(only(run(lowRisk({ m: v, iso: ['iga', 'kappa'] }))).variant).toBe(level);
    });
    it('IgM and light-chain-only M-proteins are judged on the FLC ratio alone', () => {
      expect(only(run(lowRisk({ m: 25, iso: ['igm', 'kappa'] }))).criteriaMet).toContain(C.mNotApplicable);
      expect(only(run(lowRisk({ m: 25, iso: ['lambda'] }))).variant).toBe('low-risk');
    });
  });

  it('high-risk arms: plasmacytoma, suspected symptoms', () => {
    const sp = condition('cond:solitary-plasmacytoma-bone', { onset: DX });
    const f = only(run({ ...lowRisk(), conditions: [sp] }));
    expect(f.variant).toBe('high-risk');
    expect(f.criteriaMet).toContain(C.plasmacytoma);
    expect(f.criteriaNotMet).toContain(C.plasmacytomaMarrowUnknown);
    expect(only(run(lowRisk({ symptoms: true }))).criteriaMet).toEqual([C.symptoms]);
  });

  it('a withdrawn symptom flag (newest says no) counts as no symptoms', () => {
    const c = lowRisk();
    c.obs = [isotype('igg', 'kappa'), symptoms(true, daysFrom(DX, -5)), symptoms(false, DX)];
    expect(only(run(c)).variant).toBe('low-risk');
  });

  describe('missing data (MD-info, never a guessed level)', () => {
    it('no FLC -> not-evaluable naming κ and λ, with their orders', () => {
      const f = only(run({ labs: [m(8)], obs: [isotype('igg', 'kappa'), symptoms(false)] }));
      expect(f).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:flc-kappa', 'lab:flc-lambda'] });
      expect(f.suggestions?.map((s) => s.params?.loinc)).toEqual(['36916-5', '33944-0']);
    });
    it('M-protein ≥ 5 g/L without typing is decided, not undeterminable: high risk as if IgA (proposal), typing suggested', () => {
      const f = only(run({ labs: [m(10), ratio(2)], obs: [symptoms(false)] }));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'high-risk', criteriaMet: expect.arrayContaining([C.mIsotypeUnknown]) as unknown });
      expect(f.suggestions).toEqual(expect.arrayContaining([{ template: 'order-immunofixation' }]));
      expect(only(run({ labs: [m(4.9), ratio(2)], obs: [symptoms(false)] })).variant).toBe('low-risk');
    });
    it('M-protein below 5 g/L needs no typing', () => {
      expect(only(run({ labs: [m(4.9), ratio(2)], obs: [symptoms(false)] })).variant).toBe('low-risk');
    });
    it('no SPEP -> names the M-protein concentration only, with SPEP order', () => {
      const f = only(run({ labs: [ratio(2)], obs: [symptoms(false)] }));
      expect(f.missing).toEqual(['lab:mprotein']);
      expect(f.suggestions?.[0]).toEqual({ template: 'order-lab', params: { concept: 'lab:mprotein', loinc: '33358-3' } });
    });
    it('no symptom record: decided on the labs, the card says symptoms were not documented (clinician to confirm)', () => {
      const f = only(run({ labs: [m(8), ratio(2)], obs: [isotype('igg', 'kappa')] }));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'low-risk-symptoms-undocumented', missing: [] });
      expect(f.criteriaNotMet).toContain(C.symptomsNotDocumented);
      const { en, nb } = renderBoth([f], 'patient-view');
      expect(en[0]?.summary).toMatch(/symptoms not documented/);
      expect(nb[0]?.summary).toMatch(/symptomer ikke dokumentert/);
      // A high-risk arm still decides without the record.
      expect(only(run({ labs: [m(8), ratio(9)], obs: [isotype('igg', 'kappa')] })).variant).toBe('high-risk');
    });
    it('a high-risk arm decides even when other data are missing', () => {
      expect(only(run({ labs: [ratio(9)] })).variant).toBe('high-risk');
    });
  });

  it('involved chain assumed when not typed (larger chain), and flagged', () => {
    const f = only(run({ labs: [m(4), lab('lab:flc-kappa', 10, 'mg/L', DX), lab('lab:flc-lambda', 90, 'mg/L', DX)], obs: [symptoms(false)] }));
    expect(f.variant).toBe('high-risk');
    expect(f.criteriaNotMet).toContain(C.involvedAssumed);
    expect(f.values.find((v) => v.concept === 'flc-involved-ratio')?.value).toBe(9);
  });

  describe('high-risk checklist', () => {
    const high = (extra: Partial<Case> = {}): Finding => only(run({ ...lowRisk({ ratio: 10 }), ...extra }));
    it('nothing done -> CT and marrow outstanding, MRI conditional, with orders', () => {
      const f = high();
      expect(f.missing).toEqual([ITEM.lowdoseCt, ITEM.boneMarrow]);
      expect(f.criteriaNotMet).toContain(C.wbMriConditional);
      expect(f.suggestions).toEqual([{ template: 'order-lowdose-ct' }, { template: 'order-bone-marrow' }]);
    });
    it.each([
      [9.9, false],
      [10, true],
    ])('BMPC %p %% -> whole-body MRI outstanding: %p', (bmpc, needed) => {
      const f = high({ labs: [m(8), ratio(10), lab('lab:bmpc', bmpc, '%', DX)] });
      expect(f.missing.includes(ITEM.wbMri)).toBe(needed);
      expect(f.missing).not.toContain(ITEM.boneMarrow);
    });
    it('CT done and marrow ordered -> complete variant', () => {
      const f = high({
        procedures: [
          procedure('proc:lowdose-ct', { date: daysFrom(DX, 3) }),
          procedure('proc:bone-marrow-examination', { source: 'ServiceRequest', date: daysFrom(DX, 5) }),
        ],
      });
      expect(f).toMatchObject({ variant: 'high-risk-complete', missing: [] });
      expect(f.criteriaMet).toEqual(expect.arrayContaining([ITEM.lowdoseCt, ITEM.boneMarrow]));
    });
    it('window: a CT 60 days before the diagnosis counts, 61 days before does not', () => {
      expect(high({ procedures: [procedure('proc:lowdose-ct', { date: daysFrom(DX, -60) })] }).missing).not.toContain(ITEM.lowdoseCt);
      expect(high({ procedures: [procedure('proc:lowdose-ct', { date: daysFrom(DX, -61) })] }).missing).toContain(ITEM.lowdoseCt);
    });
    it('a cancelled order or a not-done procedure does not count', () => {
      const f = high({ procedures: [procedure('proc:lowdose-ct', { source: 'ServiceRequest', status: 'revoked' }), procedure('proc:lowdose-ct', { status: 'not-done', date: DX })] });
      expect(f.missing).toContain(ITEM.lowdoseCt);
    });
  });

  describe('full level', () => {
    const mm = condition('cond:multiple-myeloma', { onset: DX, id: 'mm' });
    it('diagnosed myeloma -> full, with serology, FISH/TP53 and biobank outstanding', () => {
      const f = only(run({ conditions: [mm], labs: [lab('lab:bmpc', 40, '%', DX)] }));
      expect(f.variant).toBe('full');
      expect(f.criteriaMet).toContain(C.fullActiveDiagnosed);
      expect(f.missing).toEqual([ITEM.lowdoseCt, ITEM.hbv, ITEM.hcv, ITEM.hiv, ITEM.fish, ITEM.tp53, ITEM.biobank]);
      expect(f.criteriaNotMet).toContain(C.wbMriNotNeeded);
      expect(f.suggestions).toEqual([
        { template: 'order-lowdose-ct' },
        { template: 'order-lab', params: { concept: 'obs:hbsag', loinc: '5196-1' } },
        { template: 'order-lab', params: { concept: 'obs:anti-hbc', loinc: '13952-7' } },
        { template: 'order-lab', params: { concept: 'obs:hcv-ab', loinc: '16128-1' } },
        { template: 'order-lab', params: { concept: 'obs:hiv-agab', loinc: '56888-1' } },
        { template: 'order-fish-tp53' },
        { template: 'order-biobank' },
      ]);
    });
    it('everything on record -> full-complete', () => {
      const f = only(
        run({
          conditions: [mm],
          labs: [lab('lab:bmpc', 40, '%', DX)],
          obs: [
            coded('obs:hbsag', ['answer:negative'], DX),
            coded('obs:hcv-ab', ['answer:negative'], DX),
            coded('obs:hiv-agab', ['answer:negative'], DX),
            coded('fish:t11-14', ['answer:present'], DX),
            coded('fish:tp53-mut', ['answer:absent'], DX),
          ],
          procedures: [procedure('proc:lowdose-ct', { date: DX }), procedure('proc:myeloma-biobank', { date: DX })],
        }),
      );
      expect(f).toMatchObject({ variant: 'full-complete', missing: [] });
    });
    it('smouldering (condition) -> full; smouldering with ≥10 % plasma cells needs whole-body MRI', () => {
      const smm = condition('cond:smouldering-myeloma', { onset: DX });
      const f = only(run({ conditions: [smm], labs: [lab('lab:bmpc', 25, '%', DX)] }));
      expect(f.criteriaMet).toContain(C.fullSmouldering);
      expect(f.missing).toContain(ITEM.wbMri);
    });
    it.each([
      [0, 'high-risk'],
      [3, 'full'],
    ])('plasmacytoma with marrow plasma cells %p %% -> %s', (bmpc, level) => {
      const sp = condition('cond:extramedullary-plasmacytoma', { onset: DX });
      expect(only(run({ ...lowRisk(), conditions: [sp], labs: [m(8), ratio(2), lab('lab:bmpc', bmpc, '%', DX)] })).variant).toBe(level);
    });
  });

  describe('order hooks (workup-lowrisk-no-marrow-imaging)', () => {
    it('low-risk + focused marrow or imaging draft -> card on the draft', () => {
      const draft = draftProcedure('proc:bone-marrow-examination', { id: 'bm', display: 'Benmargsbiopsi' });
      const f = only(run({ ...lowRisk(), extra: { draftOrders: [draft] } }, 'order-select'));
      expect(f).toMatchObject({ subject: 'ServiceRequest/bm', variant: 'low-risk-order', params: { order: 'Benmargsbiopsi' } });
    });
    it('no card for a draft out of focus, another order, a high-risk patient, or an undeterminable level', () => {
      const bm = draftProcedure('proc:wb-mri', { id: 'mri', inFocus: false });
      expect(run({ ...lowRisk(), extra: { draftOrders: [bm] } }, 'order-select')).toEqual([]);
      expect(run({ ...lowRisk(), extra: { draftOrders: [draftProcedure('proc:haematology-referral')] } }, 'order-sign')).toEqual([]);
      expect(run({ ...lowRisk({ ratio: 9 }), extra: { draftOrders: [draftProcedure('proc:lowdose-ct')] } }, 'order-sign')).toEqual([]);
      expect(run({ labs: [m(8)], extra: { draftOrders: [draftProcedure('proc:lowdose-ct')] } }, 'order-sign')).toEqual([]);
    });
  });

  it('determineLevel: full wins over every other arm', () => {
    expect(determineLevel({ full: [C.fullSmouldering], flcRatio: 1, heavy: ['IgG'], mprotein: 1, plasmacytoma: false, symptoms: false }).level).toBe('full');
  });

  describe('from FHIR (buildSnapshot), M-protein in g/dL', () => {
    const terminology = loadTerminology();
    const now = new Date('2025-06-01T10:00:00Z');
    const obs = (id: string, code: { system: string; code: string }, value: Record<string, unknown>): unknown => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      subject: { reference: 'Patient/p1' },
      code: { coding: [code] },
      effectiveDateTime: '2025-05-01',
      ...value,
    });
    function fromFhir(mValue: number, mUnit: string): Finding {
      const input: SnapshotInput = {
        patientId: 'p1',
        resources: {
          conditions: [
            { resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'D47.2' }] }, onsetDateTime: '2025-05-01' },
          ],
          observations: [
            obs('m', { system: 'http://loinc.org', code: '33358-3' }, { valueQuantity: { value: mValue, unit: mUnit, system: 'http://unitsofmeasure.org', code: mUnit } }),
            obs('r', { system: 'http://loinc.org', code: '48378-4' }, { valueQuantity: { value: 2, unit: 'ratio' } }),
            obs('i', { system: 'urn:heme-cds:local', code: 'mprotein-isotype' }, {
              valueCodeableConcept: { coding: [{ system: 'urn:heme-cds:local', code: 'IgG' }, { system: 'urn:heme-cds:local', code: 'kappa' }] },
            }),
            obs('s', { system: 'urn:heme-cds:local', code: 'suspected-related-symptoms' }, { valueBoolean: false }),
          ],
        } as unknown as SnapshotInput['resources'],
        medications: [],
        draftOrders: [],
        unavailable: [],
      };
      return only(workupLevel.evaluate(buildSnapshot(input, terminology, now), context('patient-view', now)));
    }
    it.each([
      [1.49, 'g/dL', 'low-risk'],
      [1.5, 'g/dL', 'high-risk'],
      [14.9, 'g/L', 'low-risk'],
      [15, 'g/L', 'high-risk'],
    ])('IgG kappa M-protein %p %s -> %s', (v, unit, level) => {
      expect(fromFhir(v, unit).variant).toBe(level);
    });
  });

  it('renders every kind of finding in both languages', () => {
    const cases: [Finding[], Hook, string][] = [
      [run(lowRisk()), 'patient-view', 'Work-up level: low-risk per national algorithm (MGUS more likely) — no bone marrow or imaging'],
      [run(lowRisk({ ratio: 10 })), 'patient-view', 'Work-up level: high-risk per national algorithm; outstanding: low-dose CT, bone-marrow smear/biopsy'],
      [
        run({ ...lowRisk({ ratio: 10 }), procedures: [procedure('proc:lowdose-ct', { date: DX }), procedure('proc:bone-marrow-examination', { date: DX })] }),
        'patient-view',
        'Work-up level: high-risk per national algorithm; the examinations are done or ordered',
      ],
      [
        run({ conditions: [condition('cond:multiple-myeloma', { onset: DX })], labs: [lab('lab:bmpc', 40, '%', DX)] }),
        'patient-view',
        'Work-up level: full per national algorithm; outstanding: low-dose CT, HBV serology, HCV serology, HIV serology, FISH, TP53, biobanking',
      ],
      [run({ labs: [m(4)] }), 'patient-view', 'Cannot evaluate work-up level: missing free kappa light chain, free lambda light chain'],
      [
        run({ ...lowRisk(), extra: { draftOrders: [draftProcedure('proc:lowdose-ct', { display: 'CT myelomatose' })] } }, 'order-select'),
        'order-select',
        'Low-risk MGUS work-up: bone marrow and imaging are not recommended by the national algorithm (CT myelomatose)',
      ],
    ];
    for (const [findings, hook, summary] of cases) {
      const cards = renderBoth(findings, hook);
      expect(cards.en[0]?.summary).toBe(summary);
      expect(cards.nb[0]?.summary.length).toBeGreaterThan(20);
      expect(cards.nb[0]?.source.topic?.code).toBe(findings[0]?.outcome === 'not-evaluable' ? 'workup-level.not-evaluable' : 'workup-level');
    }
    const full = renderBoth(run({ conditions: [condition('cond:multiple-myeloma', { onset: DX })], labs: [lab('lab:bmpc', 40, '%', DX)] }), 'patient-view');
    expect(full.nb[0]?.summary).toBe('Utredningsnivå: full etter nasjonal algoritme; mangler lavdose-CT, HBV-serologi, HCV-serologi, HIV-serologi, FISH, TP53, biobanking');
    expect(full.en[0]?.suggestions?.map((s) => s.label)).toEqual([
      'Order low-dose whole-body CT',
      'Order HBsAg',
      'Order anti-HBc',
      'Order HCV antibody',
      'Order HIV Ag/Ab',
      'Order FISH and TP53 mutation analysis',
      'Send samples to the biobank',
    ]);
  });

  describe('fixtures (clock 2026-11-22)', () => {
    const now = new Date('2026-11-22T10:00:00+01:00');
    const pv = (name: string): Finding[] => workupLevel.evaluate(fixtureSnapshot(name, now), context('patient-view', now));
    it.each([
      ['pat-wu-lowrisk-mgus', 'fired', 'low-risk'],
      ['pat-wu-igm-myd88', 'fired', 'low-risk'],
      ['pat-wu-igm-untested', 'fired', 'high-risk'],
      ['pat-wu-plasmacytoma', 'fired', 'high-risk-complete'],
      ['pat-smouldering', 'fired', 'full'],
      ['pat-new-myeloma', 'fired', 'full'],
      ['pat-mgus', 'fired', 'high-risk'],
    ])('%s -> %s %s', (name, outcome, variant) => {
      expect(only(pv(name))).toMatchObject({ outcome, variant });
    });
    it('pat-mgus: M 8 g/L untyped and no symptom record -> decided as high risk (untyped M ≥ 5 g/L may be IgA), typing suggested', () => {
      const f = only(pv('pat-mgus'));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'high-risk' });
      expect(f.criteriaMet).toContain(C.mIsotypeUnknown);
    });
    it('pat-wu-lowrisk-mgus, order-select with a whole-body MRI draft -> low-risk-order on the draft', () => {
      const draft = {
        resourceType: 'ServiceRequest',
        id: 'draft-mri',
        status: 'draft',
        intent: 'order',
        subject: { reference: 'Patient/pat-wu-lowrisk-mgus' },
        code: { coding: [{ system: 'urn:heme-cds:local', code: 'wb-mri' }], text: 'MR helkropp' },
      };
      const f = only(workupLevel.evaluate(fixtureSnapshot('pat-wu-lowrisk-mgus', now, [draft]), context('order-select', now)));
      expect(f).toMatchObject({ subject: 'ServiceRequest/draft-mri', variant: 'low-risk-order' });
    });
  });
});
