import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';
import type { Resource } from '@medplum/fhirtypes';
import type { Finding } from '../../types.js';
import { classificationRules as areaRules } from './index.js';
import { hypercalcaemiaTreatment } from '../bone/hypercalcaemia-treatment.js';
import { type PcdInput, classifyPcd } from './context.js';
import { result } from './mde-criteria.js';
import * as support from '../support/snapshot-factory.test-support.js';
import { context } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

// The classify-* rules and hypercalcaemia-treatment, which the classification fixtures were written for.
const classificationRules = [...areaRules.filter((r) => r.id.startsWith('classify-')), hypercalcaemiaTreatment];

const NOW = new Date('2026-11-22T10:00:00+01:00');

/** Every finding of this area's rules for a fixture patient (patient-view, clock 2026-11-22). */
function fixture(name: string, keep: (r: Resource) => boolean = () => true): Finding[] {
  const snap = fixtureSnapshot(name, NOW, [], {
    types: ['Condition', 'Observation', 'MedicationRequest', 'MedicationAdministration', 'MedicationStatement', 'Medication'],
    keep,
  });
  return classificationRules.flatMap((r) => r.evaluate(snap, context('patient-view', NOW)));
}

const codes = (fs: Finding[]): string[] => fs.map((f) => (f.outcome === 'fired' ? f.ruleId : `${f.ruleId}.not-evaluable`)).sort();

describe('classification fixtures (fixtures/README.md "Cards the catalogue expects")', () => {
  it.each([
    ['pat-new-myeloma', ['classify-active-myeloma']],
    ['pat-bortezomib-no-valaciclovir', ['classify-active-myeloma']],
    ['pat-mgus', ['classify-mgus']],
    ['pat-smouldering', ['classify-smouldering']],
    ['pat-no-data', []],
    ['pat-cls-pcl', ['classify-active-myeloma', 'classify-plasma-cell-leukaemia']],
    ['pat-cls-plasmacytoma', ['classify-solitary-plasmacytoma']],
    ['pat-cls-hypercalcaemia', ['classify-active-myeloma', 'hypercalcaemia-treatment']],
    ['pat-cls-incomplete', ['classify-active-myeloma.not-evaluable', 'classify-plasma-cell-leukaemia.not-evaluable', 'hypercalcaemia-treatment.not-evaluable']],
    ['pat-cls-mgus-nomarrow', ['classify-mgus.not-evaluable']],
  ])('%s -> %j', (name, expected) => {
    const findings = fixture(name);
    expect(codes(findings)).toEqual([...expected].sort());
    renderBoth(findings, 'patient-view');
  });

  it('pat-new-myeloma: CRAB-A via the LLN arm (Hb 10.8 < 13.4 − 2), C not met at corrected Ca 2.61', () => {
    const f = fixture('pat-new-myeloma')[0] as Finding;
    expect(f.criteriaMet).toEqual(expect.arrayContaining(['bmpc-ge-10', 'a-hb-lt-lln-2']));
    expect(f.criteriaNotMet).toEqual(expect.arrayContaining(['c-ca-gt-2.75', 'c-ca-gt-uln-0.25', 'a-hb-lt-10', 'r-creatinine-gt-177', 'r-egfr-lt-40', 's-bmpc-ge-60', 'li-flc-ratio-ge-100']));
    expect(f.values).toEqual(expect.arrayContaining([expect.objectContaining({ concept: 'ca-corrected-calculated', value: 2.61 })]));
    expect(f.params.mde).toBe('A');
    const { en, nb } = renderBoth([f], 'patient-view');
    expect(en[0]?.summary).toContain('(A)');
    expect(nb[0]?.summary).toContain('behandlingskrevende');
  });

  it('pat-smouldering: coded low-dose CT and whole-body MRI without lesions make "no MDE" assertable', () => {
    const f = fixture('pat-smouldering')[0] as Finding;
    expect(f).toMatchObject({ ruleId: 'classify-smouldering', outcome: 'fired', missing: [] });
    expect(f.values.map((v) => v.concept)).toEqual(expect.arrayContaining(['obs:lowdose-ct-lesions', 'obs:wb-mri-lesions']));
    const { en } = renderBoth([f], 'patient-view');
    expect(en[0]?.summary).toMatch(/^Smouldering myeloma criteria met/);
  });

  it('pat-smouldering without the imaging: lists it as missing and offers the whole-body MRI', () => {
    const noImaging = (r: Resource): boolean => !(r.resourceType === 'Observation' && r.id?.startsWith('smm-obs-') && /ct|mri/.test(r.id));
    const f = fixture('pat-smouldering', noImaging)[0] as Finding;
    expect(f.outcome).toBe('not-evaluable');
    expect(f.missing).toEqual(['obs:lowdose-ct-lesions', 'obs:wb-mri-lesions']);
    expect(f.suggestions).toEqual([{ template: 'order-wb-mri' }]);
    const { en } = renderBoth([f], 'patient-view');
    expect(en[0]?.summary).toBe('Smouldering vs active myeloma cannot be separated: missing low-dose CT/X-ray (lytic lesions), whole-body MRI (focal lesions)');
    expect(en[0]?.suggestions?.[0]?.label).toBe('Order whole-body MRI');
  });

  it('pat-cls-hypercalcaemia: mg/dL creatinine and g/dL M-protein converted; C and R met', () => {
    const f = fixture('pat-cls-hypercalcaemia').find((x) => x.ruleId === 'classify-active-myeloma') as Finding;
    expect(f.params.mde).toBe('C, R');
    expect(f.suggestions).toEqual(expect.arrayContaining([{ template: 'order-lab', params: { concept: 'lab:pth', loinc: '2731-8' } }]));
  });
});

