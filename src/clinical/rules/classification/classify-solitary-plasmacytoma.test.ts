import { classifySolitaryPlasmacytoma, spFindings, spVariant } from './classify-solitary-plasmacytoma.js';
import { type PcdAssessment, classifyPcd } from './context.js';
import { result } from './mde-criteria.js';
import { coded, codedByConcept, condition, context, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const DX = '2025-05-20T00:00:00Z';
const no = result('not-met');
const clean = { C: no, R: no, A: no, B: no, SLiM: no };
/** A confirmed plasmacytoma whose marrow plasma cells (`bmpc`) are known to be clonal. */
function confirmed(site: 'bone' | 'extramedullary', bmpc?: number): PcdAssessment {
  const core = classifyPcd({ mde: clean, ...(bmpc !== undefined ? { bmpc } : {}), serumM: 2, plasmacytoma: site, al: false, noFurtherLesions: { ct: true, mri: true } });
  return { ...core, values: [], suggestions: [], ...(bmpc !== undefined ? { clonalBmpc: bmpc } : {}) };
}

describe('classify-solitary-plasmacytoma', () => {
  it.each([
    ['bone', 0, 'no-marrow-involvement', 10],
    ['extramedullary', 0, 'no-marrow-involvement', 10],
    ['bone', 3, 'bone-minimal-marrow', 60],
    ['bone', 9.9, 'bone-minimal-marrow', 60],
    ['extramedullary', 3, 'soft-tissue-minimal-marrow', 20],
  ] as const)('%s, clonal BMPC %p %% -> %s (%p %%)', (site, bmpc, variant, risk) => {
    expect(spVariant({ bmpc, clonalBmpc: bmpc, plasmacytoma: site })).toEqual({ variant, risk });
    const f = spFindings(confirmed(site, bmpc));
    expect(f[0]).toMatchObject({ outcome: 'fired', variant, params: { risk } });
    expect(f[0]?.suggestions).toEqual([{ template: site === 'bone' ? 'order-wb-mri' : 'order-pet-ct' }]);
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toContain(`${risk} %`);
  });

  it('BMPC 10 % is not solitary (smouldering path)', () => {
    expect(classifyPcd({ mde: clean, bmpc: 10, serumM: 2, plasmacytoma: 'bone', al: false, noFurtherLesions: { ct: true, mri: true } }).outcome).toBe('smouldering');
  });

  it('marrow not examined -> risk variant unknown', () => {
    const f = spFindings(confirmed('bone'));
    expect(f[0]).toMatchObject({ outcome: 'fired', variant: 'marrow-unknown', params: { mde: '–' } });
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toBe('Solitary plasmacytoma: marrow not examined, risk variant unknown');
  });

  it('from a record without the staging CT and MRI findings it cannot be confirmed: missing them', () => {
    const snap = snapshot({ conditions: [condition('cond:solitary-plasmacytoma-bone', { onset: DX })], labs: labsByConcept(lab('lab:bmpc', 3, '%', DX), lab('lab:mprotein', 2, 'g/L', DX)) });
    const f = classifySolitaryPlasmacytoma.evaluate(snap, context('patient-view'));
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'default' });
    expect(f[0]?.missing.slice(0, 2)).toEqual(['obs:further-lesions-ct', 'obs:further-lesions-mri']);
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toMatch(/^Solitary plasmacytoma cannot be confirmed: missing skeletal CT/);
  });

  it('coded staging CT and MRI with no lesion besides the plasmacytoma confirm it; a further lesion does not', () => {
    const findings = (ct: string, mri: string) =>
      codedByConcept(coded('obs:further-lesions-ct', [ct], DX), coded('obs:further-lesions-mri', [mri], DX));
    const base = { conditions: [condition('cond:solitary-plasmacytoma-bone', { onset: DX })], labs: labsByConcept(lab('lab:bmpc', 3, '%', DX), lab('lab:mprotein', 2, 'g/L', DX), lab('lab:hb', 13.5, 'g/dL', DX), lab('lab:calcium', 2.3, 'mmol/L', DX), lab('lab:albumin', 40, 'g/L', DX), lab('lab:creatinine', 70, 'umol/L', DX), lab('lab:egfr', 90, 'mL/min/{1.73_m2}', DX), lab('lab:flc-kappa', 20, 'mg/L', DX), lab('lab:flc-lambda', 15, 'mg/L', DX)) };
    const confirmed = classifySolitaryPlasmacytoma.evaluate(snapshot({ ...base, codedObservations: findings('answer:absent', 'answer:absent') }), context('patient-view'));
    expect(confirmed[0]).toMatchObject({ outcome: 'fired', variant: 'clonality-unknown' });
    const further = classifySolitaryPlasmacytoma.evaluate(snapshot({ ...base, codedObservations: findings('answer:present', 'answer:absent') }), context('patient-view'));
    expect(further.some((x) => x.outcome === 'fired')).toBe(false);
  });

  it('no plasmacytoma condition -> no card', () => {
    const snap = snapshot({ conditions: [condition('cond:mgus', { onset: DX })], labs: labsByConcept(lab('lab:mprotein', 2, 'g/L', DX)) });
    expect(classifySolitaryPlasmacytoma.evaluate(snap, context('patient-view'))).toEqual([]);
  });
});

