import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';
import type { Resource } from '@medplum/fhirtypes';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { CodedObservation, Finding, LabValue } from '../../types.js';
import { renderBoth } from '../support/render.test-support.js';
import {
  HIGH_B2M_ABOVE_MG_L,
  MISSING_1P32,
  MISSING_1Q,
  NORMAL_CREATININE_BELOW_UMOL_L,
  classifyRisk,
  riskImsImwg2024,
} from './risk-ims-imwg-2024.js';
import { condition, coded, codedByConcept, context, daysFrom, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';

const DX = '2025-01-15T00:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: DX, id: 'mm' });
const b2m = (v: number, when: Date | string = DX): LabValue => lab('lab:b2m', v, 'mg/L', when);
const creat = (v: number, when: Date | string = DX): LabValue => lab('lab:creatinine', v, 'umol/L', when);
const fish = (finding: string, answer: 'present' | 'absent', when: Date | string = DX): CodedObservation =>
  coded(`fish:${finding}`, [`answer:${answer}`], when);
const PANEL = ['del17p', 'tp53-mut', 't4-14', 't14-16', 't14-20', 'gain1q', 'amp1q', 'del1p32-mono', 'del1p32-bi'];
/** The full panel reported absent, except the findings given as present. */
function panel(present: string[] = [], when: Date | string = DX): CodedObservation[] {
  return PANEL.map((f) => fish(f, present.includes(f) ? 'present' : 'absent', when));
}

function run(labs: LabValue[], fishObs: CodedObservation[] = [], conditions = [myeloma]): Finding[] {
  return riskImsImwg2024.evaluate(
    snapshot({ conditions, labs: labsByConcept(...labs), codedObservations: codedByConcept(...fishObs) }),
    context('patient-view'),
  );
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('risk-ims-imwg-2024', () => {
  it('declares its hooks, needs and thresholds', () => {
    expect(riskImsImwg2024).toMatchObject({ id: 'risk-ims-imwg-2024', hooks: ['patient-view'], needs: ['patient', 'conditions', 'observations'] });
    expect(HIGH_B2M_ABOVE_MG_L).toBe(5.5);
    expect(NORMAL_CREATININE_BELOW_UMOL_L).toBe(106);
  });

  describe('high-risk criteria (warning)', () => {
    it.each([
      [['del17p'], 'del17p-mono17'],
      [['tp53-mut'], 'tp53-mut'],
      [['t4-14', 'gain1q'], 'igh-translocation-with-1q-or-1p32'],
      [['t14-16', 'del1p32-mono'], 'igh-translocation-with-1q-or-1p32'],
      [['t14-20', 'amp1q'], 'igh-translocation-with-1q-or-1p32'],
      [['del1p32-mono', 'gain1q'], 'del1p32-and-gain1q'],
      [['del1p32-mono', 'amp1q'], 'del1p32-and-gain1q'],
      [['del1p32-bi'], 'del1p32-biallelic'],
    ])('%p present -> %s', (present, criterion) => {
      const f = only(run([b2m(2), creat(80)], panel(present)));
      expect(f).toMatchObject({ outcome: 'fired', variant: criterion, missing: [] });
      expect(f.criteriaMet?.[0]).toBe(criterion);
      expect(f.indicator).toBeUndefined();
    });

    it('monosomy 17 counts like del(17p)', () => {
      expect(only(run([b2m(2)], [...panel(), fish('mono17', 'present')])).variant).toBe('del17p-mono17');
    });

    it('a translocation alone, or gain1q alone, is not high risk', () => {
      expect(only(run([b2m(2), creat(80)], panel(['t4-14']))).variant).toBe('standard');
      expect(only(run([b2m(2), creat(80)], panel(['gain1q']))).variant).toBe('standard');
      expect(only(run([b2m(2), creat(80)], panel(['t11-14', 'del1p32-mono']))).variant).toBe('standard');
    });

    it('lists every criterion met (biallelic del(1p32) + gain1q meets three)', () => {
      const f = only(run([b2m(2)], panel(['del1p32-bi', 'gain1q', 't4-14'])));
      expect(f.criteriaMet).toEqual(['igh-translocation-with-1q-or-1p32', 'del1p32-and-gain1q', 'del1p32-biallelic']);
    });

    it('a positive report wins over a later negative one', () => {
      const f = only(run([b2m(2)], [...panel(), fish('del17p', 'present', daysFrom(DX, -400))]));
      expect(f.variant).toBe('del17p-mono17');
    });
  });

  describe('β2M > 5.5 mg/L with creatinine < 106 µmol/L', () => {
    it.each([
      [5.5, 80, 'standard'],
      [5.51, 80, 'b2m-gt-5.5-creatinine-lt-106'],
      [5.51, 105.9, 'b2m-gt-5.5-creatinine-lt-106'],
      [5.51, 106, 'standard'],
      [12, 106.1, 'standard'],
    ])('β2M %p, creatinine %p -> %s', (b, c, variant) => {
      expect(only(run([b2m(b), creat(c)], panel())).variant).toBe(variant);
    });

    it('high from β2M alone says high risk and notes the missing FISH', () => {
      const f = only(run([b2m(6.1), creat(88)]));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'b2m-gt-5.5-creatinine-lt-106-fish-missing' });
      expect(f.missing).toEqual(['fish:del17p', 'fish:tp53-mut', 'fish:t4-14', 'fish:t14-16', 'fish:t14-20', MISSING_1Q, MISSING_1P32]);
      expect(f.suggestions).toEqual([{ template: 'order-fish-tp53' }]);
    });

    it('β2M > 5.5 without creatinine cannot be settled', () => {
      const f = only(run([b2m(5.9)], panel()));
      expect(f).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:creatinine'] });
      expect(f.suggestions).toEqual([{ template: 'order-lab', params: { concept: 'lab:creatinine', loinc: '14682-9' } }]);
    });

    it('labs outside ±60 days of diagnosis count as missing', () => {
      expect(only(run([b2m(6, daysFrom(DX, 60)), creat(80, daysFrom(DX, 60))], panel())).variant).toBe('b2m-gt-5.5-creatinine-lt-106');
      expect(only(run([b2m(6, daysFrom(DX, 61)), creat(80)], panel()))).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:b2m'] });
    });
  });

  describe('standard risk needs everything reported', () => {
    it('full panel absent + β2M ≤ 5.5 -> standard (info)', () => {
      const f = only(run([b2m(3)], panel()));
      expect(f).toMatchObject({ outcome: 'fired', variant: 'standard', indicator: 'info', missing: [] });
      expect(f.criteriaNotMet).toHaveLength(6);
    });

    it('only the R-ISS lesions reported -> not-evaluable listing t(14;20), 1q, 1p32, TP53', () => {
      const f = only(run([b2m(3.1), creat(84)], ['del17p', 't4-14', 't14-16'].map((x) => fish(x, 'absent'))));
      expect(f).toMatchObject({ outcome: 'not-evaluable', variant: 'default' });
      expect(f.missing).toEqual(['fish:tp53-mut', 'fish:t14-20', MISSING_1Q, MISSING_1P32]);
      expect(f.suggestions).toEqual([{ template: 'order-fish-tp53' }]);
    });

    it('gain1q absent with amp1q unreported leaves 1q open', () => {
      const reports = panel().filter((o) => o.concept !== 'fish:amp1q');
      expect(only(run([b2m(3)], reports)).missing).toEqual([MISSING_1Q]);
    });

    it('nothing at all -> not-evaluable with FISH, TP53 and β2M', () => {
      const f = only(run([]));
      expect(f.outcome).toBe('not-evaluable');
      expect(f.missing).toContain('lab:b2m');
      expect(f.missing).toContain('fish:tp53-mut');
    });

    it('classifyRisk never says standard with one item open', () => {
      const fishAll = Object.fromEntries(PANEL.map((p) => [`fish:${p}`, 'absent' as const]));
      expect(classifyRisk({ fish: fishAll, b2m: 3 }).risk).toBe('standard');
      for (const p of PANEL) {
        const rest = { ...fishAll };
        delete rest[`fish:${p}`];
        expect(classifyRisk({ fish: rest, b2m: 3 }).risk).toBeUndefined();
      }
      expect(classifyRisk({ fish: fishAll }).risk).toBeUndefined();
    });
  });

  it('MD-scope: no myeloma or MGUS only -> no finding', () => {
    expect(run([b2m(9), creat(60)], panel(['del17p']), [])).toEqual([]);
    expect(run([b2m(9), creat(60)], panel(['del17p']), [condition('cond:mgus', { onset: DX })])).toEqual([]);
  });

  describe('units through buildSnapshot', () => {
    const terminology = loadTerminology();
    const now = new Date('2025-02-01T10:00:00Z');
    function variantOf(b2mValue: number, b2mUnit: string, creatValue: number, creatUnit: string): string {
      const loincB2m = b2mUnit === 'nmol/L' ? '76484-5' : '1952-1';
      const loincCreat = creatUnit === 'mg/dL' ? '2160-0' : '14682-9';
      const obs = (id: string, loinc: string, value: number, unit: string): Resource =>
        ({
          resourceType: 'Observation',
          id,
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
          effectiveDateTime: '2025-01-14',
          valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
        });
      const cond = { resourceType: 'Condition', id: 'c1', code: { coding: [{ system: 'http://snomed.info/sct', code: '109989006' }] }, onsetDateTime: DX } as Resource;
      const input: SnapshotInput = {
        patientId: 'p1',
        resources: { conditions: [cond], observations: [obs('b', loincB2m, b2mValue, b2mUnit), obs('c', loincCreat, creatValue, creatUnit)] },
        medications: [],
        draftOrders: [],
        unavailable: [],
      };
      const f = only(riskImsImwg2024.evaluate(buildSnapshot(input, terminology, now), context('patient-view', now)));
      return `${f.outcome}:${f.variant}`;
    }

    it('β2M in nmol/L and creatinine in mg/dL', () => {
      // 467 nmol/L = 5.51 mg/L; 466 nmol/L = 5.499 mg/L; 1.19 mg/dL = 105.2 µmol/L; 1.2 mg/dL = 106.1 µmol/L
      expect(variantOf(467, 'nmol/L', 1.19, 'mg/dL')).toBe('fired:b2m-gt-5.5-creatinine-lt-106-fish-missing');
      expect(variantOf(5.51, 'mg/L', 105.2, 'umol/L')).toBe('fired:b2m-gt-5.5-creatinine-lt-106-fish-missing');
      expect(variantOf(467, 'nmol/L', 1.2, 'mg/dL')).toBe('not-evaluable:default');
      expect(variantOf(466, 'nmol/L', 1.0, 'mg/dL')).toBe('not-evaluable:default');
    });
  });

  describe('fixtures (clock 2026-11-22)', () => {
    const now = new Date('2026-11-22T10:00:00+01:00');
    function fixture(name: string): Finding[] {
      return riskImsImwg2024.evaluate(fixtureSnapshot(name, now, [], { types: ['Condition', 'Observation'] }), context('patient-view', now));
    }

    it('pat-new-myeloma: high risk from t(4;14) with gain(1q)', () => {
      expect(only(fixture('pat-new-myeloma'))).toMatchObject({ outcome: 'fired', variant: 'igh-translocation-with-1q-or-1p32' });
    });
    it('pat-bortezomib-no-valaciclovir: high risk from β2M 6.1 with creatinine 88, FISH missing', () => {
      expect(only(fixture('pat-bortezomib-no-valaciclovir'))).toMatchObject({ outcome: 'fired', variant: 'b2m-gt-5.5-creatinine-lt-106-fish-missing' });
    });
    it('pat-dara-apheresis: not-evaluable (1q, 1p32, t(14;20), TP53 not reported)', () => {
      expect(only(fixture('pat-dara-apheresis'))).toMatchObject({ outcome: 'not-evaluable', missing: ['fish:tp53-mut', 'fish:t14-20', MISSING_1Q, MISSING_1P32] });
    });
    it('pat-wus-riss3: full panel, t(14;16) without 1q/1p32 and β2M 7.4 with creatinine 142 -> standard risk', () => {
      expect(only(fixture('pat-wus-riss3'))).toMatchObject({ outcome: 'fired', variant: 'standard', indicator: 'info', missing: [] });
    });
    it('pat-mgus: no card', () => {
      expect(fixture('pat-mgus')).toEqual([]);
    });
  });

  it('renders every kind of finding in both languages', () => {
    const cases: [Finding[], string, string][] = [
      [run([b2m(2)], panel(['del17p'])), 'High-risk myeloma (IMS/IMWG 2024): del(17p)/monosomy 17 — tandem HMAS, double maintenance, no CAR-T priority', 'Høyrisiko myelomatose (IMS/IMWG 2024): del(17p)/monosomi 17 — tandem HMAS, dobbelt vedlikehold, ikke CAR-T-prioritet'],
      [run([b2m(2)], panel(['tp53-mut'])), 'High-risk myeloma (IMS/IMWG 2024): TP53 mutation — tandem HMAS, double maintenance, no CAR-T priority', 'Høyrisiko myelomatose (IMS/IMWG 2024): TP53-mutasjon — tandem HMAS, dobbelt vedlikehold, ikke CAR-T-prioritet'],
      [run([b2m(2)], panel(['t14-20', 'gain1q'])), 'High-risk myeloma (IMS/IMWG 2024): t(4;14)/t(14;16)/t(14;20)+gain1q/del(1p32) — tandem HMAS, double maintenance, no CAR-T priority', 'Høyrisiko myelomatose (IMS/IMWG 2024): t(4;14)/t(14;16)/t(14;20)+gain1q/del(1p32) — tandem HMAS, dobbelt vedlikehold, ikke CAR-T-prioritet'],
      [run([b2m(2)], panel(['del1p32-mono', 'gain1q'])), 'High-risk myeloma (IMS/IMWG 2024): del(1p32) and gain1q — tandem HMAS, double maintenance, no CAR-T priority', 'Høyrisiko myelomatose (IMS/IMWG 2024): del(1p32) og gain1q — tandem HMAS, dobbelt vedlikehold, ikke CAR-T-prioritet'],
      [run([b2m(2)], panel(['del1p32-bi'])), 'High-risk myeloma (IMS/IMWG 2024): biallelic del(1p32) — tandem HMAS, double maintenance, no CAR-T priority', 'Høyrisiko myelomatose (IMS/IMWG 2024): biallelisk del(1p32) — tandem HMAS, dobbelt vedlikehold, ikke CAR-T-prioritet'],
      [run([b2m(6), creat(80)], panel()), 'High-risk myeloma (IMS/IMWG 2024): β2M >5.5 mg/L with creatinine <106 µmol/L — tandem HMAS, double maintenance, no CAR-T priority', 'Høyrisiko myelomatose (IMS/IMWG 2024): β2M >5,5 mg/L med kreatinin <106 µmol/L — tandem HMAS, dobbelt vedlikehold, ikke CAR-T-prioritet'],
      [run([b2m(6), creat(80)]), 'High-risk myeloma (IMS/IMWG 2024): β2M >5.5 mg/L with creatinine <106 µmol/L; FISH/TP53 missing', 'Høyrisiko myelomatose (IMS/IMWG 2024): β2M >5,5 mg/L med kreatinin <106 µmol/L; FISH/TP53 mangler'],
      [run([b2m(3)], panel()), 'Myeloma without IMS/IMWG 2024 high-risk features (standard risk)', 'Myelomatose uten høyrisikotrekk etter IMS/IMWG 2024 (standard risiko)'],
      [run([b2m(3)], ['del17p', 't4-14', 't14-16'].map((x) => fish(x, 'absent'))), 'Cannot evaluate IMS/IMWG 2024 high risk: missing TP53 mutation, t(14;20), gain/amp(1q), del(1p32) mono-/biallelic', 'Kan ikke vurdere høyrisiko etter IMS/IMWG 2024: mangler TP53-mutasjon, t(14;20), gain/amp(1q), del(1p32) mono-/biallelisk'],
    ];
    for (const [findings, en, nb] of cases) {
      const cards = renderBoth(findings, 'patient-view');
      expect(cards.en[0]?.summary).toBe(en);
      expect(cards.nb[0]?.summary).toBe(nb);
    }
    const high = renderBoth(run([b2m(2)], panel(['del17p'])), 'patient-view').en[0];
    expect(high?.indicator).toBe('warning');
    expect(high?.source.topic?.code).toBe('risk-ims-imwg-2024');
    const standard = renderBoth(run([b2m(3)], panel()), 'patient-view').en[0];
    expect(standard?.indicator).toBe('info');
  });
});

