import type { Finding, PatientSnapshot } from '../../types.js';
import { ropegContraception } from './ropeg-contraception.js';
import { codedByConcept, coded, context, draftOrder, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { bornForAge, draftRequest, FHIR_NOW, fhirSnapshot, localObservation, patient, ROPEG_CODES } from './fhir.test-support.js';

const ROPEG = { display: 'Ropeginterferon alfa-2b', concepts: ['drug:ropeginterferon-alfa-2b', 'class:alpha-interferon'] };
const fertile = { gender: 'female', ageYears: 30 };

function run(s: PatientSnapshot, now?: Date): Finding[] {
  return ropegContraception.evaluate(s, context('order-sign', now));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('ropeg-contraception', () => {
  it('runs on order-sign only', () => {
    expect(ropegContraception.hooks).toEqual(['order-sign']);
  });

  it('fertile, not pregnant (or status unknown), no contraception -> warning with a counselling order', () => {
    for (const pregnancy of ['not-pregnant', 'unknown'] as const) {
      const f = only(run(snapshot({ ...fertile, pregnancy, draftOrders: [draftOrder(ROPEG, { id: 'r' })] })));
      expect(f).toMatchObject({
        outcome: 'fired',
        subject: 'MedicationRequest/r',
        criteriaMet: ['ropeg-ordered', 'childbearing-potential', 'no-contraception'],
        suggestions: [{ template: 'contraception-counselling' }],
      });
      expect(f.values).toContainEqual({ concept: 'age', value: 30 });
    }
  });

  it('pregnant or not of childbearing potential -> no card', () => {
    expect(run(snapshot({ ...fertile, pregnancy: 'pregnant', draftOrders: [draftOrder(ROPEG)] }))).toEqual([]);
    expect(run(snapshot({ gender: 'male', ageYears: 40, pregnancy: 'not-applicable', draftOrders: [draftOrder(ROPEG)] }))).toEqual([]);
  });

  it('documented contraception -> no card (drug class, device, or a contraception observation)', () => {
    const contraceptive = { display: 'P-pille', concepts: ['drug:hormonal-contraceptive', 'class:contraceptive'] };
    const base = { ...fertile, pregnancy: 'not-pregnant' as const, draftOrders: [draftOrder(ROPEG)] };
    expect(run(snapshot({ ...base, medications: [medication(contraceptive)] }))).toEqual([]);
    expect(run(snapshot({ ...base, procedures: [procedure('proc:contraceptive-device')] }))).toEqual([]);
    expect(run(snapshot({ ...base, codedObservations: codedByConcept(coded('obs:contraception', [], '2025-01-01')) }))).toEqual([]);
  });

  it('a stopped contraceptive or a method recorded as "none" does not count', () => {
    const contraceptive = { display: 'P-pille', concepts: ['drug:hormonal-contraceptive', 'class:contraceptive'] };
    const base = { ...fertile, pregnancy: 'not-pregnant' as const, draftOrders: [draftOrder(ROPEG)] };
    expect(only(run(snapshot({ ...base, medications: [medication(contraceptive, { status: 'stopped' })] }))).outcome).toBe('fired');
    expect(only(run(snapshot({ ...base, codedObservations: codedByConcept(coded('obs:contraception', ['answer:absent'], '2025-05-01')) }))).outcome).toBe('fired');
  });

  it('sex or age unknown -> not-evaluable naming the patient; record domains unavailable -> not-evaluable naming them', () => {
    expect(only(run(snapshot({ gender: 'female', pregnancy: 'unknown', draftOrders: [draftOrder(ROPEG)] })))).toMatchObject({
      outcome: 'not-evaluable',
      missing: ['domain:patient'],
    });
    expect(only(run(snapshot({ ...fertile, pregnancy: 'unknown', unavailable: ['medicationStatements'], draftOrders: [draftOrder(ROPEG)] })))).toMatchObject({
      outcome: 'not-evaluable',
      missing: ['domain:medicationStatements'],
      criteriaMet: ['ropeg-ordered', 'childbearing-potential'],
    });
  });

  it('MD-scope: no ropeginterferon draft -> no card', () => {
    expect(run(snapshot({ ...fertile, pregnancy: 'unknown', draftOrders: [draftOrder('lenalidomide')] }))).toEqual([]);
  });

  it('through buildSnapshot: ages 12/55 fire, 11/56 do not; a local contraception Observation settles it', () => {
    const d = [draftRequest('r', ROPEG_CODES)];
    for (const age of [12, 55]) expect(only(run(fhirSnapshot(patient('female', bornForAge(age)) as never, [], d as never), FHIR_NOW)).outcome).toBe('fired');
    for (const age of [11, 56]) expect(run(fhirSnapshot(patient('female', bornForAge(age)) as never, [], d as never), FHIR_NOW)).toEqual([]);
    const method = localObservation('o-c', 'contraception', '2026-10-01T10:00:00+02:00', { text: 'Hormonspiral' });
    expect(run(fhirSnapshot(patient('female', bornForAge(30)) as never, [method] as never, d as never), FHIR_NOW)).toEqual([]);
  });

  it('renders both outcomes in both languages', () => {
    const fired = renderBoth(run(snapshot({ ...fertile, pregnancy: 'not-pregnant', draftOrders: [draftOrder(ROPEG)] })), 'order-sign');
    expect(fired.en[0]?.summary).toBe('Ropeginterferon alfa-2b: women of childbearing potential must use reliable contraception — none documented');
    expect(fired.nb[0]?.summary).toMatch(/fertile kvinner må bruke sikker prevensjon/);
    expect(fired.en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'ServiceRequest', status: 'draft', intent: 'order' });
    const ne = renderBoth(run(snapshot({ pregnancy: 'unknown', draftOrders: [draftOrder(ROPEG)] })), 'order-sign');
    expect(ne.en[0]?.source.topic?.code).toBe('ropeg-contraception.not-evaluable');
  });
});
