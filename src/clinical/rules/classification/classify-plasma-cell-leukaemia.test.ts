import { classifyPlasmaCellLeukaemia } from './classify-plasma-cell-leukaemia.js';
import { DRUGS, condition, context, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const DX = '2025-05-20T00:00:00Z';
const pcl = condition('cond:plasma-cell-leukaemia', { onset: DX });
const run = (labs: ReturnType<typeof lab>[], extra = {}) =>
  classifyPlasmaCellLeukaemia.evaluate(snapshot({ conditions: [pcl], labs: labsByConcept(...labs), ...extra }), context('patient-view'));

describe('classify-plasma-cell-leukaemia', () => {
  it('declares it handles unavailable medication data itself', () => {
    expect(classifyPlasmaCellLeukaemia.handlesUnavailable).toBe(true);
  });

  it.each([
    [4.9, 0],
    [5, 1], // C-6: exactly 5 % counts (IMWG ≥ 5 %), proposal
    [5.1, 1],
  ])('blood plasma cells %p %% -> %p card(s)', (pct, n) => {
    const f = run([lab('lab:blood-plasma-cells-pct', pct, '%', DX)]);
    expect(f).toHaveLength(n);
    if (n) {
      expect(f[0]).toMatchObject({ outcome: 'fired', variant: 'default', params: { pct } });
      expect(renderBoth(f, 'patient-view').en[0]?.indicator).toBe('warning');
    }
  });

  it('primary when myeloma criteria are met and no prior therapy; secondary after therapy', () => {
    const labs = [lab('lab:blood-plasma-cells-pct', 12, '%', DX), lab('lab:bmpc', 70, '%', DX)];
    const primary = run(labs);
    expect(primary[0]?.variant).toBe('primary');
    const secondary = run(labs, { medications: [medication(DRUGS.bortezomib, { status: 'completed' })] });
    expect(secondary[0]?.variant).toBe('secondary');
    const { en } = renderBoth([...primary], 'patient-view');
    expect(en[0]?.summary).toBe('Primary plasma cell leukaemia: 12 % circulating plasma cells, untreated; first line anti-CD38+KRd, tandem HMAS, double maintenance');
  });

  it('medication list unavailable -> still warns, without primary/secondary', () => {
    const f = run([lab('lab:blood-plasma-cells-pct', 12, '%', DX), lab('lab:bmpc', 70, '%', DX)], { unavailable: ['medicationRequests'] });
    expect(f[0]?.variant).toBe('default');
  });

  it('an analyser absolute count only -> not-evaluable: count must be confirmed on a smear', () => {
    const f = run([lab('lab:blood-plasma-cells-abs', 1.2, '10*9/L', DX), lab('lab:wbc', 8, '10*9/L', DX)]);
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:blood-plasma-cells-pct'], suggestions: [{ template: 'order-smear' }] });
    expect(f[0]?.values).toEqual(expect.arrayContaining([expect.objectContaining({ concept: 'blood-pc-pct-calculated', value: 15 })]));
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toMatch(/^Count must be confirmed on a blood smear/);
    expect(run([lab('lab:blood-plasma-cells-abs', 0.2, '10*9/L', DX), lab('lab:wbc', 8, '10*9/L', DX)])).toEqual([]);
    expect(run([lab('lab:blood-plasma-cells-abs', 0.2, '10*9/L', DX)])[0]?.missing).toEqual(['lab:blood-plasma-cells-pct', 'lab:wbc']);
  });

  it('MD-scope: no value -> no card; no scope -> no card', () => {
    expect(run([])).toEqual([]);
    expect(classifyPlasmaCellLeukaemia.evaluate(snapshot({ labs: labsByConcept(lab('lab:blood-plasma-cells-pct', 12, '%', DX)) }), context('patient-view'))).toEqual([]);
  });
});
