import { expect } from '@jest/globals';
import { classifyActiveMyeloma } from './classify-active-myeloma.js';
import { condition, context, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const DX = '2025-05-20T00:00:00Z';
const mm = condition('cond:multiple-myeloma', { onset: DX });
const hbLab = (v: number) => lab('lab:hb', v, 'g/dL', DX);
const run = (labs: ReturnType<typeof lab>[], conditions = [mm]) =>
  classifyActiveMyeloma.evaluate(snapshot({ conditions, labs: labsByConcept(...labs) }), context('patient-view'));

describe('classify-active-myeloma', () => {
  it('declares hooks and needs', () => {
    expect(classifyActiveMyeloma).toMatchObject({ id: 'classify-active-myeloma', hooks: ['patient-view'] });
    expect(classifyActiveMyeloma.needs).toEqual(expect.arrayContaining(['conditions', 'observations', 'medicationRequests']));
  });

  it.each([
    [10, 'fired'],
    [9.9, 'not-evaluable'],
  ])('BMPC %p %% with Hb 9.9 g/dL -> %s', (bmpc, outcome) => {
    const f = run([lab('lab:bmpc', bmpc, '%', DX), hbLab(9.9), lab('lab:mprotein', 20, 'g/L', DX)]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ outcome, subject: 'patient' });
    const { en, nb } = renderBoth(f, 'patient-view');
    expect(en[0]?.summary).toMatch(outcome === 'fired' ? /^Criteria for treatment-requiring \(active\) myeloma appear met \(A\)/ : /^Myeloma-defining finding \(A\)/);
    expect(nb[0]?.summary.length).toBeGreaterThan(10);
  });

  it('MDE met without a marrow examination -> possible active myeloma, missing BMPC, offers the test', () => {
    const f = run([hbLab(9.9), lab('lab:mprotein', 20, 'g/L', DX)]);
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'default', missing: ['lab:bmpc'] });
    expect(f[0]?.suggestions).toEqual([{ template: 'order-lab', params: { concept: 'lab:bmpc', loinc: '11118-7' } }]);
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toBe('Possible active myeloma (A): missing bone-marrow plasma cells');
  });

  it('never "not active": Hb 10 with BMPC 30 % and imaging missing is not an active-myeloma card but the smouldering one', () => {
    expect(run([lab('lab:bmpc', 30, '%', DX), hbLab(10)])).toEqual([]);
  });

  it('no data at all -> cannot classify, lists what is missing', () => {
    const f = run([]);
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'unclassified' });
    expect(f[0]?.missing).toEqual(expect.arrayContaining(['lab:bmpc', 'lab:mprotein', 'lab:hb', 'obs:lowdose-ct-lesions']));
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toMatch(/^Cannot classify the plasma-cell disorder: missing/);
  });

  it('MD-scope: no myeloma-spectrum condition and no M-protein/FLC -> nothing', () => {
    expect(classifyActiveMyeloma.evaluate(snapshot({ labs: labsByConcept(hbLab(8)) }), context('patient-view'))).toEqual([]);
  });

  it('M-protein results alone bring the patient into scope', () => {
    const f = classifyActiveMyeloma.evaluate(snapshot({ labs: labsByConcept(lab('lab:mprotein', 40, 'g/L', DX), lab('lab:bmpc', 70, '%', DX)) }), context('patient-view'));
    expect(f[0]).toMatchObject({ outcome: 'fired', criteriaMet: expect.arrayContaining(['s-bmpc-ge-60', 'bmpc-ge-10']) });
  });
});
