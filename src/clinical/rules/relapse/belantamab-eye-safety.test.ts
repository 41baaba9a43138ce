import { expect } from '@jest/globals';
import type { Finding, Hook, MedicationEntry, PatientSnapshot } from '../../types.js';
import { TEARS_MIN_TIMES_PER_DAY, belantamabEyeSafety } from './belantamab-eye-safety.js';
import { condition, context, daysFrom, draftOrder, draftProcedure, medication, procedure, snapshot, unavailable } from '../support/snapshot-factory.test-support.js';
import { renderBoth, renderValid } from '../support/render.test-support.js';
import { CODE_VARIANTS, DRUG_CODES, PID, SPECS, fhirSnapshot, medicationResource, suggestedResources } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z');
const run = (s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] => belantamabEyeSafety.evaluate(s, context(hook, NOW));
const bela = draftOrder(SPECS.belantamab, { id: 'bela' });
const exam = (at: Date | string | undefined, id = 'exam'): ReturnType<typeof procedure> =>
  procedure('proc:ophthalmology-exam', { id, ...(at !== undefined ? { date: at } : {}) });
const referral = procedure('proc:ophthalmology-exam', { source: 'ServiceRequest', id: 'ref', date: daysFrom(NOW, 3) });
const tears = medication(SPECS.hypromellose, { id: 'tears' });
const givenDose = (daysAgo: number): MedicationEntry => medication(SPECS.belantamab, { source: 'MedicationAdministration', id: `b-${daysAgo}`, occurredAt: daysFrom(NOW, -daysAgo) });
const eyes = (daysAgo: number | undefined, status = 'active'): ReturnType<typeof condition> =>
  condition('cond:ocular-symptoms', { clinicalStatus: status, id: `eyes-${daysAgo ?? 'x'}-${status}`, ...(daysAgo !== undefined ? { onset: daysFrom(NOW, -daysAgo), recorded: daysFrom(NOW, -daysAgo) } : {}) });
const ready = { procedures: [exam(daysFrom(NOW, -10))], medications: [tears] };

