import type { CodedObservation, Finding, LabValue, PatientSnapshot } from '../../types.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { classifyResponse, responseCategory } from './response-category.js';
import { renderBoth } from '../support/render.test-support.js';
import { coded, codedByConcept, condition, context, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const BEFORE = '2026-02-25T08:00:00Z';
const START = '2026-03-01T09:00:00Z';
const LATER = '2026-10-01T08:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2026-02-20', id: 'mm' });
const len = medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: START, id: 'len-1' });

const serum = (v: number, at: string) => lab('lab:mprotein', v, 'g/L', at);
const urine = (v: number, at: string) => lab('lab:mprotein-urine-24h', v, 'mg/(24.h)', at);
const kappa = (v: number, at: string) => lab('lab:flc-kappa', v, 'mg/L', at);
const lambda = (v: number, at: string) => lab('lab:flc-lambda', v, 'mg/L', at);
const bmpc = (v: number, at: string) => lab('lab:bmpc', v, '%', at);
const ratio = (v: number, at: string) => lab('lab:flc-ratio', v, '{ratio}', at);
const neg = (concept: string, at = LATER) => coded(concept, ['answer:negative'], at);
const pos = (concept: string, at = LATER) => coded(concept, ['answer:positive'], at);

function snap(labs: LabValue[], codedObs: CodedObservation[] = [], extra: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], administrations: [len], labs: labsByConcept(...labs), codedObservations: codedByConcept(...codedObs), ...extra });
}
function run(s: PatientSnapshot): Finding[] {
  return responseCategory.evaluate(s, context('patient-view', NOW));
}
function only(s: PatientSnapshot): Finding {
  const f = run(s);
  expect(f).toHaveLength(1);
  return f[0] as Finding;
}
const category = (s: PatientSnapshot) => classifyResponse(s, NOW)?.category;

