import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { CodedObservation, ConditionEntry, Finding, LabValue, PatientSnapshot } from '../../types.js';
import { C, MISSING_FISH, pcdIgmMyelomaVsWaldenstrom, readIgm } from './pcd-igm-myeloma-vs-waldenstrom.js';
import { renderBoth } from '../support/render.test-support.js';
import { fixtureSnapshot as loadFixture } from '../support/fixture-snapshot.test-support.js';
import { coded, codedByConcept, condition, context, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';

// These rules read conditions, observations and procedures only.
const fixtureSnapshot = (name: string, now: Date, drafts: unknown[] = []): PatientSnapshot =>
  loadFixture(name, now, drafts, { types: ['Condition', 'Observation', 'Procedure'] });

const DX = '2025-05-01T00:00:00Z';
const mm = condition('cond:multiple-myeloma', { onset: DX, id: 'mm' });
const igmTyped = coded('obs:mprotein-isotype', ['answer:isotype-igm', 'answer:isotype-kappa'], DX);
const yes = (concept: string): CodedObservation => coded(concept, ['answer:positive'], DX);
const no = (concept: string): CodedObservation => coded(concept, ['answer:negative'], DX);
const fish = (f: string, present: boolean): CodedObservation => coded(`fish:${f}`, [present ? 'answer:present' : 'answer:absent'], DX);

function run(obs: CodedObservation[], opts: { conditions?: ConditionEntry[]; labs?: LabValue[] } = {}): Finding[] {
  return pcdIgmMyelomaVsWaldenstrom.evaluate(
    snapshot({ conditions: opts.conditions ?? [mm], codedObservations: codedByConcept(...obs), labs: labsByConcept(...(opts.labs ?? [])) }),
    context('patient-view'),
  );
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('pcd-igm-myeloma-vs-waldenstrom', () => {
  it('declares its hooks and needs', () => {
    expect(pcdIgmMyelomaVsWaldenstrom).toMatchObject({ id: 'pcd-igm-myeloma-vs-waldenstrom', hooks: ['patient-view'], needs: ['conditions', 'observations'] });
  });

  it('readIgm: the seed markers', () => {
    expect(readIgm(true, undefined, undefined)).toBe('waldenstrom');
    expect(readIgm(undefined, true, undefined)).toBe('myeloma');
    expect(readIgm(false, undefined, true)).toBe('myeloma');
    expect(readIgm(true, true, undefined)).toBe('conflicting');
    expect(readIgm(false, false, undefined)).toBe('pathologist');
    expect(readIgm(false, undefined, undefined)).toBeUndefined();
    expect(readIgm(undefined, false, undefined)).toBeUndefined();
  });

  describe('MD-scope', () => {
    it('no IgM M-protein (IgG typing) -> no card', () => {
      expect(run([coded('obs:mprotein-isotype', ['answer:isotype-igg'], DX)])).toEqual([]);
      expect(run([])).toEqual([]);
    });
    it('IgM M-protein without a myeloma-spectrum classification -> no card', () => {
      expect(run([igmTyped], { conditions: [condition('cond:cml')] })).toEqual([]);
    });
  });

  it('MYD88 and FISH both missing -> not-evaluable listing both, with both orders', () => {
    const f = only(run([igmTyped]));
    expect(f).toMatchObject({ outcome: 'not-evaluable', missing: ['obs:myd88-l265p', MISSING_FISH] });
    expect(f.suggestions).toEqual([{ template: 'order-myd88' }, { template: 'order-fish' }]);
    expect(f.criteriaNotMet).toContain(C.lyticNotCoded);
  });

  it('MYD88 L265P positive -> favours Waldenström; FISH still offered', () => {
    const f = only(run([igmTyped, yes('obs:myd88-l265p')]));
    expect(f).toMatchObject({ outcome: 'fired', variant: 'waldenstrom', missing: [] });
    expect(f.criteriaNotMet).toContain(C.fishNotReported);
    expect(f.suggestions).toEqual([{ template: 'order-fish' }]);
  });

  it('t(11;14) present -> favours IgM myeloma, notes t(11;14) is the most common', () => {
    const f = only(run([igmTyped, fish('t11-14', true), no('obs:myd88-l265p')]));
    expect(f.variant).toBe('myeloma');
    expect(f.criteriaMet).toEqual(expect.arrayContaining([C.chr14Present, C.t1114]));
    expect(f.criteriaNotMet).toContain(C.cd20Unknown);
  });

  it('myeloma with CD20-positive plasma cells -> CD20 variant', () => {
    expect(only(run([igmTyped, fish('t4-14', true), yes('obs:cd20-plasma-cells')])).variant).toBe('myeloma-cd20');
    expect(only(run([igmTyped, fish('t4-14', true), no('obs:cd20-plasma-cells')])).criteriaNotMet).toContain(C.cd20Negative);
  });

  it('both negative -> pathologist', () => {
    expect(only(run([igmTyped, no('obs:myd88-l265p'), fish('t11-14', false)])).variant).toBe('pathologist');
  });

  it('one negative, the other missing -> not-evaluable naming the missing one', () => {
    expect(only(run([igmTyped, no('obs:myd88-l265p')])).missing).toEqual([MISSING_FISH]);
    expect(only(run([igmTyped, fish('t11-14', false)])).missing).toEqual(['obs:myd88-l265p']);
  });

  it('both positive -> conflicting', () => {
    expect(only(run([igmTyped, yes('obs:myd88-l265p'), fish('t11-14', true)])).variant).toBe('conflicting');
  });

  it('a positive MYD88 report wins over a later negative one', () => {
    const early = coded('obs:myd88-l265p', ['answer:positive'], '2025-03-01');
    expect(only(run([igmTyped, early, no('obs:myd88-l265p')])).variant).toBe('waldenstrom');
  });

  describe('IgM raised together with an M-protein (no typing)', () => {
    const igm = (v: number, high?: number): LabValue => ({ ...lab('lab:igm', v, 'g/L', DX), ...(high !== undefined ? { referenceRange: { high } } : {}) });
    it.each([
      [2.29, false],
      [2.3, false],
      [2.31, true],
    ])('IgM %p g/L (ULN 2.3) with M-protein -> in scope: %p', (v, inScope) => {
      expect(run([], { labs: [igm(v, 2.3), lab('lab:mprotein', 6, 'g/L', DX)] })).toHaveLength(inScope ? 1 : 0);
    });
    it('no reference limit, or no M-protein -> not in scope', () => {
      expect(run([], { labs: [igm(20), lab('lab:mprotein', 6, 'g/L', DX)] })).toEqual([]);
      expect(run([], { labs: [igm(20, 2.3)] })).toEqual([]);
    });
  });

  it('from FHIR: IgM in mg/dL converted, MYD88 via the local code', () => {
    const obs = (id: string, system: string, code: string, value: Record<string, unknown>): unknown => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ system, code }] },
      effectiveDateTime: '2025-05-01',
      ...value,
    });
    const input: SnapshotInput = {
      patientId: 'p1',
      resources: {
        conditions: [{ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'D47.2' }] } }],
        observations: [
          obs('igm', 'http://loinc.org', '2472-9', {
            valueQuantity: { value: 900, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
            referenceRange: [{ high: { value: 230, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' } }],
          }),
          obs('m', 'http://loinc.org', '33358-3', { valueQuantity: { value: 7, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' } }),
          obs('myd', 'urn:heme-cds:local', 'myd88-l265p', { valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA6576-8' }] } }),
        ],
      } as unknown as SnapshotInput['resources'],
      medications: [],
      draftOrders: [],
      unavailable: [],
    };
    const now = new Date('2025-06-01T10:00:00Z');
    const f = only(pcdIgmMyelomaVsWaldenstrom.evaluate(buildSnapshot(input, loadTerminology(), now), context('patient-view', now)));
    expect(f).toMatchObject({ variant: 'waldenstrom', criteriaMet: [C.igmRaised, C.myd88Positive] });
  });

  it('renders every kind of finding in both languages', () => {
    const cases: [Finding[], string][] = [
      [run([igmTyped]), "Cannot separate IgM myeloma from Waldenström's disease: missing MYD88 L265P mutation, FISH (chromosome 14 translocations)"],
      [run([igmTyped, yes('obs:myd88-l265p')]), "IgM paraprotein: MYD88 L265P detected — favours Waldenström's disease over IgM myeloma"],
      [run([igmTyped, fish('t11-14', true)]), 'IgM paraprotein: chromosome 14 translocation or lytic lesion — favours IgM myeloma over Waldenström'],
      [run([igmTyped, fish('t11-14', true), yes('obs:cd20-plasma-cells')]), 'IgM paraprotein: favours IgM myeloma; CD20-positive plasma cells — a CD20 antibody may be useful'],
      [run([igmTyped, yes('obs:myd88-l265p'), fish('t11-14', true)]), "IgM paraprotein: conflicting findings (MYD88 L265P and a myeloma marker) — the pathologist's judgement decides"],
      [run([igmTyped, no('obs:myd88-l265p'), fish('t11-14', false)]), "IgM paraprotein: neither MYD88 L265P nor a chromosome 14 translocation — the pathologist's judgement decides"],
    ];
    for (const [findings, summary] of cases) {
      const cards = renderBoth(findings, 'patient-view');
      expect(cards.en[0]?.summary).toBe(summary);
      expect(cards.nb[0]?.summary).toMatch(/^(IgM-M-komponent|Kan ikke skille)/);
    }
    const ne = renderBoth(run([igmTyped]), 'patient-view');
    expect(ne.nb[0]?.suggestions?.map((s) => s.label)).toEqual(['Bestill MYD88 L265P-mutasjonsanalyse', 'Bestill FISH av benmarg (myelomatosepanel)']);
  });

  describe('fixtures (clock 2026-11-22)', () => {
    const now = new Date('2026-11-22T10:00:00+01:00');
    const pv = (name: string): Finding[] => pcdIgmMyelomaVsWaldenstrom.evaluate(fixtureSnapshot(name, now), context('patient-view', now));
    it('pat-wu-igm-myd88 -> Waldenström favoured', () => {
      expect(only(pv('pat-wu-igm-myd88'))).toMatchObject({ outcome: 'fired', variant: 'waldenstrom' });
    });
    it('pat-wu-igm-untested -> not-evaluable, MYD88 and FISH missing', () => {
      expect(only(pv('pat-wu-igm-untested'))).toMatchObject({ outcome: 'not-evaluable', missing: ['obs:myd88-l265p', MISSING_FISH] });
    });
    it.each(['pat-wu-lowrisk-mgus', 'pat-mgus', 'pat-new-myeloma', 'pat-wu-plasmacytoma'])('%s -> no card', (name) => {
      expect(pv(name)).toEqual([]);
    });
  });
});