describe('belantamab-eye-safety', () => {
  it('runs on patient-view, order-select and order-sign', () => expect(belantamabEyeSafety.hooks).toEqual(['patient-view', 'order-select', 'order-sign']));

  it('first dose without an ophthalmology exam → critical at sign, warning on order-select, with referral and tears suggestions', () => {
    const s = snapshot({ draftOrders: [bela] });
    expect(run(s)[0]).toMatchObject({
      outcome: 'fired',
      variant: 'no-baseline-exam',
      indicator: 'critical',
      subject: 'MedicationRequest/bela',
      params: { drug: 'Belantamab mafodotin' },
      criteriaMet: ['belantamab', 'first-dose', 'no-baseline-exam', 'no-tears'],
      suggestions: [{ template: 'refer-ophthalmology' }, { template: 'create-hypromellose' }],
    });
    expect(run(s, 'order-select')[0]).toMatchObject({ variant: 'no-baseline-exam', indicator: 'warning' });
  });

  it('exam boundary: done at or before the dose time counts, after it does not', () => {
    const at = (d: Date): Finding[] => run(snapshot({ procedures: [exam(d)], medications: [tears], draftOrders: [bela] }));
    expect(at(new Date(NOW.getTime() - 60_000))).toEqual([]);
    expect(at(NOW)).toEqual([]);
    expect(at(new Date(NOW.getTime() + 60_000))[0]?.variant).toBe('no-baseline-exam');
    // A cancelled exam is no exam; a planned draft date moves the dose time.
    expect(run(snapshot({ procedures: [procedure('proc:ophthalmology-exam', { status: 'not-done', date: daysFrom(NOW, -3) })], medications: [tears], draftOrders: [bela] }))[0]?.variant).toBe('no-baseline-exam');
    const later = draftOrder(SPECS.belantamab, { id: 'bela', date: daysFrom(NOW, 7) });
    expect(run(snapshot({ procedures: [exam(daysFrom(NOW, 6))], medications: [tears], draftOrders: [later] }))).toEqual([]);
  });

  it('a later dose needs no baseline exam; tears on record → nothing at sign', () => {
    expect(run(snapshot({ administrations: [givenDose(56)], medications: [tears], draftOrders: [bela] }))).toEqual([]);
    const stated = medication(SPECS.belantamab, { source: 'MedicationStatement', status: 'completed', id: 'st', date: daysFrom(NOW, -100) });
    expect(run(snapshot({ medications: [stated, tears], draftOrders: [bela] }))).toEqual([]);
  });

  it('everything in place: order-select gives the contact-lens reminder (info) at the first dose only', () => {
    expect(run(snapshot({ ...ready, draftOrders: [bela] }), 'order-select')[0]).toMatchObject({ variant: 'start-reminder', indicator: 'info' });
    expect(run(snapshot({ ...ready, draftOrders: [bela] }))).toEqual([]);
    expect(run(snapshot({ ...ready, administrations: [givenDose(56)], draftOrders: [bela] }), 'order-select')).toEqual([]);
  });

  it('no tear substitute → info with the hypromellose suggestion; drafted tears count, tears on hold do not', () => {
    expect(run(snapshot({ procedures: [exam(daysFrom(NOW, -10))], draftOrders: [bela] }))[0]).toMatchObject({
      variant: 'no-tears',
      indicator: 'info',
      suggestions: [{ template: 'create-hypromellose' }],
    });
    expect(run(snapshot({ procedures: [exam(daysFrom(NOW, -10))], draftOrders: [bela, draftOrder(SPECS.artificialTears)] }))).toEqual([]);
    const paused = medication(SPECS.hypromellose, { id: 'tears', status: 'on-hold' });
    expect(run(snapshot({ procedures: [exam(daysFrom(NOW, -10))], medications: [paused], draftOrders: [bela] }))[0]?.variant).toBe('no-tears');
    expect(TEARS_MIN_TIMES_PER_DAY).toBe(4);
  });

  it('eye symptoms since the last dose → critical at sign (warning on select) with hold and referral suggestions', () => {
    const s = snapshot({ ...ready, administrations: [givenDose(56)], conditions: [eyes(10)], draftOrders: [bela] });
    expect(run(s)[0]).toMatchObject({
      variant: 'eye-symptoms',
      indicator: 'critical',
      criteriaMet: ['belantamab', 'eye-symptoms'],
      suggestions: [{ template: 'hold-dose', targetRef: 'MedicationRequest/bela' }, { template: 'refer-ophthalmology' }],
    });
    expect(run(s, 'order-select')[0]?.indicator).toBe('warning');
  });

  it('symptoms boundary: after the last dose count, at or before it do not; resolved symptoms do not; undated ones do', () => {
    const at = (c: ReturnType<typeof condition>): Finding[] => run(snapshot({ ...ready, administrations: [givenDose(56)], conditions: [c], draftOrders: [bela] }));
    expect(at(eyes(55.99))[0]?.variant).toBe('eye-symptoms');
    expect(at(eyes(56))).toEqual([]);
    expect(at(eyes(57))).toEqual([]);
    expect(at(eyes(10, 'resolved'))).toEqual([]);
    expect(at(eyes(undefined))[0]?.variant).toBe('eye-symptoms');
    // Before the first dose any current eye symptom counts, and outranks the missing exam.
    expect(run(snapshot({ conditions: [eyes(400)], draftOrders: [bela] }))[0]).toMatchObject({ variant: 'eye-symptoms', criteriaMet: ['belantamab', 'first-dose', 'eye-symptoms', 'no-baseline-exam', 'no-tears'] });
  });

  it('a referral on record but no exam done → warning (not critical), no second referral suggested', () => {
    const [f] = run(snapshot({ procedures: [referral], medications: [tears], draftOrders: [bela] }));
    expect(f).toMatchObject({ variant: 'exam-ordered', indicator: 'warning', criteriaMet: ['belantamab', 'first-dose', 'exam-ordered'] });
    expect(f?.suggestions).toBeUndefined();
  });

  it('MD-warn: an exam on record without a date → not-evaluable (warning at sign, info on select)', () => {
    const s = snapshot({ procedures: [exam(undefined)], medications: [tears], draftOrders: [bela] });
    expect(run(s)[0]).toMatchObject({ outcome: 'not-evaluable', variant: 'exam-undated', indicator: 'warning', missing: ['proc:ophthalmology-exam'] });
    expect(run(s, 'order-select')[0]?.indicator).toBe('info');
  });

  it('MD-warn: a domain the rule reads is unavailable → not-evaluable naming it', () => {
    const [f] = run(snapshot({ draftOrders: [bela], ...unavailable('procedures') }));
    expect(f).toMatchObject({ outcome: 'not-evaluable', variant: 'default', indicator: 'warning', missing: ['domain:procedures'] });
  });

  it('MD-scope: no belantamab draft (order hooks) or not on belantamab (patient-view) → nothing', () => {
    expect(run(snapshot({ draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [{ ...bela, inFocus: false }] }), 'order-select')).toEqual([]);
    expect(run(snapshot({ administrations: [givenDose(10)] }), 'patient-view')).toEqual([]);
  });

  it('patient-view on belantamab: subject patient; exam before the first dose, tears and symptoms checked', () => {
    const onOrder = medication(SPECS.belantamab, { id: 'bela-order', status: 'active', date: daysFrom(NOW, -2) });
    expect(run(snapshot({ medications: [onOrder] }), 'patient-view')[0]).toMatchObject({ subject: 'patient', variant: 'no-baseline-exam', indicator: 'warning' });
    expect(run(snapshot({ medications: [onOrder], administrations: [givenDose(20)] }), 'patient-view')[0]).toMatchObject({ variant: 'no-tears', indicator: 'info' });
    const withSymptoms = run(snapshot({ medications: [onOrder, tears], administrations: [givenDose(20)], conditions: [eyes(5)] }), 'patient-view')[0];
    expect(withSymptoms).toMatchObject({ variant: 'eye-symptoms', indicator: 'warning', suggestions: [{ template: 'refer-ophthalmology' }] });
    expect(run(snapshot({ medications: [onOrder, tears], administrations: [givenDose(20)] }), 'patient-view')).toEqual([]);
  });

  it('accepting the suggestions: the referral turns the critical into a warning, the tears clear theirs, the exam done clears the card', () => {
    const draft = medicationResource('MedicationRequest', 'bela', DRUG_CODES.belantamab, 'atc-who');
    const first = fhirSnapshot({ drafts: [draft] }, NOW);
    const card = renderValid(run(first), 'order-sign')[0];
    const actions = suggestedResources(card);
    expect(actions.map((a) => a.type)).toEqual(['create', 'create']);
    const [ref, drops] = actions.map((a, i) => ({ ...(a.resource as Record<string, unknown>), id: `accepted-${i}` }));
    const withReferral = run(fhirSnapshot({ drafts: [draft, ref] }, NOW));
    expect(withReferral[0]).toMatchObject({ variant: 'exam-ordered', indicator: 'warning', criteriaMet: ['belantamab', 'first-dose', 'exam-ordered', 'no-tears'] });
    const withBoth = run(fhirSnapshot({ drafts: [draft, ref, drops] }, NOW));
    expect(withBoth[0]).toMatchObject({ variant: 'exam-ordered', criteriaMet: ['belantamab', 'first-dose', 'exam-ordered'] });
    const done = {
      resourceType: 'Procedure',
      id: 'exam',
      status: 'completed',
      subject: { reference: `Patient/${PID}` },
      code: { coding: [{ system: 'urn:heme-cds:local', code: 'ophthalmology-exam' }] },
      performedDateTime: '2026-11-20',
    };
    expect(run(fhirSnapshot({ drafts: [draft, drops], resources: { procedures: [done] } }, NOW))).toEqual([]);
  });

  it('accepting "hold the dose" (the draft deleted) leaves no card', () => {
    const s = snapshot({ ...ready, administrations: [givenDose(56)], conditions: [eyes(10)], draftOrders: [bela] });
    const hold = suggestedResources(renderValid(run(s), 'order-sign')[0]).find((a) => a.type === 'delete');
    expect(hold).toMatchObject({ resourceId: 'MedicationRequest/bela' });
    expect(run({ ...s, draftOrders: s.draftOrders.filter((d) => d.ref !== hold?.resourceId) })).toEqual([]);
  });

  it.each(CODE_VARIANTS)('belantamab coded as %s, with tears coded by ATC, through the snapshot builder', (variant) => {
    const hypromellose = medicationResource('MedicationRequest', 'tears', { atc: 'S01KA02', rxnorm: '27334', text: 'Øyedråper X' }, variant, { status: 'active' });
    const draft = medicationResource('MedicationRequest', 'bela', DRUG_CODES.belantamab, variant);
    expect(run(fhirSnapshot({ drafts: [draft] }, NOW))[0]).toMatchObject({ variant: 'no-baseline-exam', subject: 'MedicationRequest/bela', criteriaMet: expect.arrayContaining(['no-tears']) });
    expect(run(fhirSnapshot({ drafts: [draft], resources: { medicationRequests: [hypromellose] } }, NOW))[0]?.criteriaMet).not.toContain('no-tears');
  });

  it('renders every outcome and variant in both languages', () => {
    const noExam = renderBoth(run(snapshot({ draftOrders: [bela] })), 'order-sign');
    expect(noExam.en[0]?.summary).toBe('Belantamab mafodotin: ophthalmology exam required before the first dose — none recorded');
    expect(noExam.nb[0]?.summary).toBe('Belantamab mafodotin: øyelegeundersøkelse kreves før første dose — ingen registrert');
    expect(noExam.en[0]?.indicator).toBe('critical');
    expect(noExam.en[0]?.overrideReasons?.map((r) => r.code)).toEqual(['done-elsewhere', 'clinical-judgement']);
    expect(noExam.en[0]?.suggestions?.map((x) => x.label)).toEqual(['Refer to the ophthalmologist', 'Order preservative-free hypromellose eye drops 4 times daily']);

    const symptoms = renderBoth(run(snapshot({ ...ready, administrations: [givenDose(56)], conditions: [eyes(10)], draftOrders: [bela] })), 'order-sign');
    expect(symptoms.en[0]?.summary).toBe('Belantamab mafodotin: eye symptoms recorded — hold the dose and refer to the ophthalmologist again');

    const ordered = renderBoth(run(snapshot({ procedures: [referral], medications: [tears], draftOrders: [bela] })), 'order-sign');
    expect(ordered.nb[0]?.summary).toMatch(/øyelegeundersøkelse er bestilt, men ikke dokumentert/);

    const noTears = renderBoth(run(snapshot({ procedures: [exam(daysFrom(NOW, -10))], draftOrders: [bela] })), 'order-sign');
    expect(noTears.en[0]?.summary).toBe('Belantamab mafodotin: add preservative-free artificial tears at least 4 times a day');

    const reminder = renderBoth(run(snapshot({ ...ready, draftOrders: [bela] }), 'order-select'), 'order-select');
    expect(reminder.en[0]?.summary).toMatch(/the patient should avoid contact lenses$/);
    expect(reminder.nb[0]?.indicator).toBe('info');

    const undated = renderBoth(run(snapshot({ procedures: [exam(undefined)], medications: [tears], draftOrders: [bela] })), 'order-sign');
    expect(undated.en[0]?.summary).toBe('Belantamab mafodotin: ophthalmology exam on record has no date — confirm it was done before the first dose');
    expect(undated.en[0]?.source.topic?.code).toBe('belantamab-eye-safety.not-evaluable');

    const down = renderBoth(run(snapshot({ draftOrders: [bela], ...unavailable('conditions') })), 'order-sign');
    expect(down.en[0]?.summary).toMatch(/^Belantamab mafodotin: eye safety could not be checked \(missing /);

    const pv = renderBoth(run(snapshot({ medications: [medication(SPECS.belantamab, { id: 'bo' })] }), 'patient-view'), 'patient-view');
    expect(pv.en[0]?.summary).toMatch(/ophthalmology exam required before the first dose/);
  });

  it('a draft ServiceRequest referral in the session counts as ordered', () => {
    expect(run(snapshot({ medications: [tears], draftOrders: [bela, draftProcedure('proc:ophthalmology-exam')] }))[0]?.variant).toBe('exam-ordered');
  });
});