describe('classifyPcd decision table', () => {
  const no = result('not-met');
  const unk = (m: string) => result('unknown', { missing: [m] });
  const yes = result('met', { met: ['a-hb-lt-10'] });
  const allNo = { C: no, R: no, A: no, B: no, SLiM: no };
  const base = (over: Partial<PcdInput>): PcdInput => ({ mde: allNo, al: false, ...over });

  it.each([
    [base({ mde: { ...allNo, A: yes }, bmpc: 10 }), 'active'],
    [base({ mde: { ...allNo, A: yes }, bmpc: 9.9 }), 'mde-without-marrow-criterion'],
    [base({ mde: { ...allNo, A: yes }, bmpc: 5, plasmacytoma: 'bone' }), 'active'],
    [base({ mde: { ...allNo, A: yes } }), 'active-possible'],
    [base({ bmpc: 10, serumM: 5 }), 'smouldering'],
    [base({ bmpc: 9.9, serumM: 29.9 }), 'mgus'],
    [base({ bmpc: 5, serumM: 30 }), 'smouldering'],
    [base({ bmpc: 5, serumM: 10, urineM: 499 }), 'mgus'],
    [base({ bmpc: 5, serumM: 10, urineM: 500 }), 'smouldering'],
    [base({ bmpc: 59, serumM: 10 }), 'smouldering'],
    [base({ bmpc: 20, serumM: 10, al: true }), 'none'],
    [base({ bmpc: 20, mde: { ...allNo, B: unk('obs:lowdose-ct-lesions') } }), 'smouldering-vs-active'],
    [base({ bmpc: 5, serumM: 0, flcRatio: 0.26 }), 'none'],
    [base({ bmpc: 5, serumM: 0, flcRatio: 0.259 }), 'mgus'],
    [base({ bmpc: 5, serumM: 0, flcRatio: 1.65 }), 'none'],
    [base({ bmpc: 5, serumM: 0, flcRatio: 1.651 }), 'mgus'],
    [base({ bmpc: 5, serumM: 0 }), 'mgus-not-evaluable'],
    [base({ serumM: 8, flcRatio: 1.2 }), 'mgus-not-evaluable'],
    [base({ bmpc: 5 }), 'unclassified'],
    [base({ bmpc: 3, serumM: 2, plasmacytoma: 'bone' }), 'solitary-plasmacytoma-unconfirmed'],
    [base({ bmpc: 3, serumM: 2, plasmacytoma: 'bone', noFurtherLesions: { ct: true, mri: true } }), 'solitary-plasmacytoma'],
    [base({ bmpc: 3, serumM: 2, plasmacytoma: 'bone', noFurtherLesions: { ct: false, mri: true } }), 'solitary-plasmacytoma-unconfirmed'],
  ])('case %#: -> %s', (input, outcome) => {
    expect(classifyPcd(input).outcome).toBe(outcome);
  });

  it('MGUS tolerates unknown imaging (B, MRI) but not unknown laboratory MDEs', () => {
    const imagingUnknown = { ...allNo, B: unk('obs:lowdose-ct-lesions'), SLiM: unk('obs:wb-mri-lesions') };
    expect(classifyPcd(base({ mde: imagingUnknown, bmpc: 4, serumM: 8 })).outcome).toBe('mgus');
    const r = classifyPcd(base({ mde: { ...imagingUnknown, C: unk('lab:calcium-corrected') }, bmpc: 4, serumM: 8 }));
    expect(r.outcome).toBe('mgus-not-evaluable');
    expect(r.missing).toEqual(['lab:calcium-corrected']);
  });

  it('smouldering: no MDE only when every CRAB and SLiM item is evaluable', () => {
    const r = classifyPcd(base({ mde: { ...allNo, SLiM: unk('obs:wb-mri-lesions') }, serumM: 34, bmpc: 25 }));
    expect(r.outcome).toBe('smouldering-vs-active');
    expect(r.missing).toEqual(['obs:wb-mri-lesions']);
    expect(r.met).toEqual(expect.arrayContaining(['serum-m-ge-30', 'bmpc-10-59']));
  });
});

