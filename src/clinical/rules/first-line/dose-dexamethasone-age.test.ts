import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { doseDexamethasoneAge } from './dose-dexamethasone-age.js';
import { condition, context, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, fhirSnapshot, medicationRequest, patient } from './fhir.test-support.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const DEX = { display: 'Deksametason', concepts: ['drug:dexamethasone'] };
const TECLISTAMAB = { display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bispecific', 'class:bcma-directed'] };
const MYELOMA = condition('cond:multiple-myeloma', { onset: '2026-01-10' });

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return doseDexamethasoneAge.evaluate(s, context(hook, NOW));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

/** A weekly regimen pulse (the rule's scope). */
const WEEKLY = { frequency: 1, period: 1, periodUnit: 'wk' };

function dex(age: number | undefined, doseMg?: number): PatientSnapshot {
  const draft = draftOrder(DEX, { id: 'dex', ...(doseMg !== undefined ? { dose: { value: doseMg, unit: 'mg' } } : {}) });
  return snapshot({
    ...(age !== undefined ? { ageYears: age, birthDate: `${2026 - age - 1}-12-01` } : {}),
    conditions: [MYELOMA],
    draftOrders: [{ ...draft, medication: { ...(draft.medication as NonNullable<typeof draft.medication>), timing: WEEKLY } }],
  });
}

/** A FHIR draft with a weekly timing, as the regimen tables give it. */
function weeklyRequest(id: string, variant: Parameters<typeof medicationRequest>[2], dose?: number, more: Record<string, unknown> = {}): Record<string, unknown> {
  const r = medicationRequest(id, CODES.dexamethasone, variant, dose === undefined ? undefined : { value: dose }, more);
  const dosage = (r.dosageInstruction as Record<string, unknown>[] | undefined)?.[0] ?? {};
  return { ...r, dosageInstruction: [{ ...dosage, timing: { repeat: WEEKLY } }] };
}

describe('dose-dexamethasone-age', () => {
  it('declares order hooks and needs', () => {
    expect(doseDexamethasoneAge.hooks).toEqual(['order-select', 'order-sign']);
    expect(doseDexamethasoneAge.needs).toEqual(['patient', 'conditions', 'medicationRequests']);
  });

  it('age 76 with 40 mg: warning, 20 mg recommended, update suggestion on the draft', () => {
    expect(only(run(dex(76, 40)))).toMatchObject({
      outcome: 'fired',
      variant: 'reduce-over-75',
      subject: 'MedicationRequest/dex',
      indicator: 'warning',
      params: { drug: 'Deksametason', age: 76, dose: 40 },
      criteriaMet: ['age-gt-75', 'dose-gt-20'],
      suggestions: [{ template: 'update-to-20mg', targetRef: 'MedicationRequest/dex' }],
    });
  });

  it('age boundaries with 40 mg: 74 nothing, 75 info (C-18), 76 warning', () => {
    expect(run(dex(74, 40))).toEqual([]);
    expect(only(run(dex(75, 40)))).toMatchObject({ variant: 'boundary-75', indicator: 'info', criteriaMet: ['age-eq-75', 'dose-gt-20'] });
    expect(only(run(dex(76, 40))).variant).toBe('reduce-over-75');
  });

  it('age boundaries with 20 mg: 74 info (reduced dose allowed), 75 and 76 nothing', () => {
    expect(only(run(dex(74, 20)))).toMatchObject({ variant: 'reduced-under-75', indicator: 'info', criteriaMet: ['age-lt-75', 'dose-lt-40'] });
    expect(run(dex(75, 20))).toEqual([]);
    expect(run(dex(76, 20))).toEqual([]);
  });

  it('dose boundaries above 75: 20 mg none, 20.5 mg warns', () => {
    expect(run(dex(80, 20))).toEqual([]);
    expect(only(run(dex(80, 20.5))).variant).toBe('reduce-over-75');
  });

  it('unknown birth date: MD-warn', () => {
    expect(only(run(dex(undefined, 40)))).toMatchObject({ outcome: 'not-evaluable', variant: 'default', indicator: 'warning', missing: ['birth-date'] });
  });

  it('dose not stated in mg: MD-warn from 75, nothing below', () => {
    expect(only(run(dex(78)))).toMatchObject({ outcome: 'not-evaluable', variant: 'dose-unknown', missing: ['draft-dose'], params: { age: 78 } });
    expect(only(run(dex(75))).variant).toBe('dose-unknown');
    expect(run(dex(60))).toEqual([]);
  });

  it('MD-scope: no myeloma, no dexamethasone draft, or premedication with a bispecific', () => {
    expect(run(snapshot({ ageYears: 80, draftOrders: [draftOrder(DEX, { dose: { value: 40, unit: 'mg' } })] }))).toEqual([]);
    expect(run(snapshot({ ageYears: 80, conditions: [MYELOMA], draftOrders: [draftOrder('lenalidomide', { dose: { value: 40, unit: 'mg' } })] }))).toEqual([]);
    const withBispecificDraft: PatientSnapshot = { ...dex(80, 40), draftOrders: [...dex(80, 40).draftOrders, draftOrder(TECLISTAMAB)] };
    expect(run(withBispecificDraft)).toEqual([]);
    expect(run({ ...dex(80, 40), medications: [medication(TECLISTAMAB)] })).toEqual([]);
  });

  it('order-select only looks at the selected drafts', () => {
    const s = snapshot({ ageYears: 80, conditions: [MYELOMA], draftOrders: [draftOrder(DEX, { inFocus: false, dose: { value: 40, unit: 'mg' } })] });
    expect(run(s, 'order-select')).toEqual([]);
  });
});

describe('dose-dexamethasone-age through the snapshot builder', () => {
  const myeloma = {
    resourceType: 'Condition',
    id: 'mm',
    subject: { reference: 'Patient/pt-1' },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] },
  };

  it.each(CODE_VARIANTS)('matches dexamethasone coded as %s, with age from the birth date', (variant) => {
    const s = fhirSnapshot(NOW, {
      patient: patient('1950-01-15'),
      resources: { conditions: [myeloma] },
      drafts: [weeklyRequest('dex', variant, 40)],
    });
    expect(only(run(s))).toMatchObject({ variant: 'reduce-over-75', params: { age: 76, dose: 40 } });
  });

  it('birthday boundary: 75 the day before the 76th birthday, 76 on it', () => {
    const at = (birthDate: string): Finding => only(run(fhirSnapshot(NOW, { patient: patient(birthDate), resources: { conditions: [myeloma] }, drafts: [weeklyRequest('dex', 'atc-who', 40)] })));
    expect(at('1950-11-23').variant).toBe('boundary-75');
    expect(at('1950-11-22').variant).toBe('reduce-over-75');
  });

  it('the suggested update is a valid MedicationRequest and, sent back as the draft, clears the card', () => {
    const build = (draft: unknown): PatientSnapshot => fhirSnapshot(NOW, { patient: patient('1948-03-01'), resources: { conditions: [myeloma] }, drafts: [draft] });
    const findings = run(build(weeklyRequest('dex', 'atc-who', 40)));
    const { nb, en } = renderBoth(findings, 'order-sign');
    expect(en[0]?.summary).toBe('Deksametason: patient 78 years (>75) — national dose is 20 mg (draft 40 mg)');
    expect(nb[0]?.summary).toBe('Deksametason: pasient 78 år (>75) — nasjonal dose er 20 mg (bestilt 40 mg)');
    const action = en[0]?.suggestions?.[0]?.actions?.[0];
    expect(action?.type).toBe('update');
    const resource = action?.resource as Record<string, unknown>;
    expect(resource).toMatchObject({ resourceType: 'MedicationRequest', id: 'dex', status: 'draft', intent: 'order', subject: { reference: 'Patient/pt-1' } });
    const corrected = build(resource);
    expect(corrected.draftOrders[0]?.medication?.dose).toEqual({ value: 20, unit: 'mg' });
    expect(run(corrected)).toEqual([]);
  });
});

