import type { Finding, LabValue } from '../../types.js';
import {
  DIAGNOSIS_WINDOW_DAYS,
  ISS_II_REQUIRES_ALBUMIN,
  classifyIss,
  stageIss,
} from './stage-iss.js';
import { condition, context, daysFrom, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';

const DX = '2025-01-15T00:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: DX, id: 'mm' });

function b2m(value: number, when: Date | string = DX, unit = 'mg/L'): LabValue {
  return lab('lab:b2m', value, unit, when);
}
function albumin(value: number, when: Date | string = DX, unit = 'g/L'): LabValue {
  return lab('lab:albumin', value, unit, when);
}

function run(labs: LabValue[], conditions = [myeloma]): Finding[] {
  return stageIss.evaluate(snapshot({ conditions, labs: labsByConcept(...labs) }), context('patient-view'));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('stage-iss', () => {
  it('declares its hooks and needs', () => {
    expect(stageIss.id).toBe('stage-iss');
    expect(stageIss.hooks).toEqual(['patient-view']);
    expect(stageIss.needs).toEqual(['patient', 'conditions', 'observations']);
    expect(stageIss.handlesUnavailable).toBeUndefined();
  });

  describe('thresholds (β2M 3.5 / 5.5 mg/L, albumin 35 g/L)', () => {
    it.each([
      [3.49, 35, 'I'],
      [3.49, 34.9, 'II'],
      [3.5, 35, 'II'],
      [3.5, 50, 'II'],
      [5.49, 40, 'II'],
      [5.49, 20, 'II'],
      [5.5, 40, 'III'],
      [5.5, 20, 'III'],
      [12, 45, 'III'],
      [1.2, 48, 'I'],
    ])('β2M %p mg/L, albumin %p g/L -> ISS %s', (b, a, stage) => {
      const f = only(run([b2m(b), albumin(a)]));
      expect(f.outcome).toBe('fired');
      expect(f.variant).toBe(stage);
      expect(f.params).toEqual({ stage, b2m: b, albumin: a });
      expect(f.subject).toBe('patient');
      expect(f.indicator).toBeUndefined();
    });

    it('assigns ISS III without albumin', () => {
      const f = only(run([b2m(5.5)]));
      expect(f.variant).toBe('III');
      expect(f.params).toEqual({ stage: 'III', b2m: 5.5 });
      expect(f.missing).toEqual([]);
    });

    it('records criteria met and not met', () => {
      expect(only(run([b2m(3.49), albumin(35)]))).toMatchObject({
        criteriaMet: ['b2m-lt-3.5', 'albumin-ge-35'],
        criteriaNotMet: ['b2m-ge-5.5'],
      });
      expect(only(run([b2m(3.49), albumin(34.9)]))).toMatchObject({
        criteriaMet: ['b2m-lt-3.5'],
        criteriaNotMet: ['albumin-ge-35', 'b2m-ge-5.5'],
      });
      expect(only(run([b2m(5.5)]))).toMatchObject({ criteriaMet: ['b2m-ge-5.5'], criteriaNotMet: ['b2m-lt-3.5'] });
    });

    it('reports the values used with dates, units and sources', () => {
      const b = b2m(4.2, daysFrom(DX, -3));
      const a = albumin(38, daysFrom(DX, 2));
      const f = only(run([b, a]));
      expect(f.values).toEqual([
        { concept: 'diagnosis', value: 'cond:multiple-myeloma', date: new Date(DX), source: { resourceType: 'Condition', id: 'mm' } },
        { concept: 'lab:b2m', value: 4.2, unit: 'mg/L', date: b.effective, source: b.source },
        { concept: 'lab:albumin', value: 38, unit: 'g/L', date: a.effective, source: a.source },
      ]);
    });
  });

  describe('missing data (MD-info)', () => {
    it('β2M missing -> not-evaluable, asks for both tests when albumin is missing too', () => {
      const f = only(run([]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.variant).toBe('default');
      expect(f.missing).toEqual(['lab:b2m', 'lab:albumin']);
      expect(f.suggestions).toEqual([
        { template: 'order-lab', params: { concept: 'lab:b2m', loinc: '1952-1' } },
        { template: 'order-lab', params: { concept: 'lab:albumin', loinc: '1751-7' } },
      ]);
    });

    it('β2M missing with albumin known -> not-evaluable, asks only for β2M', () => {
      const f = only(run([albumin(40)]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toEqual(['lab:b2m']);
      expect(f.suggestions).toEqual([{ template: 'order-lab', params: { concept: 'lab:b2m', loinc: '1952-1' } }]);
    });

    it('β2M < 3.5 with albumin missing cannot separate I from II', () => {
      const f = only(run([b2m(3.49)]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toEqual(['lab:albumin']);
      expect(f.suggestions).toEqual([{ template: 'order-lab', params: { concept: 'lab:albumin', loinc: '1751-7' } }]);
    });

    it('β2M in [3.5, 5.5) with albumin missing follows the catalogue literally (not-evaluable)', () => {
      expect(ISS_II_REQUIRES_ALBUMIN).toBe(true);
      const f = only(run([b2m(5.49)]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toEqual(['lab:albumin']);
    });

    it('the alternative reading assigns II from β2M ≥ 3.5 alone (behind ISS_II_REQUIRES_ALBUMIN)', () => {
      expect(classifyIss(3.5, undefined, false).stage).toBe('II');
      expect(classifyIss(3.49, undefined, false)).toEqual({ missing: ['lab:albumin'], met: ['b2m-lt-3.5'], notMet: ['b2m-ge-5.5'] });
      expect(classifyIss(3.5, undefined, true)).toEqual({ missing: ['lab:albumin'], met: [], notMet: ['b2m-lt-3.5', 'b2m-ge-5.5'] });
    });

    it('ignores values in a unit other than the canonical one', () => {
      const f = only(run([b2m(300, DX, 'nmol/L'), albumin(4, DX, 'g/dL')]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toEqual(['lab:b2m', 'lab:albumin']);
    });
  });

  describe('values at diagnosis (±60 days, A.0.5)', () => {
    it('uses a value 60 days from the diagnosis date, not one 61 days away', () => {
      expect(DIAGNOSIS_WINDOW_DAYS).toBe(60);
      expect(only(run([b2m(6, daysFrom(DX, 60))])).variant).toBe('III');
      expect(only(run([b2m(6, daysFrom(DX, -60))])).variant).toBe('III');
      const late = only(run([b2m(6, daysFrom(DX, 61))]));
      expect(late.outcome).toBe('not-evaluable');
      expect(late.missing).toEqual(['lab:b2m', 'lab:albumin']);
      expect(only(run([b2m(6, daysFrom(DX, -61))])).outcome).toBe('not-evaluable');
    });

    it('counts albumin outside the window as missing', () => {
      const f = only(run([b2m(3, DX), albumin(40, daysFrom(DX, 61))]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toEqual(['lab:albumin']);
    });

    it('takes the value closest to the diagnosis date, not the latest', () => {
      const f = only(run([b2m(6, daysFrom(DX, -20)), b2m(3, daysFrom(DX, 5)), b2m(8, daysFrom(DX, 50)), albumin(40)]));
      expect(f.variant).toBe('I');
      expect(f.params.b2m).toBe(3);
    });

    it('breaks an equal distance towards the earlier (pre-treatment) value', () => {
      const f = only(run([b2m(6, daysFrom(DX, 10)), b2m(3, daysFrom(DX, -10)), albumin(40)]));
      expect(f.params.b2m).toBe(3);
    });

    it('uses the earliest onset among scope conditions, falling back to the recorded date', () => {
      const pcl = condition('cond:plasma-cell-leukaemia', { recorded: daysFrom(DX, -100), id: 'pcl' });
      const f = only(run([b2m(6, daysFrom(DX, -100)), b2m(2, DX), albumin(40, daysFrom(DX, -100))], [myeloma, pcl]));
      expect(f.variant).toBe('III');
      expect(f.values[0]).toMatchObject({ concept: 'diagnosis', date: daysFrom(DX, -100), source: { id: 'pcl' } });
    });

    it('without a diagnosis date uses the latest values', () => {
      const undated = condition('cond:multiple-myeloma', { id: 'mm-undated' });
      const f = only(
        run([b2m(6, '2020-01-01'), b2m(3, '2025-05-01'), albumin(30, '2020-01-01'), albumin(41, '2025-04-20')], [undated]),
      );
      expect(f.variant).toBe('I');
      expect(f.params).toEqual({ stage: 'I', b2m: 3, albumin: 41 });
      expect(f.values[0]).toEqual({ concept: 'diagnosis', value: 'cond:multiple-myeloma', source: { resourceType: 'Condition', id: 'mm-undated' } });
    });
  });

  describe('scope (MD-scope)', () => {
    it('no myeloma -> no finding', () => {
      expect(stageIss.evaluate(snapshot({ labs: labsByConcept(b2m(6)) }), context('patient-view'))).toEqual([]);
    });

    it('MGUS, smouldering myeloma or plasmacytoma only -> no finding', () => {
      const others = [
        condition('cond:mgus', { onset: DX }),
        condition('cond:smouldering-myeloma', { onset: DX }),
        condition('cond:solitary-plasmacytoma', { onset: DX }),
      ];
      expect(run([b2m(6), albumin(30)], others)).toEqual([]);
    });

    it('plasma cell leukaemia is staged', () => {
      expect(only(run([b2m(6)], [condition('cond:plasma-cell-leukaemia', { onset: DX })])).variant).toBe('III');
    });

    it.each([undefined, 'active', 'recurrence', 'relapse'])('clinicalStatus %p is in scope', (clinicalStatus) => {
      const c = condition('cond:multiple-myeloma', { onset: DX, ...(clinicalStatus ? { clinicalStatus } : {}) });
      expect(run([b2m(6)], [c])).toHaveLength(1);
    });

    it.each(['inactive', 'remission', 'resolved'])('clinicalStatus %p is out of scope', (clinicalStatus) => {
      expect(run([b2m(6)], [condition('cond:multiple-myeloma', { onset: DX, clinicalStatus })])).toEqual([]);
    });

    it('a refuted or entered-in-error diagnosis is out of scope', () => {
      for (const verificationStatus of ['refuted', 'entered-in-error']) {
        expect(run([b2m(6)], [condition('cond:multiple-myeloma', { onset: DX, verificationStatus })])).toEqual([]);
      }
    });
  });
});
