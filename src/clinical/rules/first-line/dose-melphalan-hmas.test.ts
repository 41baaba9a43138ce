import type { Finding, Hook, LabValue, PatientSnapshot } from '../../types.js';
import { doseMelphalanHmas } from './dose-melphalan-hmas.js';
import { context, daysFrom, draftOrder, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, fhirSnapshot, medicationRequest, observation } from './fhir.test-support.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const EGFR_UNIT = 'mL/min/{1.73_m2}';
const MELPHALAN = { display: 'Melfalan', concepts: ['drug:melphalan'] };

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return doseMelphalanHmas.evaluate(s, context(hook, NOW));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

function mel(egfr: number | undefined, dose?: { value: number; unit: string }, more: LabValue[] = [], egfrAgeDays = 3): PatientSnapshot {
  return snapshot({
    labs: labsByConcept(...(egfr !== undefined ? [lab('lab:egfr', egfr, EGFR_UNIT, daysFrom(NOW, -egfrAgeDays))] : []), ...more),
    draftOrders: [draftOrder(MELPHALAN, { id: 'mel', ...(dose ? { dose } : {}) })],
  });
}

const perM2 = (value: number): { value: number; unit: string } => ({ value, unit: 'mg/m2' });

describe('dose-melphalan-hmas', () => {
  it('declares order hooks and needs', () => {
    expect(doseMelphalanHmas.hooks).toEqual(['order-select', 'order-sign']);
    expect(doseMelphalanHmas.needs).toEqual(['observations']);
  });

  it('eGFR 24 with 200 mg/m²: warning, reduce to 140 mg/m² with an update suggestion', () => {
    expect(only(run(mel(24, perM2(200))))).toMatchObject({
      outcome: 'fired',
      variant: 'reduce',
      subject: 'MedicationRequest/mel',
      indicator: 'warning',
      params: { egfr: 24, dose: 200 },
      criteriaMet: ['egfr-lt-30', 'dose-gt-140'],
      suggestions: [{ template: 'update-to-140', targetRef: 'MedicationRequest/mel' }],
    });
  });

  it('eGFR boundaries with 200 mg/m²: 29.9 warns, 30 info (C-17), 30.1 nothing', () => {
    expect(only(run(mel(29.9, perM2(200)))).variant).toBe('reduce');
    expect(only(run(mel(30, perM2(200))))).toMatchObject({ variant: 'boundary', indicator: 'info', criteriaMet: ['egfr-eq-30'] });
    expect(run(mel(30.1, perM2(200)))).toEqual([]);
  });

  it('dose boundaries at eGFR < 30: 140.5 warns, 140 gives the 48 h interval warning (C-42), 100 nothing', () => {
    expect(only(run(mel(20, perM2(140.5)))).variant).toBe('reduce');
    expect(only(run(mel(20, perM2(140))))).toMatchObject({
      variant: 'interval',
      indicator: 'warning',
      criteriaMet: ['egfr-lt-30', 'reinfusion-interval-not-recorded'],
    });
    expect(run(mel(20, perM2(100)))).toEqual([]);
  });

  it('accepts «mg/m²» as typed, and a dose per m² in grams', () => {
    expect(only(run(mel(20, { value: 200, unit: 'mg/m²' }))).params.dose).toBe(200);
    expect(only(run(mel(20, { value: 0.2, unit: 'g/m2' }))).params.dose).toBeCloseTo(200, 6);
  });

  it('a dose in mg is converted with the BSA of the last 14 days', () => {
    const bsa = lab('lab:bsa', 1.9, 'm2', daysFrom(NOW, -5));
    const f = only(run(mel(20, { value: 380, unit: 'mg' }, [bsa])));
    expect(f).toMatchObject({ variant: 'reduce', params: { dose: 200 } });
    expect(f.values.map((v) => v.concept)).toEqual(['lab:egfr', 'draft-dose', 'lab:bsa', 'dose-per-m2']);
    expect(only(run(mel(20, { value: 266, unit: 'mg' }, [bsa]))).variant).toBe('interval');
  });

  it('mg dose with a stale or missing BSA: MD-warn with a BSA order suggestion', () => {
    const stale = lab('lab:bsa', 1.9, 'm2', daysFrom(NOW, -15));
    for (const s of [mel(20, { value: 380, unit: 'mg' }, [stale]), mel(20, { value: 380, unit: 'mg' })]) {
      expect(only(run(s))).toMatchObject({
        outcome: 'not-evaluable',
        variant: 'bsa-missing',
        missing: ['lab:bsa'],
        indicator: 'warning',
        suggestions: [{ template: 'order-lab', params: { concept: 'lab:bsa', loinc: '3140-1' } }],
      });
    }
  });

  it('eGFR 15 days old or missing: MD-warn with an eGFR order suggestion; 14 days still counts', () => {
    expect(only(run(mel(24, perM2(200), [], 14))).variant).toBe('reduce');
    for (const s of [mel(24, perM2(200), [], 15), mel(undefined, perM2(200))]) {
      expect(only(run(s))).toMatchObject({ outcome: 'not-evaluable', variant: 'default', missing: ['lab:egfr'], suggestions: [{ template: 'order-lab' }] });
    }
  });

  it('no dose on the draft at eGFR < 30: MD-warn naming the dose', () => {
    expect(only(run(mel(20)))).toMatchObject({ outcome: 'not-evaluable', variant: 'dose-unknown', missing: ['draft-dose'] });
  });

  it('MD-scope: no melphalan draft (melphalan flufenamide is another drug), or not selected', () => {
    const melflufen = { display: 'Melflufen', concepts: ['drug:melphalan-flufenamide'] };
    expect(run(snapshot({ labs: labsByConcept(lab('lab:egfr', 20, EGFR_UNIT, NOW)), draftOrders: [draftOrder(melflufen, { dose: perM2(200) })] }))).toEqual([]);
    const s = snapshot({ labs: labsByConcept(lab('lab:egfr', 20, EGFR_UNIT, NOW)), draftOrders: [draftOrder(MELPHALAN, { inFocus: false, dose: perM2(200) })] });
    expect(run(s, 'order-select')).toEqual([]);
  });
});