describe('dose-dexamethasone-age cards', () => {
  it('render every outcome in both languages', () => {
    const findings = [...run(dex(75, 40)), ...run(dex(70, 20)), ...run(dex(undefined, 40)), ...run(dex(80))];
    expect(findings.map((f) => f.variant)).toEqual(['boundary-75', 'reduced-under-75', 'default', 'dose-unknown']);
    // One card per rule per subject: render them one at a time.
    const cards = findings.map((f) => renderBoth([f], 'order-sign'));
    expect(cards[0]?.en[0]?.summary).toContain('at the age boundary');
    expect(cards[1]?.nb[0]?.summary).toContain('dosereduksjon ved intoleranse');
    expect(cards[2]?.en[0]?.summary).toBe('Deksametason: birth date not available — dexamethasone dose by age could not be checked');
    expect(cards[3]?.en[0]?.source.topic?.code).toBe('dose-dexamethasone-age.not-evaluable');
  });
});

describe('dose-dexamethasone-age on the demo patients', () => {
  const patientId = 'pat-dt-elderly-dex';
  const draft = (dose?: number): Record<string, unknown> =>
    weeklyRequest('dt1-draft-dex', 'atc-who', dose, { subject: { reference: `Patient/${patientId}` } });

  it('pat-dt-elderly-dex (77): a 40 mg draft warns, a draft without a dose is not evaluable, 20 mg gives nothing', () => {
    expect(only(run(fixtureSnapshot(patientId, NOW, [draft(40)])))).toMatchObject({ variant: 'reduce-over-75', params: { age: 77, dose: 40 } });
    expect(only(run(fixtureSnapshot(patientId, NOW, [draft()])))).toMatchObject({ outcome: 'not-evaluable', variant: 'dose-unknown' });
    expect(run(fixtureSnapshot(patientId, NOW, [draft(20)]))).toEqual([]);
  });
});

