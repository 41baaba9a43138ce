import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';
import type { Resource } from '@medplum/fhirtypes';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { CodedObservation, Finding, LabValue } from '../../types.js';
import { renderBoth } from '../support/render.test-support.js';
import { condition, coded, codedByConcept, context, daysFrom, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { LD_ULN, RISS_FIVE_YEAR_OS_PERCENT, classifyRiss, stageRiss } from './stage-riss.js';

const DX = '2025-01-15T00:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: DX, id: 'mm' });

const b2m = (v: number, when: Date | string = DX): LabValue => lab('lab:b2m', v, 'mg/L', when);
const albumin = (v: number, when: Date | string = DX): LabValue => lab('lab:albumin', v, 'g/L', when);
function ld(v: number, uln: number | null = 205, when: Date | string = DX): LabValue {
  const l = lab('lab:ld', v, 'U/L', when);
  return uln === null ? l : { ...l, referenceRange: { low: 105, high: uln } };
}
const fish = (finding: string, answer: 'present' | 'absent', when: Date | string = DX): CodedObservation =>
  coded(`fish:${finding}`, [`answer:${answer}`], when);
const allAbsent = (when: Date | string = DX): CodedObservation[] => ['del17p', 't4-14', 't14-16'].map((f) => fish(f, 'absent', when));

function run(labs: LabValue[], fishObs: CodedObservation[] = [], conditions = [myeloma]): Finding[] {
  return stageRiss.evaluate(
    snapshot({ conditions, labs: labsByConcept(...labs), codedObservations: codedByConcept(...fishObs) }),
    context('patient-view'),
  );
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('stage-riss', () => {
  it('declares its hooks and needs', () => {
    expect(stageRiss).toMatchObject({ id: 'stage-riss', hooks: ['patient-view'], needs: ['patient', 'conditions', 'observations'] });
    expect(RISS_FIVE_YEAR_OS_PERCENT).toEqual({ I: 82, II: 62, III: 40 });
  });

  describe('the R-ISS table', () => {
    it('ISS I + LD ≤ ULN + all three lesions absent -> R-ISS I (82 %)', () => {
      const f = only(run([b2m(3.49), albumin(35), ld(205)], allAbsent()));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'I', params: { stage: 'I', os: 82, iss: 'I' }, missing: [] });
      expect(f.criteriaMet).toEqual(['iss-i']);
      expect(f.criteriaNotMet).toEqual(['iss-iii', 'ld-gt-uln', 'hr-fish']);
    });

    it('LD just above the ULN turns ISS I into R-ISS II', () => {
      expect(only(run([b2m(3.49), albumin(35), ld(205.1)], allAbsent())).variant).toBe('II');
    });

    it('any one high-risk lesion turns ISS I into R-ISS II, even without LD', () => {
      const f = only(run([b2m(2), albumin(40)], [fish('t14-16', 'present')]));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'II', params: { stage: 'II', os: 62, iss: 'I' } });
    });

    it('ISS III + LD above ULN -> R-ISS III without FISH', () => {
      const f = only(run([b2m(5.5), ld(206)]));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'III', params: { stage: 'III', os: 40, iss: 'III' } });
      expect(f.criteriaMet).toEqual(['iss-iii', 'ld-gt-uln']);
    });

    it('ISS III + LD at ULN + del(17p) present -> R-ISS III', () => {
      const f = only(run([b2m(6), ld(205)], [fish('del17p', 'present'), fish('t4-14', 'absent')]));
      expect(f.variant).toBe('III');
      expect(f.criteriaMet).toEqual(['iss-iii', 'hr-fish']);
    });

    it('ISS III + LD at ULN + all absent -> R-ISS II', () => {
      expect(only(run([b2m(6), ld(205)], allAbsent())).params).toEqual({ stage: 'II', os: 62, iss: 'III' });
    });

    it.each([
      [3.5, 35],
      [5.49, 50],
      [3.49, 34.9],
    ])('ISS II (β2M %p, albumin %p) is R-ISS II whatever LD and FISH show', (b, a) => {
      expect(only(run([b2m(b), albumin(a)])).params).toEqual({ stage: 'II', os: 62, iss: 'II' });
      expect(only(run([b2m(b), albumin(a), ld(900)], [fish('del17p', 'present')])).variant).toBe('II');
    });

    it('β2M 5.49 vs 5.5 with a high LD: II vs III', () => {
      expect(only(run([b2m(5.49), albumin(40), ld(300)])).variant).toBe('II');
      expect(only(run([b2m(5.5), albumin(40), ld(300)])).variant).toBe('III');
    });

    it('albumin 34.9 vs 35 with β2M 3.49, normal LD and negative FISH: II vs I', () => {
      expect(only(run([b2m(3.49), albumin(34.9), ld(100)], allAbsent())).variant).toBe('II');
      expect(only(run([b2m(3.49), albumin(35), ld(100)], allAbsent())).variant).toBe('I');
    });

    it('classifyRiss never defaults to II when ISS is unknown', () => {
      expect(classifyRiss({ fish: {} })).toEqual({ range: 'unknown', met: [], notMet: [] });
    });
  });

  describe('missing data (MD-info)', () => {
    it('ISS III + normal LD + FISH missing -> "II or III", asks for FISH', () => {
      const f = only(run([b2m(6.1), albumin(30), ld(180)]));
      expect(f).toMatchObject({ outcome: 'not-evaluable', variant: 'II-or-III', params: { iss: 'III' } });
      expect(f.missing).toEqual(['fish:del17p', 'fish:t4-14', 'fish:t14-16']);
      expect(f.suggestions).toEqual([{ template: 'order-fish' }]);
    });

    it('ISS I + FISH missing -> "I or II"', () => {
      const f = only(run([b2m(3), albumin(40), ld(150)], [fish('del17p', 'absent')]));
      expect(f).toMatchObject({ outcome: 'not-evaluable', variant: 'I-or-II', missing: ['fish:t4-14', 'fish:t14-16'] });
    });

    it('LD missing or without ULN is named', () => {
      expect(only(run([b2m(3), albumin(40)], allAbsent())).missing).toEqual(['lab:ld']);
      expect(only(run([b2m(3), albumin(40)], allAbsent())).suggestions).toEqual([{ template: 'order-lab', params: { concept: 'lab:ld', loinc: '2532-0' } }]);
      const noUln = only(run([b2m(6), ld(150, null)], allAbsent()));
      expect(noUln).toMatchObject({ outcome: 'not-evaluable', variant: 'II-or-III', missing: [LD_ULN] });
      expect(noUln.suggestions).toBeUndefined();
    });

    it('ISS unknown (β2M missing) -> default variant listing ISS, LD and FISH', () => {
      const f = only(run([albumin(38)]));
      expect(f).toMatchObject({ outcome: 'not-evaluable', variant: 'default', params: {} });
      expect(f.missing).toEqual(['lab:b2m', 'lab:ld', 'fish:del17p', 'fish:t4-14', 'fish:t14-16']);
      expect(f.suggestions?.map((s) => s.params?.concept ?? s.template)).toEqual(['lab:b2m', 'lab:ld', 'order-fish']);
    });

    it('FISH outside ±60 days of diagnosis counts as missing', () => {
      expect(only(run([b2m(3), albumin(40), ld(100)], allAbsent(daysFrom(DX, 60)))).variant).toBe('I');
      expect(only(run([b2m(3), albumin(40), ld(100)], allAbsent(daysFrom(DX, 61)))).variant).toBe('I-or-II');
    });

    it('LD outside ±60 days counts as missing', () => {
      expect(only(run([b2m(6), lab('lab:ld', 300, 'U/L', daysFrom(DX, -61))])).missing).toEqual(['lab:ld', 'fish:del17p', 'fish:t4-14', 'fish:t14-16']);
    });
  });

  describe('scope (MD-scope)', () => {
    it('no myeloma, or MGUS only -> no finding', () => {
      expect(run([b2m(6), ld(300)], [], [])).toEqual([]);
      expect(run([b2m(6), ld(300)], [], [condition('cond:mgus', { onset: DX })])).toEqual([]);
      expect(run([b2m(6), ld(300)], [], [condition('cond:multiple-myeloma', { onset: DX, clinicalStatus: 'remission' })])).toEqual([]);
    });
  });

  describe('units through buildSnapshot', () => {
    const terminology = loadTerminology();
    const now = new Date('2025-02-01T10:00:00Z');
    const obs = (id: string, loinc: string, value: number, unit: string, more: Record<string, unknown> = {}): Resource =>
      ({
        resourceType: 'Observation',
        id,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
        effectiveDateTime: '2025-01-14',
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
        ...more,
      });
    const cond = {
      resourceType: 'Condition',
      id: 'c1',
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] },
      onsetDateTime: DX,
    } as Resource;
    const fishObs = ['del17p', 't4-14', 't14-16'].map(
      (code): Resource =>
        ({
          resourceType: 'Observation',
          id: `f-${code}`,
          status: 'final',
          code: { coding: [{ system: 'urn:heme-cds:fish-finding', code }] },
          effectiveDateTime: '2025-01-14',
          valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA9634-2' }] },
        }),
    );
    function stageOf(b2mNmol: number, albuminGdl: number): string {
      const ldObs = obs('ld', '2532-0', 205, 'U/L', { referenceRange: [{ low: { value: 105, unit: 'U/L' }, high: { value: 205, unit: 'U/L' } }] });
      const input: SnapshotInput = {
        patientId: 'p1',
        resources: { conditions: [cond], observations: [obs('b', '76484-5', b2mNmol, 'nmol/L'), obs('a', '1751-7', albuminGdl, 'g/dL'), ldObs, ...fishObs] },
        medications: [],
        draftOrders: [],
        unavailable: [],
      };
      const f = only(stageRiss.evaluate(buildSnapshot(input, terminology, now), context('patient-view', now)));
      return f.outcome === 'fired' ? f.variant : `${f.outcome}:${f.variant}`;
    }

    it('β2M in nmol/L and albumin in g/dL give the same stages as mg/L and g/L', () => {
      // 296 nmol/L = 3.49 mg/L; 297 nmol/L = 3.50 mg/L (× 0.0118)
      expect(stageOf(296, 3.5)).toBe('I');
      expect(stageOf(297, 3.5)).toBe('II');
      expect(stageOf(296, 3.49)).toBe('II');
      // LD at the ULN is normal: ISS III with negative FISH is R-ISS II
      expect(stageOf(467, 4)).toBe('II');
    });
  });

  describe('fixtures (clock 2026-11-22)', () => {
    const now = new Date('2026-11-22T10:00:00+01:00');
    function fixture(name: string): Finding[] {
      return stageRiss.evaluate(fixtureSnapshot(name, now, [], { types: ['Condition', 'Observation'] }), context('patient-view', now));
    }

    it.each([
      ['pat-new-myeloma', 'fired', 'II'],
      ['pat-dara-apheresis', 'fired', 'I'],
      ['pat-bortezomib-no-valaciclovir', 'not-evaluable', 'II-or-III'],
      ['pat-stage-missing-b2m', 'not-evaluable', 'default'],
      ['pat-iss-nmol', 'not-evaluable', 'II-or-III'],
      ['pat-wus-riss3', 'fired', 'III'],
    ])('%s -> %s %s', (name, outcome, variant) => {
      expect(only(fixture(name))).toMatchObject({ outcome, variant });
    });

    it('pat-mgus and pat-no-data -> no card', () => {
      expect(fixture('pat-mgus')).toEqual([]);
      expect(fixture('pat-no-data')).toEqual([]);
    });
  });

  describe('cards', () => {
    it('renders every kind of finding in both languages', () => {
      const cases: [Finding[], string, string][] = [
        [run([b2m(3), albumin(40), ld(100)], allAbsent()), 'Myeloma R-ISS I (seed 5-year overall survival 82%)', 'Myelomatose R-ISS I (5 års overlevelse 82 % ifølge handlingsprogrammet)'],
        [run([b2m(4), albumin(40)]), 'Myeloma R-ISS II (ISS II; seed 5-year overall survival 62%)', 'Myelomatose R-ISS II (ISS II; 5 års overlevelse 62 % ifølge handlingsprogrammet)'],
        [run([b2m(6), ld(300)]), 'Myeloma R-ISS III (seed 5-year overall survival 40%)', 'Myelomatose R-ISS III (5 års overlevelse 40 % ifølge handlingsprogrammet)'],
        [run([b2m(6), ld(100)]), 'Cannot evaluate R-ISS stage: II or III — missing del(17p), t(4;14), t(14;16)', 'Kan ikke vurdere R-ISS-stadium: II eller III — mangler del(17p), t(4;14), t(14;16)'],
        [run([b2m(3), albumin(40), ld(100, null)], allAbsent()), 'Cannot evaluate R-ISS stage: I or II — missing LD upper reference limit', 'Kan ikke vurdere R-ISS-stadium: I eller II — mangler øvre referansegrense for LD'],
        [run([]), 'Cannot evaluate R-ISS stage: ISS unknown — missing β2-microglobulin, albumin, LD, del(17p), t(4;14), t(14;16)', 'Kan ikke vurdere R-ISS-stadium: ISS ukjent — mangler β2-mikroglobulin, albumin, LD, del(17p), t(4;14), t(14;16)'],
      ];
      for (const [findings, en, nb] of cases) {
        const cards = renderBoth(findings, 'patient-view');
        expect(cards.en[0]?.summary).toBe(en);
        expect(cards.nb[0]?.summary).toBe(nb);
      }
      const ne = renderBoth(run([b2m(6), ld(100)]), 'patient-view').en[0];
      expect(ne?.source.topic?.code).toBe('stage-riss.not-evaluable');
      expect(ne?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'ServiceRequest', status: 'draft', intent: 'order' });
    });
  });
});