describe('risk-ims-imwg-2024: a TP53 mutation reported as a genetic variant assessment (catalogue B.3)', () => {
  const terminology = loadTerminology();
  const now = new Date('2025-02-01T10:00:00Z');
  const LOINC = 'http://loinc.org';
  const cond = { resourceType: 'Condition', id: 'c1', code: { coding: [{ system: 'http://snomed.info/sct', code: '109989006' }] }, onsetDateTime: DX };
  const variant = (parts: { gene?: Record<string, unknown>; hgvs?: boolean; value?: 'LA9633-4' | 'LA9634-2' }): Record<string, unknown> => ({
    resourceType: 'Observation',
    id: 'tp53',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '69548-6', display: 'Genetic variant assessment' }] },
    effectiveDateTime: '2025-01-14',
    ...(parts.value ? { valueCodeableConcept: { coding: [{ system: LOINC, code: parts.value }] } } : {}),
    component: [
      ...(parts.gene ? [{ code: { coding: [{ system: LOINC, code: '48018-6', display: 'Gene studied [ID]' }] }, valueCodeableConcept: parts.gene }] : []),
      ...(parts.hgvs
        ? [{ code: { coding: [{ system: LOINC, code: '48004-6', display: 'DNA change (c.HGVS)' }] }, valueCodeableConcept: { coding: [{ system: 'http://varnomen.hgvs.org', code: 'NM_000546.6:c.743G>A' }] } }]
        : []),
    ],
  });
  const HGNC_TP53 = { coding: [{ system: 'http://www.genenames.org/geneId', code: 'HGNC:11998', display: 'TP53' }] };
  const evaluate = (observation: Record<string, unknown>): Finding[] => {
    const input: SnapshotInput = {
      patientId: 'p1',
      resources: { conditions: [cond as Resource], observations: [observation as unknown as Resource] },
      medications: [],
      draftOrders: [],
      unavailable: [],
    };
    return riskImsImwg2024.evaluate(buildSnapshot(input, terminology, now), context('patient-view', now));
  };

  it('gene studied HGNC:11998 with an HGVS component and value Present -> high risk (TP53 mutation)', () => {
    const f = only(evaluate(variant({ gene: HGNC_TP53, hgvs: true, value: 'LA9633-4' })));
    expect(f.outcome).toBe('fired');
    expect(f.criteriaMet).toContain('tp53-mut');
  });

  it('an HGVS variant without a Present/Absent value is read as the mutation found', () => {
    expect(only(evaluate(variant({ gene: HGNC_TP53, hgvs: true }))).criteriaMet).toContain('tp53-mut');
  });

  it('value Absent, another gene, or no HGVS component: not a TP53 mutation', () => {
    expect(only(evaluate(variant({ gene: HGNC_TP53, hgvs: true, value: 'LA9634-2' }))).criteriaMet ?? []).not.toContain('tp53-mut');
    expect(only(evaluate(variant({ gene: { coding: [{ system: 'http://www.genenames.org/geneId', code: 'HGNC:1100' }] }, hgvs: true, value: 'LA9633-4' }))).criteriaMet ?? []).not.toContain('tp53-mut');
    expect(only(evaluate(variant({ gene: HGNC_TP53, value: 'LA9633-4' }))).criteriaMet ?? []).not.toContain('tp53-mut');
  });
});