describe('dose-dexamethasone-age: regimen dexamethasone only (weekly pulses), never emergency or premedication steroids', () => {
  const myeloma = {
    resourceType: 'Condition',
    id: 'mm',
    subject: { reference: 'Patient/pt-1' },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] },
  };
  const dosage = (text: string | undefined, repeat?: Record<string, unknown>): Record<string, unknown> => ({
    dosageInstruction: [
      {
        ...(text ? { text } : {}),
        ...(repeat ? { timing: { repeat } } : {}),
        doseAndRate: [{ doseQuantity: { value: 40, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }],
      },
    ],
  });
  const build = (more: Record<string, unknown>): PatientSnapshot =>
    fhirSnapshot(NOW, { patient: patient('1946-05-01'), resources: { conditions: [myeloma] }, drafts: [medicationRequest('dex', CODES.dexamethasone, 'atc-who', { value: 40 }, more)] });

  it('cord compression: «40 mg daglig i opptil 4 dager» (daily, bounded to 4 days) gives no card', () => {
    expect(run(build(dosage('Deksametason 40 mg daglig i opptil 4 dager', { frequency: 1, period: 1, periodUnit: 'd', boundsDuration: { value: 4, unit: 'd', system: 'http://unitsofmeasure.org', code: 'd' } })))).toEqual([]);
  });

  it('cord compression: «Dexametason 40 mg x1 startes umiddelbart» (one dose, text only) gives no card', () => {
    expect(run(build(dosage('Dexametason 40 mg x1 startes umiddelbart')))).toEqual([]);
    expect(run(build(dosage(undefined, { count: 1 })))).toEqual([]);
  });

  it('a daily pulse (weekly in the text is overridden by a coded daily timing) and a short course give no card', () => {
    expect(run(build(dosage(undefined, { frequency: 1, period: 1, periodUnit: 'd' })))).toEqual([]);
    expect(run(build(dosage(undefined, { frequency: 1, period: 1, periodUnit: 'd', count: 4 })))).toEqual([]);
  });

  it('hypercalcaemia, cord compression or premedication as the coded or written reason gives no card, even weekly', () => {
    const weekly = dosage(undefined, { frequency: 1, period: 1, periodUnit: 'wk' });
    expect(run(build({ ...weekly, reasonCode: [{ coding: [{ system: 'http://snomed.info/sct', code: '66931009' }] }] }))).toEqual([]);
    expect(run(build({ ...weekly, reasonCode: [{ coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7110', code: 'G95.2' }] }] }))).toEqual([]);
    expect(run(build({ ...weekly, reasonCode: [{ text: 'Premedikasjon før daratumumab' }] }))).toEqual([]);
    expect(run(build(dosage('Premedikasjon 20 mg før infusjon', { frequency: 1, period: 1, periodUnit: 'wk' })))).toEqual([]);
  });

  it('a weekly pulse (1 per week, or 4 per 28 days, or «ukentlig» in the text) warns and offers the weekly 20 mg update', () => {
    for (const more of [
      dosage(undefined, { frequency: 1, period: 1, periodUnit: 'wk' }),
      dosage(undefined, { frequency: 4, period: 28, periodUnit: 'd' }),
      dosage('40 mg peroralt ukentlig'),
    ]) {
      const f = only(run(build(more)));
      expect(f).toMatchObject({ variant: 'reduce-over-75', indicator: 'warning', suggestions: [{ template: 'update-to-20mg', targetRef: 'MedicationRequest/dex' }] });
      const resource = renderBoth([f], 'order-sign').en[0]?.suggestions?.[0]?.actions?.[0]?.resource as unknown as { dosageInstruction: { timing: unknown }[] };
      expect(resource.dosageInstruction[0]?.timing).toEqual({ repeat: { frequency: 1, period: 1, periodUnit: 'wk' } });
    }
  });

  it('no schedule stated: still a warning (regimen dose is the default use) but no update that would set a frequency', () => {
    const f = only(run(build(dosage(undefined))));
    expect(f).toMatchObject({ variant: 'reduce-over-75-schedule-unknown', indicator: 'warning' });
    expect(f.suggestions ?? []).toEqual([]);
  });

  it('the snapshot reads the dosage timing, the course bounds and the reasons', () => {
    const s = build({
      ...dosage('40 mg daglig', { frequency: 1, period: 1, periodUnit: 'd', boundsDuration: { value: 1, unit: 'wk', system: 'http://unitsofmeasure.org', code: 'wk' }, count: 7 }),
      reasonCode: [{ coding: [{ system: 'http://snomed.info/sct', code: '71286001' }], text: 'Ryggmargskompresjon' }],
    });
    expect(s.draftOrders[0]?.medication).toMatchObject({
      timing: { frequency: 1, period: 1, periodUnit: 'd', boundsDays: 7, count: 7, text: '40 mg daglig' },
      reasons: ['cond:spinal-cord-compression'],
      reasonText: 'ryggmargskompresjon',
    });
  });
});