describe('response-category', () => {
  it('declares hooks and needs', () => {
    expect(responseCategory.hooks).toEqual(['patient-view']);
    expect(responseCategory.needs).toEqual(['conditions', 'observations', 'medicationRequests', 'medicationAdministrations']);
  });

  describe('serum M-protein reduction from baseline 20 g/L (urine not collected)', () => {
    it.each([
      [2, 'VGPR'], // 90 %
      [2.02, 'PR'], // 89.9 %
      [10, 'PR'], // 50 %
      [10.02, 'MR'], // 49.9 %
      [15, 'MR'], // 25 %
      [15.02, 'SD'], // 24.9 %
    ])('latest %p g/L → %s', (latest, expected) => {
      const f = only(snap([serum(20, BEFORE), serum(latest, LATER)]));
      expect(f.outcome).toBe('fired');
      expect(f.params).toEqual({ category: expected });
      expect(f.variant).toBe('default');
      expect(f.missing).toEqual([]);
    });
  });

  describe('24-h urine criteria when urine was measurable at baseline', () => {
    it.each([
      [20, 1, 500, 99.9, 'VGPR'], // urine < 100
      [20, 1, 500, 100, 'PR'], // not < 100, but < 200
      [20, 9, 500, 199.9, 'PR'],
      [20, 9, 500, 200, 'MR'], // 60 % fall: not ≥ 90 %, not < 200, but > 50 %
      [20, 9, 2500, 250, 'PR'], // 90 % fall
      [20, 9, 2500, 252.5, 'MR'], // 89.9 % fall
      [20, 15, 500, 249.5, 'MR'], // 50.1 % fall
      [20, 15, 500, 250, 'SD'], // 50 %: MR needs > 50 %
    ])('serum %p → %p g/L, urine %p → %p mg/24h → %s', (sb, sl, ub, ul, expected) => {
      expect(category(snap([serum(sb, BEFORE), serum(sl, LATER), urine(ub, BEFORE), urine(ul, LATER)]))).toBe(expected);
    });

    it('leaves the category open when the measurable urine has no follow-up value', () => {
      const f = only(snap([serum(20, BEFORE), serum(1, LATER), urine(500, BEFORE)]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toContain('lab:mprotein-urine-24h');
    });

    it('evaluates on urine alone when serum is not measurable', () => {
      expect(category(snap([serum(4, BEFORE), serum(4, LATER), urine(800, BEFORE), urine(90, LATER)]))).toBe('VGPR');
    });
  });

  describe('dFLC when neither serum nor urine is measurable (baseline λ 410, κ 10 → dFLC 400)', () => {
    const base = [serum(5, BEFORE), serum(4, LATER), kappa(10, BEFORE), lambda(410, BEFORE), ratio(0.024, BEFORE)];
    it.each([
      [40, 'PR'], // 90 %: VGPR needs > 90 %
      [39.6, 'VGPR'], // 90.1 %
      [200, 'MR'], // 50 %
      [199.6, 'PR'], // 50.1 %
      [300, 'SD'], // 25 %
      [299.6, 'MR'], // 25.1 %
    ])('dFLC → %p mg/L → %s', (dflc, expected) => {
      expect(category(snap([...base, kappa(10, LATER), lambda(10 + dflc, LATER)]))).toBe(expected);
    });
  });

  describe('marrow only (no measurable M, normal FLC)', () => {
    const base = (b: number) => [serum(5, BEFORE), serum(4, LATER), kappa(15, BEFORE), lambda(12, BEFORE), ratio(1.25, BEFORE), bmpc(b, BEFORE)];
    it('PR at ≥ 50 % marrow reduction, baseline ≥ 30 %', () => {
      expect(category(snap([...base(40), bmpc(20, LATER)]))).toBe('PR');
      expect(category(snap([...base(40), bmpc(20.04, LATER)]))).toBe('SD');
      expect(category(snap([...base(30), bmpc(15, LATER)]))).toBe('PR');
    });
    it('is not evaluable with a baseline below 30 %', () => {
      const f = only(snap([...base(29.9), bmpc(10, LATER)]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toEqual(['measurable-disease']);
    });
  });

  describe('CR, sCR and MRD-negative', () => {
    const crLabs = (marrow: number) => [serum(20, BEFORE), serum(0, LATER), bmpc(marrow, LATER), kappa(12, LATER), lambda(10, LATER), ratio(1.2, LATER)];
    const ife = [neg('obs:serum-immunofixation'), neg('obs:urine-immunofixation')];

    it('CR at ≤ 5 % marrow plasma cells; 5.1 % is VGPR', () => {
      const f = only(snap(crLabs(5), ife));
      expect(f.params).toEqual({ category: 'CR' });
      expect(f.variant).toBe('incomplete');
      expect(f.missing).toEqual(expect.arrayContaining(['lab:mrd-flow', 'obs:bm-clonal-plasma-cells']));
      expect(category(snap(crLabs(5.1), ife))).toBe('VGPR');
    });

    it('MRD-negative and sCR', () => {
      expect(category(snap(crLabs(2), [...ife, neg('lab:mrd-flow')]))).toBe('MRD-negative');
      const f = only(snap(crLabs(2), [...ife, neg('obs:bm-clonal-plasma-cells')]));
      expect(f.params).toEqual({ category: 'sCR' });
      expect(f.missing).toEqual(['lab:mrd-flow']);
      expect(category(snap(crLabs(2), [...ife, pos('lab:mrd-flow'), neg('obs:bm-clonal-plasma-cells')]))).toBe('sCR');
    });

    it('never guesses CR without immunofixation: VGPR, naming the missing items, with IFE orders', () => {
      const f = only(snap(crLabs(2)));
      expect(f.params).toEqual({ category: 'VGPR' });
      expect(f.variant).toBe('incomplete');
      expect(f.missing).toEqual(expect.arrayContaining(['obs:serum-immunofixation', 'obs:urine-immunofixation']));
      expect(f.suggestions).toEqual([{ template: 'order-ife-serum' }, { template: 'order-ife-urine' }]);
    });

    it('says that immunosubtraction is not enough', () => {
      const f = only(snap(crLabs(2), [neg('obs:serum-immunosubtraction'), neg('obs:urine-immunofixation')]));
      expect(f.params).toEqual({ category: 'VGPR' });
      expect(f.criteriaNotMet).toContain('ife-method');
      expect(f.missing).toContain('obs:serum-immunofixation');
    });

    it('ignores immunofixation taken before therapy start', () => {
      const f = only(snap(crLabs(2), [neg('obs:serum-immunofixation', BEFORE), neg('obs:urine-immunofixation', BEFORE)]));
      expect(f.missing).toEqual(expect.arrayContaining(['obs:serum-immunofixation']));
    });

    it('VGPR when detectable only by immunofixation', () => {
      expect(category(snap([serum(20, BEFORE), serum(0, LATER)], [pos('obs:serum-immunofixation')]))).toBe('VGPR');
    });
  });

  it('PD (warning) from a rise from the nadir, over any earlier response', () => {
    const f = only(snap([serum(20, BEFORE), serum(2, '2026-06-01'), serum(7.5, LATER)]));
    // The PD is the current status; the VGPR reached before it stays the best response.
    expect(f.params).toEqual({ category: 'PD', best: 'VGPR' });
    expect(f.variant).toBe('PD-after-response');
    expect(f.indicator).toBe('warning');
    expect(f.criteriaMet).toContain('pd-clonal');
  });

  it('new CRAB criteria without clonal progression are not PD (other causes first); with a new lesion they are', () => {
    const crab = [serum(20, BEFORE), serum(2, LATER), lab('lab:hb', 11.5, 'g/dL', '2026-09-01'), lab('lab:hb', 9.4, 'g/dL', LATER)];
    expect(only(snap(crab)).params).toEqual({ category: 'VGPR' });
    const f = only(snap(crab, [coded('obs:imaging-progressive-lesion', ['answer:present'], LATER)]));
    expect(f.params.category).toBe('PD');
    expect(f.criteriaMet).toContain('pd-crab');
  });

  describe('missing data', () => {
    it('no baseline → not evaluable', () => {
      const f = only(snap([serum(8, LATER)]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toEqual(['serum-m-baseline', 'flc-baseline']);
    });
    it('a baseline older than 60 days before therapy start does not count', () => {
      const f = only(snap([serum(20, '2025-12-15'), serum(2, LATER)]));
      expect(f.outcome).toBe('not-evaluable');
    });
    it('extramedullary plasmacytoma → not evaluable (size not in the data)', () => {
      const s = snap([serum(20, BEFORE), serum(2, LATER)], [], { conditions: [myeloma, condition('cond:extramedullary-plasmacytoma')] });
      expect(only(s).missing).toEqual(['emp-size']);
    });
    it('no therapy or no myeloma → no card (MD-scope)', () => {
      expect(run(snap([serum(20, BEFORE), serum(2, LATER)], [], { administrations: [] }))).toEqual([]);
      expect(run(snap([serum(20, BEFORE), serum(2, LATER)], [], { conditions: [condition('cond:mgus')] }))).toEqual([]);
    });
  });

  it('gives the same answer with M-protein in g/dL (FHIR via buildSnapshot)', () => {
    const obs = (id: string, value: number, unit: string, at: string) => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      subject: { reference: 'Patient/p1' },
      code: { coding: [{ system: 'http://loinc.org', code: '33358-3' }] },
      effectiveDateTime: at,
      valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    });
    const resources = {
      conditions: [{ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] } }],
      medicationAdministrations: [
        {
          resourceType: 'MedicationAdministration',
          id: 'a',
          status: 'completed',
          subject: { reference: 'Patient/p1' },
          effectiveDateTime: START,
          medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L04AX04' }] },
        },
      ],
      observations: [obs('o1', 2.0, 'g/dL', BEFORE), obs('o2', 0.2, 'g/dL', LATER)],
    };
    const s = buildSnapshot({ patientId: 'p1', resources, medications: [], draftOrders: [], unavailable: [] } as never, loadTerminology(), NOW);
    expect(s.labs['lab:mprotein']?.map((v) => v.value)).toEqual([2, 20]);
    expect(category(s)).toBe('VGPR');
    const gl = buildSnapshot(
      { patientId: 'p1', resources: { ...resources, observations: [obs('o1', 20, 'g/L', BEFORE), obs('o2', 2.02, 'g/L', LATER)] }, medications: [], draftOrders: [], unavailable: [] } as never,
      loadTerminology(),
      NOW,
    );
    expect(category(gl)).toBe('PR');
  });

  it('renders every kind of finding in both languages', () => {
    const cases: [PatientSnapshot, string][] = [
      [snap([serum(20, BEFORE), serum(2, LATER)]), 'Best response: VGPR'],
      [snap([serum(20, BEFORE), serum(0, LATER), bmpc(2, LATER)]), 'Best response: VGPR (higher category not evaluable'],
      [snap([serum(20, BEFORE), serum(2, '2026-06-01'), serum(7.5, LATER)]), 'Current status: PD (progressive disease); best response before progression: VGPR'],
      [snap([serum(8, LATER)]), 'Cannot evaluate response category: missing'],
    ];
    for (const [s, text] of cases) {
      const { nb, en } = renderBoth(run(s), 'patient-view');
      expect(en[0]?.summary).toContain(text);
      expect(nb[0]?.summary).toMatch(/respons/i);
    }
    const { en } = renderBoth(run(snap([serum(20, BEFORE), serum(0, LATER), bmpc(2, LATER)])), 'patient-view');
    expect(en[0]?.suggestions?.map((x) => x.label)).toEqual(['Order serum immunofixation', 'Order urine immunofixation']);
    expect(en[0]?.detail).toContain('serum immunofixation');
  });
});
