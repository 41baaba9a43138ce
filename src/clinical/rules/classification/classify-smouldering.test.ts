import { classifySmouldering } from './classify-smouldering.js';
import { classifyPcd, pcdFinding } from './context.js';
import { result } from './mde-criteria.js';
import { condition, context, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const DX = '2025-05-20T00:00:00Z';
const smm = condition('cond:smouldering-myeloma', { onset: DX });
const run = (labs: ReturnType<typeof lab>[]) => classifySmouldering.evaluate(snapshot({ conditions: [smm], labs: labsByConcept(...labs) }), context('patient-view'));
const normal = [lab('lab:hb', 13, 'g/dL', DX), lab('lab:calcium-corrected', 2.4, 'mmol/L', DX), lab('lab:creatinine', 80, 'umol/L', DX), lab('lab:egfr', 80, 'mL/min/{1.73_m2}', DX), lab('lab:flc-kappa', 30, 'mg/L', DX), lab('lab:flc-lambda', 10, 'mg/L', DX)];

describe('classify-smouldering', () => {
  it.each([
    [29.9, 9.9, []],
    [30, 9.9, ['serum-m-ge-30']],
    [10, 10, ['bmpc-10-59']],
    [10, 59, ['bmpc-10-59']],
  ])('M %p g/L, BMPC %p %% -> %j', (m, bmpc, met) => {
    const f = run([...normal, lab('lab:mprotein', m, 'g/L', DX), lab('lab:bmpc', bmpc, '%', DX)]);
    if (met.length === 0) {
      expect(f).toEqual([]);
      return;
    }
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['obs:lowdose-ct-lesions', 'obs:wb-mri-lesions'], suggestions: [{ template: 'order-wb-mri' }] });
    expect(f[0]?.criteriaMet).toEqual(expect.arrayContaining(met));
  });

  it('BMPC 60 % is SLiM, not smouldering', () => {
    expect(run([...normal, lab('lab:mprotein', 10, 'g/L', DX), lab('lab:bmpc', 60, '%', DX)])).toEqual([]);
  });

  it('urine M 499 / 500 mg/24 h decides the arm', () => {
    const base = [...normal, lab('lab:mprotein', 10, 'g/L', DX), lab('lab:bmpc', 5, '%', DX)];
    expect(run([...base, lab('lab:mprotein-urine-24h', 499, 'mg/(24.h)', DX)])).toEqual([]);
    expect(run([...base, lab('lab:mprotein-urine-24h', 500, 'mg/(24.h)', DX)])[0]?.criteriaMet).toContain('urine-m-ge-500');
  });

  it('fires only when every CRAB and SLiM item is evaluable (imaging coded), and renders both outcomes', () => {
    const no = result('not-met');
    const core = classifyPcd({ mde: { C: no, R: no, A: no, B: no, SLiM: no }, bmpc: 25, serumM: 34, al: false });
    const fired = pcdFinding('classify-smouldering', 'fired', 'default', { ...core, values: [], suggestions: [] });
    const ne = run([...normal, lab('lab:mprotein', 34, 'g/L', DX), lab('lab:bmpc', 25, '%', DX)]);
    const { en } = renderBoth([fired, ...ne], 'patient-view');
    expect(en.map((c) => c.summary)).toEqual([
      'Smouldering myeloma criteria met (M ≥30 g/L, urine M ≥500 mg/24h or BMPC 10–59 %; no MDE, no AL)',
      'Smouldering vs active myeloma cannot be separated: missing low-dose CT/X-ray (lytic lesions), whole-body MRI (focal lesions)',
    ]);
  });

  it('AL amyloidosis excludes smouldering', () => {
    const f = classifySmouldering.evaluate(snapshot({ conditions: [smm, condition('cond:al-amyloidosis', { onset: DX })], labs: labsByConcept(...normal, lab('lab:mprotein', 34, 'g/L', DX)) }), context('patient-view'));
    expect(f).toEqual([]);
  });
});