describe('dose-melphalan-hmas through the snapshot builder', () => {
  const observations = [
    observation('egfr', '98979-8', 24, 'mL/min/1.73m2', '2026-11-20T08:00:00+01:00'),
    observation('bsa', '3140-1', 1.9, 'm2', '2026-11-20T08:00:00+01:00'),
  ];

  it.each(CODE_VARIANTS)('matches melphalan coded as %s', (variant) => {
    const s = fhirSnapshot(NOW, { resources: { observations }, drafts: [medicationRequest('mel', CODES.melphalan, variant, { value: 200, unit: 'mg/m2' })] });
    expect(only(run(s))).toMatchObject({ variant: 'reduce', params: { egfr: 24, dose: 200 } });
  });

  it('the same answer for a dose in mg with the BSA, in mg/m2, or in g', () => {
    const variants = [{ value: 380, unit: 'mg' }, { value: 200, unit: 'mg/m2' }, { value: 0.38, unit: 'g' }];
    const doses = variants.map((dose) => only(run(fhirSnapshot(NOW, { resources: { observations }, drafts: [medicationRequest('mel', CODES.melphalan, 'atc-who', dose)] }))).params.dose);
    expect(doses).toEqual([200, 200, 200]);
  });

  it('the suggested update is a valid MedicationRequest; sent back as the draft, the dose card is gone (the 48 h reminder stays)', () => {
    const findings = run(fhirSnapshot(NOW, { resources: { observations }, drafts: [medicationRequest('mel', CODES.melphalan, 'atc-who', { value: 200, unit: 'mg/m2' })] }));
    const { nb, en } = renderBoth(findings, 'order-sign');
    expect(en[0]?.summary).toBe('Melfalan: eGFR 24 <30 → 140 mg/m² (draft 200 mg/m²) and ≥48 h before stem-cell reinfusion');
    expect(nb[0]?.summary).toContain('140 mg/m² (bestilt 200 mg/m²)');
    const action = en[0]?.suggestions?.[0]?.actions?.[0];
    expect(action?.type).toBe('update');
    const resource = action?.resource as Record<string, unknown>;
    expect(resource).toMatchObject({ resourceType: 'MedicationRequest', id: 'mel', status: 'draft', intent: 'order', subject: { reference: 'Patient/pt-1' } });
    const corrected = fhirSnapshot(NOW, { resources: { observations }, drafts: [resource] });
    expect(corrected.draftOrders[0]?.medication?.dose).toEqual({ value: 140, unit: 'mg/m2' });
    const after = run(corrected);
    expect(after.some((f) => f.variant === 'reduce')).toBe(false);
    expect(only(after).variant).toBe('interval');
    expect(after[0]?.suggestions).toBeUndefined();
  });
});