describe('classify-solitary-plasmacytoma: the risk variants need clonal marrow plasma cells (11118-7 is all plasma cells)', () => {
  const findingsFor = (labs: ReturnType<typeof lab>[], clonality?: 'answer:present' | 'answer:absent') => {
    const imaging = [coded('obs:further-lesions-ct', ['answer:absent'], DX), coded('obs:further-lesions-mri', ['answer:absent'], DX)];
    const base = [lab('lab:mprotein', 2, 'g/L', DX), lab('lab:hb', 13.5, 'g/dL', DX), lab('lab:calcium', 2.3, 'mmol/L', DX), lab('lab:albumin', 40, 'g/L', DX), lab('lab:creatinine', 70, 'umol/L', DX), lab('lab:egfr', 90, 'mL/min/{1.73_m2}', DX), lab('lab:flc-kappa', 20, 'mg/L', DX), lab('lab:flc-lambda', 15, 'mg/L', DX)];
    return classifySolitaryPlasmacytoma.evaluate(
      snapshot({
        conditions: [condition('cond:solitary-plasmacytoma-bone', { onset: DX })],
        labs: labsByConcept(...base, ...labs),
        codedObservations: codedByConcept(...imaging, ...(clonality ? [coded('obs:bm-clonal-plasma-cells', [clonality], DX)] : [])),
      }),
      context('patient-view'),
    );
  };

  it('3 % total plasma cells (11118-7) only: no 60 % group, the card says clonality is needed', () => {
    const f = findingsFor([lab('lab:bmpc', 3, '%', DX)]);
    expect(f[0]).toMatchObject({ outcome: 'fired', variant: 'clonality-unknown' });
    expect(f[0]?.params.risk).toBeUndefined();
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toMatch(/clonal/i);
    expect(renderBoth(f, 'patient-view').nb[0]?.summary).toMatch(/klonal/i);
  });

  it('clonal plasma cells given as a percentage: 0 % -> 10 % group, 3 % -> 60 % group', () => {
    expect(findingsFor([lab('lab:bmpc', 3, '%', DX), lab('lab:bmpc-clonal', 0, '%', DX)])[0]).toMatchObject({ variant: 'no-marrow-involvement', params: { risk: 10 } });
    expect(findingsFor([lab('lab:bmpc', 3, '%', DX), lab('lab:bmpc-clonal', 3, '%', DX)])[0]).toMatchObject({ variant: 'bone-minimal-marrow', params: { risk: 60 } });
  });

  it('clonality by flow/IHC: absent -> 10 % group, present (total < 10 %) -> 60 % group', () => {
    expect(findingsFor([lab('lab:bmpc', 3, '%', DX)], 'answer:absent')[0]).toMatchObject({ variant: 'no-marrow-involvement', params: { risk: 10 } });
    expect(findingsFor([lab('lab:bmpc', 3, '%', DX)], 'answer:present')[0]).toMatchObject({ variant: 'bone-minimal-marrow', params: { risk: 60 } });
  });
});
