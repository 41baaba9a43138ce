import { classifySolitaryPlasmacytoma, spFindings, spVariant } from './classify-solitary-plasmacytoma.js';
import { type PcdAssessment, classifyPcd } from './classification-imwg.js';
import { result } from './classification-mde.js';
import { condition, context, lab, labsByConcept, snapshot } from './snapshot-factory.test-support.js';
import { renderBoth } from './render.test-support.js';

const DX = '2025-05-20T00:00:00Z';
const no = result('not-met');
const clean = { C: no, R: no, A: no, B: no, SLiM: no };
function confirmed(site: 'bone' | 'extramedullary', bmpc?: number): PcdAssessment {
  const core = classifyPcd({ mde: clean, ...(bmpc !== undefined ? { bmpc } : {}), serumM: 2, plasmacytoma: site, al: false, noFurtherLesions: { ct: true, mri: true } });
  return { ...core, values: [], suggestions: [] };
}

describe('classify-solitary-plasmacytoma', () => {
  it.each([
    ['bone', 0, 'no-marrow-involvement', 10],
    ['extramedullary', 0, 'no-marrow-involvement', 10],
    ['bone', 3, 'bone-minimal-marrow', 60],
    ['bone', 9.9, 'bone-minimal-marrow', 60],
    ['extramedullary', 3, 'soft-tissue-minimal-marrow', 20],
  ] as const)('%s, BMPC %p %% -> %s (%p %%)', (site, bmpc, variant, risk) => {
    expect(spVariant({ bmpc, plasmacytoma: site })).toEqual({ variant, risk });
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

  it('from a record (imaging not coded) it cannot be confirmed: missing CT and MRI', () => {
    const snap = snapshot({ conditions: [condition('cond:solitary-plasmacytoma-bone', { onset: DX })], labs: labsByConcept(lab('lab:bmpc', 3, '%', DX), lab('lab:mprotein', 2, 'g/L', DX)) });
    const f = classifySolitaryPlasmacytoma.evaluate(snap, context('patient-view'));
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'default' });
    expect(f[0]?.missing.slice(0, 2)).toEqual(['obs:lowdose-ct-lesions', 'obs:wb-mri-lesions']);
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toMatch(/^Solitary plasmacytoma cannot be confirmed: missing Low-dose CT/);
  });

  it('no plasmacytoma condition -> no card', () => {
    const snap = snapshot({ conditions: [condition('cond:mgus', { onset: DX })], labs: labsByConcept(lab('lab:mprotein', 2, 'g/L', DX)) });
    expect(classifySolitaryPlasmacytoma.evaluate(snap, context('patient-view'))).toEqual([]);
  });
});
