import { expect } from '@jest/globals';
import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { doseLenalidomideRenal } from './dose-lenalidomide-renal.js';
import { context, daysFrom, draftOrder, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, fhirSnapshot, medicationRequest, observation } from './fhir.test-support.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const EGFR_UNIT = 'mL/min/{1.73_m2}';

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return doseLenalidomideRenal.evaluate(s, context(hook, NOW));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

function withEgfr(egfr: number, doseMg: number | undefined, ageDays = 7): PatientSnapshot {
  return snapshot({
    labs: labsByConcept(lab('lab:egfr', egfr, EGFR_UNIT, daysFrom(NOW, -ageDays), 'egfr-1')),
    draftOrders: [draftOrder('lenalidomide', { id: 'len', ...(doseMg !== undefined ? { dose: { value: doseMg, unit: 'mg' } } : {}) })],
  });
}

describe('dose-lenalidomide-renal', () => {
  it('declares order hooks and reads observations', () => {
    expect(doseLenalidomideRenal.id).toBe('dose-lenalidomide-renal');
    expect(doseLenalidomideRenal.hooks).toEqual(['order-select', 'order-sign']);
    expect(doseLenalidomideRenal.needs).toEqual(['observations']);
  });

  it('eGFR 24 with a 25 mg draft: warning, reduce to 15 mg, with an update suggestion on the draft', () => {
    const f = only(run(withEgfr(24, 25)));
    expect(f).toMatchObject({
      ruleId: 'dose-lenalidomide-renal',
      outcome: 'fired',
      variant: 'reduce',
      subject: 'MedicationRequest/len',
      indicator: 'warning',
      params: { drug: 'Lenalidomid', egfr: 24, dose: 25 },
      criteriaMet: ['egfr-lt-30', 'dose-gt-15'],
      suggestions: [{ template: 'update-to-15mg', targetRef: 'MedicationRequest/len' }],
    });
    expect(f.values.map((v) => [v.concept, v.value, v.unit])).toEqual([
      ['lab:egfr', 24, EGFR_UNIT],
      ['draft-dose', 25, 'mg'],
    ]);
  });

  it('is a warning on order-select too', () => {
    expect(only(run(withEgfr(24, 25), 'order-select')).indicator).toBe('warning');
  });

  it('a 15 mg (or lower) draft gives no card at eGFR 24', () => {
    expect(run(withEgfr(24, 15))).toEqual([]);
    expect(run(withEgfr(24, 10))).toEqual([]);
  });

  it('boundaries: eGFR 29.9 warns, 30 gives the info boundary card (C-17), 30.1 gives nothing', () => {
    expect(only(run(withEgfr(29.9, 25)))).toMatchObject({ variant: 'reduce', indicator: 'warning' });
    expect(only(run(withEgfr(30, 25)))).toMatchObject({ outcome: 'fired', variant: 'boundary', indicator: 'info', criteriaMet: ['egfr-eq-30'] });
    expect(run(withEgfr(30.1, 25))).toEqual([]);
  });

  it('dose boundaries at eGFR < 30: 15 mg none, 15.5 mg and 20 mg warn', () => {
    expect(run(withEgfr(20, 15))).toEqual([]);
    expect(only(run(withEgfr(20, 15.5))).variant).toBe('reduce');
    expect(only(run(withEgfr(20, 20))).variant).toBe('reduce');
  });

  it('a low dose with eGFR > 30 gives no card: the reason is not coded', () => {
    expect(run(withEgfr(61, 15))).toEqual([]);
  });

  it('dosing window: eGFR 14 days old counts, 15 days old is missing (MD-warn with order suggestion)', () => {
    expect(only(run(withEgfr(24, 25, 14))).variant).toBe('reduce');
    const f = only(run(withEgfr(24, 25, 15)));
    expect(f).toMatchObject({
      outcome: 'not-evaluable',
      variant: 'default',
      indicator: 'warning',
      missing: ['lab:egfr'],
      suggestions: [{ template: 'order-egfr', params: { concept: 'lab:egfr', loinc: '98979-8' } }],
    });
    // The stale value is shown so the clinician sees its age.
    expect(f.values).toEqual([expect.objectContaining({ concept: 'lab:egfr', value: 24 })]);
  });

  it('an eGFR taken after the request time is not used', () => {
    expect(only(run(withEgfr(24, 25, -1))).outcome).toBe('not-evaluable');
  });

  it('no eGFR at all: not-evaluable warning', () => {
    const s = snapshot({ draftOrders: [draftOrder('lenalidomide', { dose: { value: 25, unit: 'mg' } })] });
    expect(only(run(s))).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:egfr'], values: [] });
  });

  it('eGFR < 30 but no mg dose on the draft: MD-warn naming the dose', () => {
    expect(only(run(withEgfr(24, undefined)))).toMatchObject({ outcome: 'not-evaluable', variant: 'dose-unknown', missing: ['draft-dose'] });
    const tablets = snapshot({
      labs: labsByConcept(lab('lab:egfr', 24, EGFR_UNIT, daysFrom(NOW, -2))),
      draftOrders: [draftOrder('lenalidomide', { dose: { value: 1, unit: '{tbl}' } })],
    });
    expect(only(run(tablets)).variant).toBe('dose-unknown');
  });

  it('MD-scope: no lenalidomide draft, or one not in focus on order-select, gives nothing', () => {
    expect(run(snapshot({ labs: labsByConcept(lab('lab:egfr', 10, EGFR_UNIT, NOW)), draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    const s = snapshot({
      labs: labsByConcept(lab('lab:egfr', 10, EGFR_UNIT, NOW)),
      draftOrders: [draftOrder('lenalidomide', { inFocus: false, dose: { value: 25, unit: 'mg' } })],
    });
    expect(run(s, 'order-select')).toEqual([]);
  });

  it('the newest eGFR in the window decides', () => {
    const s = snapshot({
      labs: labsByConcept(lab('lab:egfr', 61, EGFR_UNIT, daysFrom(NOW, -10)), lab('lab:egfr', 24, EGFR_UNIT, daysFrom(NOW, -2))),
      draftOrders: [draftOrder('lenalidomide', { dose: { value: 25, unit: 'mg' } })],
    });
    expect(only(run(s)).params.egfr).toBe(24);
  });
});

describe('dose-lenalidomide-renal through the snapshot builder', () => {
  const labs = (egfrUnit: string, creatinine: [number, string]): unknown[] => [
    observation('egfr', '98979-8', 24, egfrUnit, '2026-11-15T08:00:00+01:00'),
    observation('crea', '2160-0', creatinine[0], creatinine[1], '2026-11-15T08:00:00+01:00'),
  ];

  it.each(CODE_VARIANTS)('matches lenalidomide coded as %s', (variant) => {
    const s = fhirSnapshot(NOW, {
      resources: { observations: labs('mL/min/{1.73_m2}', [212, 'umol/L']) },
      drafts: [medicationRequest('len', CODES.lenalidomide, variant, { value: 25 })],
    });
    expect(only(run(s))).toMatchObject({ variant: 'reduce', subject: 'MedicationRequest/len', params: { egfr: 24, dose: 25 } });
  });

  it('gives the same answer for eGFR units and creatinine in mg/dL or µmol/L (shown in µmol/L)', () => {
    const answers = (
      [
        ['mL/min/{1.73_m2}', [2.4, 'mg/dL']],
        ['mL/min/1.73m2', [212.2, 'umol/L']],
        ['mL/min/1.73 m2', [2.4, 'mg/dL']],
      ] as const
    ).map(([egfrUnit, crea]) => {
      const s = fhirSnapshot(NOW, {
        resources: { observations: labs(egfrUnit, [crea[0], crea[1]]) },
        drafts: [medicationRequest('len', CODES.lenalidomide, 'atc-who', { value: 25 })],
      });
      const f = only(run(s));
      const creatinine = f.values.find((v) => v.concept === 'lab:creatinine');
      expect(creatinine?.unit).toBe('umol/L');
      expect(Number(creatinine?.value)).toBeCloseTo(212.2, 0);
      return [f.variant, f.params.egfr];
    });
    expect(answers).toEqual([
      ['reduce', 24],
      ['reduce', 24],
      ['reduce', 24],
    ]);
  });

  it('a dose in grams is compared in mg', () => {
    const s = fhirSnapshot(NOW, {
      resources: { observations: labs('mL/min/{1.73_m2}', [2.4, 'mg/dL']) },
      drafts: [medicationRequest('len', CODES.lenalidomide, 'atc-who', { value: 0.025, unit: 'g' })],
    });
    expect(only(run(s)).params.dose).toBeCloseTo(25, 6);
  });

  it('the suggested update is a valid MedicationRequest and, sent back as the draft, clears the card', () => {
    const observations = labs('mL/min/{1.73_m2}', [2.4, 'mg/dL']);
    const first = fhirSnapshot(NOW, { resources: { observations }, drafts: [medicationRequest('len', CODES.lenalidomide, 'atc-who', { value: 25 })] });
    const findings = run(first);
    const { nb, en } = renderBoth(findings, 'order-sign');
    expect(en[0]?.summary).toBe('Lenalidomid: eGFR 24 <30 → 15 mg daily recommended (draft 25 mg); monitor creatinine and counts closely');
    expect(nb[0]?.summary).toContain('15 mg daglig anbefales (bestilt 25 mg)');
    const action = en[0]?.suggestions?.[0]?.actions?.[0];
    expect(action?.type).toBe('update');
    const resource = action?.resource as Record<string, unknown>;
    expect(resource).toMatchObject({ resourceType: 'MedicationRequest', id: 'len', status: 'draft', intent: 'order', subject: { reference: 'Patient/pt-1' } });
    expect(resource.dosageInstruction).toEqual([
      expect.objectContaining({ text: expect.stringContaining('15 mg'), timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }),
    ]);
    const corrected = fhirSnapshot(NOW, { resources: { observations }, drafts: [resource] });
    expect(corrected.draftOrders[0]?.medication?.dose).toEqual({ value: 15, unit: 'mg' });
    expect(run(corrected)).toEqual([]);
  });
});

describe('dose-lenalidomide-renal on the demo patients', () => {
  const draft = (patientId: string, mg: number): Record<string, unknown> =>
    medicationRequest('len-draft', CODES.lenalidomide, 'atc-who', { value: mg }, { subject: { reference: `Patient/${patientId}` } });

  it('pat-lenalidomide-low-egfr: a 25 mg draft warns (eGFR 24, 7 days old, creatinine 2.4 mg/dL shown in µmol/L)', () => {
    const f = only(run(fixtureSnapshot('pat-lenalidomide-low-egfr', NOW, [draft('pat-lenalidomide-low-egfr', 25)])));
    expect(f).toMatchObject({ variant: 'reduce', indicator: 'warning', params: { egfr: 24, dose: 25 } });
    expect(Number(f.values.find((v) => v.concept === 'lab:creatinine')?.value)).toBeCloseTo(212.2, 0);
  });

  it('pat-lenalidomide-low-egfr: a 15 mg draft gives no card', () => {
    expect(run(fixtureSnapshot('pat-lenalidomide-low-egfr', NOW, [draft('pat-lenalidomide-low-egfr', 15)]))).toEqual([]);
  });

  it('pat-bortezomib-no-valaciclovir: eGFR from 2026-07-28 is stale -> not-evaluable', () => {
    const f = only(run(fixtureSnapshot('pat-bortezomib-no-valaciclovir', NOW, [draft('pat-bortezomib-no-valaciclovir', 25)])));
    expect(f).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['lab:egfr'] });
    expect(f.values.map((v) => [v.concept, v.value])).toEqual([
      ['lab:egfr', 83],
      ['lab:creatinine', 88],
    ]);
  });
});

describe('dose-lenalidomide-renal cards', () => {
  it('render every outcome in both languages', () => {
    const findings = [
      ...run(withEgfr(30, 25)),
      ...run(snapshot({ draftOrders: [draftOrder('lenalidomide', { id: 'x', dose: { value: 25, unit: 'mg' } })] })),
      ...run(
        snapshot({
          labs: labsByConcept(lab('lab:egfr', 24, EGFR_UNIT, daysFrom(NOW, -1))),
          draftOrders: [draftOrder('lenalidomide', { id: 'y' })],
        }),
      ),
    ];
    const { nb, en } = renderBoth(findings, 'order-sign');
    expect(en.map((c) => c.source.topic?.code)).toEqual(
      expect.arrayContaining(['dose-lenalidomide-renal', 'dose-lenalidomide-renal.not-evaluable', 'dose-lenalidomide-renal.not-evaluable']),
    );
    expect(en.find((c) => c.indicator === 'info')?.summary).toContain('eGFR 30 is at the boundary');
    expect(nb.some((c) => c.summary.includes('eGFR fra siste 14 dager mangler'))).toBe(true);
    const order = en.find((c) => c.summary.includes('last 14 days'))?.suggestions?.[0]?.actions?.[0]?.resource as Record<string, unknown> | undefined;
    expect(order).toMatchObject({ resourceType: 'ServiceRequest', status: 'draft', intent: 'order', code: { coding: [{ system: 'http://loinc.org', code: '98979-8' }] } });
    expect(nb.some((c) => c.summary.includes('ikke angitt i mg'))).toBe(true);
  });
});

describe('dose-lenalidomide-renal on the new demo patients', () => {
  const draft = (patientId: string): Record<string, unknown> =>
    medicationRequest('draft-len', CODES.lenalidomide, 'atc-who', { value: 25 }, { subject: { reference: `Patient/${patientId}` } });

  it('pat-dt-vrd-early-harvest: stale eGFR -> not-evaluable; pat-dt-elderly-dex: eGFR 41 -> no card', () => {
    expect(only(run(fixtureSnapshot('pat-dt-vrd-early-harvest', NOW, [draft('pat-dt-vrd-early-harvest')]))).outcome).toBe('not-evaluable');
    expect(run(fixtureSnapshot('pat-dt-elderly-dex', NOW, [draft('pat-dt-elderly-dex')]))).toEqual([]);
  });
});
