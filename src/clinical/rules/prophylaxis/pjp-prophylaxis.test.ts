import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { pjpProphylaxis } from './pjp-prophylaxis.js';
import { context, daysFrom, draftOrder, draftProcedure, lab, labsByConcept, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, fhirSnapshot, medicationRequest } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const CILTACEL = { display: 'Ciltacabtagene autoleucel', concepts: ['drug:ciltacabtagene-autoleucel', 'class:bcma-directed', 'class:car-t'] };
const TALQUETAMAB = { display: 'Talkvetamab', concepts: ['drug:talquetamab', 'class:gprc5d-directed', 'class:bispecific'] };
const BACTRIM = { display: 'Bactrim', concepts: ['drug:sulfamethoxazole-trimethoprim', 'class:pjp-prophylaxis'] };
const DAPSONE = { display: 'Dapson', concepts: ['drug:dapsone', 'class:pjp-prophylaxis'] };

function run(s: PatientSnapshot, hook: Hook = 'order-sign', now: Date = NOW): Finding[] {
  return pjpProphylaxis.evaluate(s, context(hook, now));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
const cartOn = (date: string) => ({ administrations: [medication(CILTACEL, { source: 'MedicationAdministration', id: 'cart', occurredAt: date })] });
const cd4 = (value: number, date: string) => ({ labs: labsByConcept(lab('lab:cd4', value, '10*9/L', date)) });

describe('pjp-prophylaxis', () => {
  it('runs on patient-view and order-sign', () => {
    expect(pjpProphylaxis.hooks).toEqual(['patient-view', 'order-sign']);
  });

  it('fires on a bispecific draft and on a CAR-T draft (product or infusion), naming it', () => {
    expect(only(run(snapshot({ draftOrders: [draftOrder(TALQUETAMAB, { id: 't' })] })))).toMatchObject({
      outcome: 'fired', variant: 'bispecific', subject: 'MedicationRequest/t', indicator: 'warning', params: { drug: 'Talkvetamab' },
      suggestions: [{ template: 'create-smx-tmp' }],
    });
    expect(only(run(snapshot({ draftOrders: [draftOrder(CILTACEL)] }))).variant).toBe('car-t');
    expect(only(run(snapshot({ draftOrders: [draftProcedure('proc:car-t-infusion')] }))).variant).toBe('car-t');
  });

  it('no card with any accepted regimen active or drafted; out of scope without CAR-T or bispecific', () => {
    expect(run(snapshot({ medications: [medication(DAPSONE)], draftOrders: [draftOrder(TALQUETAMAB)] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder(TALQUETAMAB), { ...draftOrder(BACTRIM), inFocus: false }] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snapshot({}), 'patient-view')).toEqual([]);
  });

  it('a stopped Bactrim does not count', () => {
    expect(run(snapshot({ medications: [medication(BACTRIM, { status: 'stopped' })], draftOrders: [draftOrder(TALQUETAMAB)] }))).toHaveLength(1);
  });

  it('medication list unavailable -> not-evaluable warning', () => {
    expect(only(run(snapshot({ draftOrders: [draftOrder(TALQUETAMAB)], unavailable: ['medicationRequests'] })))).toMatchObject({
      outcome: 'not-evaluable', variant: 'medications-unavailable', missing: ['domain:medicationRequests'],
    });
  });

  describe('patient-view after CAR-T: 6 months or CD4 >= 0.2, whichever is longer', () => {
    it.each([
      ['2026-05-23T10:00:00Z', true],
      ['2026-05-22T10:00:00Z', 'cd4-missing'],
    ])('reinfusion %s, no CD4 -> %p', (date, expected) => {
      const f = only(run(snapshot(cartOn(date)), 'patient-view'));
      if (expected === true) expect(f).toMatchObject({ outcome: 'fired', variant: 'car-t' });
      else expect(f).toMatchObject({ outcome: 'not-evaluable', variant: 'cd4-missing', missing: ['lab:cd4'] });
    });

    it.each([
      [0.19, 1],
      [0.2, 0],
      [0.21, 0],
    ])('after 6 months with CD4 %p -> %i cards', (value, n) => {
      expect(run(snapshot({ ...cartOn('2026-01-10T10:00:00Z'), ...cd4(value, '2026-11-01T10:00:00Z') }), 'patient-view')).toHaveLength(n);
    });

    it('CD4 >= 0.2 inside the 6 months does not shorten them; a CD4 from before the reinfusion does not count', () => {
      expect(run(snapshot({ ...cartOn('2026-08-01T10:00:00Z'), ...cd4(0.6, '2026-11-01T10:00:00Z') }), 'patient-view')).toHaveLength(1);
      expect(only(run(snapshot({ ...cartOn('2026-01-10T10:00:00Z'), ...cd4(0.6, '2026-01-01T10:00:00Z') }), 'patient-view')).variant).toBe('cd4-missing');
    });

    it('a CAR-T Procedure dates the reinfusion too', () => {
      expect(only(run(snapshot({ procedures: [procedure('proc:car-t-infusion', { date: daysFrom(NOW, -10) })] }), 'patient-view')).variant).toBe('car-t');
    });
  });

  describe('patient-view with bispecifics', () => {
    it('during treatment, whatever the CD4', () => {
      expect(run(snapshot({ medications: [medication(TALQUETAMAB)], ...cd4(0.9, '2026-11-20T10:00:00Z') }), 'patient-view')).toHaveLength(1);
    });
    it.each([
      [0.19, 'fired'],
      [0.2, undefined],
      [undefined, 'not-evaluable'],
    ])('after treatment, CD4 %p -> %p', (value, outcome) => {
      const s = snapshot({
        medications: [medication(TALQUETAMAB, { status: 'completed', date: '2026-01-05T10:00:00Z' })],
        ...(value !== undefined ? cd4(value, '2026-11-01T10:00:00Z') : {}),
      });
      const findings = run(s, 'patient-view');
      if (outcome === undefined) expect(findings).toEqual([]);
      else expect(only(findings).outcome).toBe(outcome);
    });
  });

  describe('through the snapshot builder', () => {
    it.each(CODE_VARIANTS)('bispecific and CAR-T drafts coded as %s fire; the suggested TMP-SMX settles it', (variant) => {
      for (const codes of [CODES.teclistamab, CODES.ciltacel]) {
        const trigger = medicationRequest('t', codes, variant);
        const findings = run(fhirSnapshot(NOW, { drafts: [trigger] }));
        expect(findings).toHaveLength(1);
        const resource = renderBoth(findings, 'order-sign').en[0]?.suggestions?.[0]?.actions?.[0]?.resource as Record<string, unknown>;
        expect(resource).toMatchObject({ dosageInstruction: [{ timing: { repeat: { dayOfWeek: ['mon', 'wed', 'fri'] } } }] });
        expect(run(fhirSnapshot(NOW, { drafts: [trigger, { ...resource, id: 'suggested' }] }))).toEqual([]);
        const recorded = medicationRequest('smx', CODES.smxTmp, variant, { status: 'active' });
        expect(run(fhirSnapshot(NOW, { drafts: [trigger], resources: { medicationRequests: [recorded] } }))).toEqual([]);
      }
    });
  });

  it('renders every finding kind in both languages', () => {
    const bisp = renderBoth(run(snapshot({ draftOrders: [draftOrder(TALQUETAMAB)] })), 'order-sign');
    expect(bisp.en[0]?.summary).toBe('Talkvetamab: PJP prophylaxis missing (trimethoprim-sulfamethoxazole 160/800 mg three times weekly) with a bispecific');
    expect(bisp.nb[0]?.summary).toMatch(/mangler pneumocystisprofylakse/);
    const missing = renderBoth(run(snapshot(cartOn('2026-01-10T10:00:00Z')), 'patient-view'), 'patient-view');
    expect(missing.en[0]?.summary).toMatch(/CD4 count missing/);
    expect(missing.en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'ServiceRequest', code: { coding: [{ code: '24467-3' }] } });
    const unavailable = renderBoth(run(snapshot({ draftOrders: [draftOrder(CILTACEL)], unavailable: ['medicationStatements'] })), 'order-sign');
    expect(unavailable.en[0]?.summary).toMatch(/medication list unavailable/);
    expect(renderBoth(run(snapshot({ draftOrders: [draftOrder(CILTACEL)] })), 'order-sign').en[0]?.summary).toMatch(/with CAR-T$/);
  });
});
