import { expect } from '@jest/globals';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { classifyMgus } from './classify-mgus.js';
import { condition, context, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const DX = '2025-05-20T00:00:00Z';
const mgus = condition('cond:mgus', { onset: DX });
const normal = [lab('lab:hb', 13, 'g/dL', DX), lab('lab:calcium-corrected', 2.4, 'mmol/L', DX), lab('lab:creatinine', 80, 'umol/L', DX), lab('lab:egfr', 80, 'mL/min/{1.73_m2}', DX), lab('lab:flc-kappa', 30, 'mg/L', DX), lab('lab:flc-lambda', 10, 'mg/L', DX)];
const run = (labs: ReturnType<typeof lab>[]) => classifyMgus.evaluate(snapshot({ conditions: [mgus], labs: labsByConcept(...labs) }), context('patient-view'));

describe('classify-mgus', () => {
  it('fires with BMPC 9.9 %, M 29.9 g/L, no laboratory MDE; imaging noted as not coded', () => {
    const f = run([...normal, lab('lab:bmpc', 9.9, '%', DX), lab('lab:mprotein', 29.9, 'g/L', DX)]);
    expect(f[0]).toMatchObject({ outcome: 'fired', criteriaMet: expect.arrayContaining(['bmpc-lt-10', 'serum-m-detectable']) });
    expect(f[0]?.criteriaNotMet).toEqual(expect.arrayContaining(['imaging-not-coded', 'urine-m-not-measured']));
    const { en, nb } = renderBoth(f, 'patient-view');
    expect(en[0]?.summary).toBe('MGUS criteria met: BMPC <10 %, clonal marker present, no myeloma-defining event');
    expect(nb[0]?.summary).toMatch(/^Kriterier for MGUS oppfylt/);
  });

  it('BMPC 10 % or M 30 g/L is not MGUS', () => {
    expect(run([...normal, lab('lab:bmpc', 10, '%', DX), lab('lab:mprotein', 8, 'g/L', DX)])).toEqual([]);
    expect(run([...normal, lab('lab:bmpc', 4, '%', DX), lab('lab:mprotein', 30, 'g/L', DX)])).toEqual([]);
  });

  it('FLC ratio edges 0.26 / 1.65 with no detectable M-protein', () => {
    const withRatio = (r: number) => run([...normal.slice(0, 4), lab('lab:bmpc', 4, '%', DX), lab('lab:mprotein', 0, 'g/L', DX), lab('lab:flc-ratio', r, '{ratio}', DX), lab('lab:flc-kappa', 20, 'mg/L', DX), lab('lab:flc-lambda', 12, 'mg/L', DX)]);
    expect(withRatio(0.26)).toEqual([]);
    expect(withRatio(0.259)[0]?.outcome).toBe('fired');
    expect(withRatio(1.65)).toEqual([]);
    expect(withRatio(1.66)[0]?.criteriaMet).toContain('flc-ratio-abnormal');
  });

  it('no marrow examination -> not-evaluable (low-risk work-up cannot be established: isotype not in the record)', () => {
    const f = run([...normal, lab('lab:mprotein', 8, 'g/L', DX)]);
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:bmpc'] });
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toBe('Cannot evaluate MGUS: missing bone-marrow plasma cells');
  });

  it('M-protein in g/dL (buildSnapshot): 2.99 g/dL is MGUS, 3.0 g/dL is not', () => {
    const o = (id: string, loinc: string, v: number, u: string) => ({ resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: loinc }] }, effectiveDateTime: '2025-05-20', valueQuantity: { value: v, unit: u, system: 'http://unitsofmeasure.org', code: u } });
    const cond = { resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'D47.2' }] }, onsetDateTime: '2025-05-20' };
    const base = [o('hb', '718-7', 130, 'g/L'), o('ca', '29265-6', 2.4, 'mmol/L'), o('cr', '14682-9', 80, 'umol/L'), o('eg', '98979-8', 80, 'mL/min/{1.73_m2}'), o('k', '36916-5', 30, 'mg/L'), o('l', '33944-0', 10, 'mg/L'), o('bm', '11118-7', 4, '%')];
    const evalWith = (m: number) => {
      const input = { patientId: 'p1', resources: { observations: [...base, o('m', '33358-3', m, 'g/dL')], conditions: [cond] }, medications: [], draftOrders: [], unavailable: [] } as unknown as SnapshotInput;
      return classifyMgus.evaluate(buildSnapshot(input, loadTerminology(), new Date('2025-06-01T10:00:00Z')), context('patient-view'));
    };
    expect(evalWith(2.99)[0]?.outcome).toBe('fired');
    expect(evalWith(3.0)).toEqual([]);
  });
});