describe('dose-melphalan-hmas cards', () => {
  it('render every outcome in both languages', () => {
    const bsaStale = lab('lab:bsa', 1.9, 'm2', daysFrom(NOW, -30));
    const findings = [
      run(mel(20, perM2(140))),
      run(mel(30, perM2(200))),
      run(mel(undefined, perM2(200))),
      run(mel(20, { value: 380, unit: 'mg' }, [bsaStale])),
      run(mel(20)),
    ].map((f) => only(f));
    const cards = findings.map((f) => renderBoth([f], 'order-sign'));
    expect(cards.map((c) => c.en[0]?.source.topic?.code)).toEqual([
      'dose-melphalan-hmas',
      'dose-melphalan-hmas',
      'dose-melphalan-hmas.not-evaluable',
      'dose-melphalan-hmas.not-evaluable',
      'dose-melphalan-hmas.not-evaluable',
    ]);
    expect(cards[0]?.en[0]?.summary).toContain('plan ≥48 h from end of melphalan');
    expect(cards[1]?.en[0]?.indicator).toBe('info');
    expect(cards[2]?.nb[0]?.summary).toContain('eGFR fra siste 14 dager mangler');
    expect(cards[3]?.en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'ServiceRequest', code: { coding: [{ code: '3140-1' }] } });
    expect(cards[4]?.en[0]?.summary).toContain('states no dose');
  });
});

describe('dose-melphalan-hmas on the demo patients', () => {
  const draft = (patientId: string, dose: { value: number; unit: string }): Record<string, unknown> =>
    medicationRequest('draft-melphalan', CODES.melphalan, 'atc-who', dose, { subject: { reference: `Patient/${patientId}` } });

  it('pat-dt-hmas-renal (eGFR 26, BSA 1.82): 200 mg/m² or 364 mg warn, 140 mg/m² gives the 48 h reminder', () => {
    const p = 'pat-dt-hmas-renal';
    expect(only(run(fixtureSnapshot(p, NOW, [draft(p, { value: 200, unit: 'mg/m2' })])))).toMatchObject({ variant: 'reduce', params: { egfr: 26, dose: 200 } });
    expect(only(run(fixtureSnapshot(p, NOW, [draft(p, { value: 364, unit: 'mg' })])))).toMatchObject({ variant: 'reduce', params: { dose: 200 } });
    expect(only(run(fixtureSnapshot(p, NOW, [draft(p, { value: 140, unit: 'mg/m2' })]))).variant).toBe('interval');
  });

  it('pat-dt-vrd-early-harvest: eGFR from 2026-09-25 is stale -> not-evaluable', () => {
    const p = 'pat-dt-vrd-early-harvest';
    expect(only(run(fixtureSnapshot(p, NOW, [draft(p, { value: 200, unit: 'mg/m2' })])))).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:egfr'] });
  });
});