describe('classification after treatment has started', () => {
  const { snapshot, condition, lab, labsByConcept, medication } = support;
  const START = '2026-03-01T09:00:00Z';
  const labs = labsByConcept(
    // At diagnosis: active myeloma (BMPC 40 %, Hb 8.5 g/dL).
    lab('lab:mprotein', 35, 'g/L', '2026-02-20T08:00:00Z'),
    lab('lab:bmpc', 40, '%', '2026-02-21T08:00:00Z'),
    lab('lab:hb', 8.5, 'g/dL', '2026-02-20T08:00:00Z'),
    // In response: values that alone would read as MGUS.
    lab('lab:mprotein', 2, 'g/L', '2026-10-01T08:00:00Z'),
    lab('lab:bmpc', 3, '%', '2026-10-02T08:00:00Z'),
    lab('lab:hb', 12.5, 'g/dL', '2026-10-01T08:00:00Z'),
  );
  const run = (s: ReturnType<typeof snapshot>) =>
    classificationRules.flatMap((r) => r.evaluate(s, context('patient-view', NOW))).map((f) => `${f.ruleId}:${f.outcome}`);

  it('classifies from the values before the first anti-myeloma dose, never from values in response', () => {
    const treated = snapshot({
      conditions: [condition('cond:multiple-myeloma', { onset: '2025-01-10' })],
      labs,
      medications: [medication({ display: 'Lenalidomid', concepts: ['drug:lenalidomide', 'class:imid'] }, { date: START })],
    });
    const out = run(treated);
    expect(out).toContain('classify-active-myeloma:fired');
    expect(out.some((f) => f.startsWith('classify-mgus'))).toBe(false);
  });

  it('without therapy the latest values are used', () => {
    const untreated = snapshot({ conditions: [condition('cond:multiple-myeloma', { onset: '2025-01-10' })], labs });
    expect(run(untreated).some((f) => f === 'classify-active-myeloma:fired')).toBe(false);
  });
});

describe('classification that cannot be completed after treatment has started', () => {
  const { snapshot, condition, lab, labsByConcept, medication } = support;
  it('gives no not-evaluable card: diagnostic tests ordered now would measure the response', () => {
    const s = snapshot({
      conditions: [condition('cond:multiple-myeloma', { onset: '2025-01-10' })],
      // Only an M-protein before therapy: BMPC and CRAB are unknown.
      labs: labsByConcept(lab('lab:mprotein', 28, 'g/L', '2026-02-20T08:00:00Z')),
      medications: [medication({ display: 'Lenalidomid', concepts: ['drug:lenalidomide', 'class:imid'] }, { date: '2026-03-01T09:00:00Z' })],
    });
    expect(classificationRules.flatMap((r) => r.evaluate(s, context('patient-view', NOW)))).toEqual([]);
    // Untreated, the same data give the not-evaluable card naming what is missing.
    const untreated = { ...s, medications: [] };
    expect(classificationRules.flatMap((r) => r.evaluate(untreated, context('patient-view', NOW))).map((f) => f.outcome)).toContain('not-evaluable');
  });
});
