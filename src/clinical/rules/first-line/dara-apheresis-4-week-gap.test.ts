import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { daraApheresis4WeekGap } from './dara-apheresis-4-week-gap.js';
import { context, daysFrom, draftOrder, draftProcedure, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import {
  CODES,
  CODE_VARIANTS,
  administration,
  apheresisRequest,
  fhirSnapshot,
  medicationRequest,
} from './fhir.test-support.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const LAST_DOSE = '2026-11-05T10:00:00+01:00';
const APHERESIS = 'proc:stem-cell-apheresis';
const ISATUXIMAB = { display: 'Isatuksimab', concepts: ['drug:isatuximab', 'class:cd38-antibody'] };

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return daraApheresis4WeekGap.evaluate(s, context(hook, NOW));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

const daraGiven = (at: string | Date): ReturnType<typeof medication> =>
  medication('daratumumab', { source: 'MedicationAdministration', id: `ma-${String(at)}`, occurredAt: at });

/** Harvest draft planned `days` after a daratumumab dose on 2026-11-05. */
function harvestAfter(days: number): PatientSnapshot {
  return snapshot({
    administrations: [daraGiven(LAST_DOSE)],
    draftOrders: [draftProcedure(APHERESIS, { id: 'harvest', date: daysFrom('2026-11-05T00:00:00Z', days) })],
  });
}

describe('dara-apheresis-4-week-gap: harvest draft', () => {
  it('declares order hooks, its needs, and handles unavailable data', () => {
    expect(daraApheresis4WeekGap.hooks).toEqual(['order-select', 'order-sign']);
    expect(daraApheresis4WeekGap.needs).toEqual(['medicationAdministrations', 'medicationRequests', 'serviceRequests']);
    expect(daraApheresis4WeekGap.handlesUnavailable).toBe(true);
  });

  it('21 days: critical at sign, warning at select, earliest date last dose + 28', () => {
    const f = only(run(harvestAfter(21)));
    expect(f).toMatchObject({
      outcome: 'fired',
      subject: 'ServiceRequest/harvest',
      variant: 'daratumumab-harvest',
      indicator: 'critical',
      params: { days: 21, lastDose: '2026-11-05', earliestDate: '2026-12-03' },
      criteriaMet: ['gap-lt-28-days'],
      suggestions: [{ template: 'postpone-harvest', targetRef: 'ServiceRequest/harvest', params: { earliestDate: '2026-12-03', status: 'draft' } }],
    });
    expect(only(run(harvestAfter(21), 'order-select')).indicator).toBe('warning');
  });

  it('boundaries: 27 days fires, 28 and 29 days do not', () => {
    expect(only(run(harvestAfter(27))).params.days).toBe(27);
    expect(run(harvestAfter(28))).toEqual([]);
    expect(run(harvestAfter(29))).toEqual([]);
  });

  it('counts Oslo calendar days: a dose at 00:30 local time belongs to that day', () => {
    const s = snapshot({
      administrations: [daraGiven('2026-11-06T00:30:00+01:00')],
      draftOrders: [draftProcedure(APHERESIS, { id: 'h', date: '2026-12-03' })],
    });
    expect(only(run(s)).params).toMatchObject({ days: 27, lastDose: '2026-11-06', earliestDate: '2026-12-04' });
  });

  it('uses the newest administration and flags an order that is still active', () => {
    const s = snapshot({
      administrations: [daraGiven('2026-10-01T10:00:00+02:00'), daraGiven(LAST_DOSE)],
      medications: [medication('daratumumab', { id: 'dara-order', status: 'active' })],
      draftOrders: [draftProcedure(APHERESIS, { date: '2026-11-26' })],
    });
    expect(only(run(s))).toMatchObject({ params: { days: 21 }, criteriaMet: ['gap-lt-28-days', 'antibody-order-active'] });
  });

  it('no planned date: the order date is used and said so', () => {
    const s = snapshot({ administrations: [daraGiven(LAST_DOSE)], draftOrders: [draftProcedure(APHERESIS, { id: 'h' })] });
    expect(only(run(s))).toMatchObject({ params: { days: 17, earliestDate: '2026-12-03' }, criteriaMet: ['gap-lt-28-days', 'planned-date-is-order-date'] });
  });

  it('MD-scope: no daratumumab at all, or no harvest draft, gives nothing', () => {
    expect(run(snapshot({ draftOrders: [draftProcedure(APHERESIS, { date: '2026-11-26' })] }))).toEqual([]);
    expect(run(snapshot({ administrations: [daraGiven(LAST_DOSE)], draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    const s = snapshot({ administrations: [daraGiven(LAST_DOSE)], draftOrders: [draftProcedure(APHERESIS, { date: '2026-11-26', inFocus: false })] });
    expect(run(s, 'order-select')).toEqual([]);
  });

  it('ignores administrations not done or entered in error', () => {
    const s = snapshot({
      administrations: [
        medication('daratumumab', { source: 'MedicationAdministration', status: 'not-done', occurredAt: LAST_DOSE, id: 'nd' }),
        daraGiven('2026-10-01T10:00:00+02:00'),
      ],
      draftOrders: [draftProcedure(APHERESIS, { date: '2026-11-26' })],
    });
    expect(run(s)).toEqual([]);
  });

  it('daratumumab on record without an administration date: MD-warn', () => {
    const s = snapshot({ medications: [medication('daratumumab', { id: 'd' })], draftOrders: [draftProcedure(APHERESIS, { id: 'h', date: '2026-11-26' })] });
    expect(only(run(s))).toMatchObject({ outcome: 'not-evaluable', variant: 'daratumumab', indicator: 'warning', missing: ['last-dose-date'], subject: 'ServiceRequest/h' });
  });

  it('administrations unavailable: MD-warn naming the domain', () => {
    const s = snapshot({ draftOrders: [draftProcedure(APHERESIS, { date: '2026-11-26' })], unavailable: ['medicationAdministrations'] });
    expect(only(run(s))).toMatchObject({ outcome: 'not-evaluable', missing: ['domain:medicationAdministrations'] });
  });

  it('isatuximab (proposal): the same gap as info only', () => {
    const s = snapshot({
      administrations: [medication(ISATUXIMAB, { source: 'MedicationAdministration', occurredAt: LAST_DOSE })],
      draftOrders: [draftProcedure(APHERESIS, { date: '2026-11-26' })],
    });
    expect(only(run(s))).toMatchObject({ variant: 'isatuximab-harvest', indicator: 'info', params: { days: 21 } });
  });
});

describe('dara-apheresis-4-week-gap: daratumumab draft while a harvest is planned', () => {
  const planned = (date: string | Date, status = 'active'): ReturnType<typeof procedure> =>
    procedure(APHERESIS, { source: 'ServiceRequest', id: 'sr-harvest', status, date });

  it('harvest in 4 days: critical at sign; the suggestion holds the daratumumab dose, it never moves the harvest', () => {
    const s = snapshot({ procedures: [planned('2026-11-26')], draftOrders: [draftOrder('daratumumab', { id: 'dara' })] });
    const f = only(run(s));
    expect(f).toMatchObject({
      subject: 'MedicationRequest/dara',
      variant: 'daratumumab-order',
      indicator: 'critical',
      params: { drug: 'Daratumumab', days: 4, harvestDate: '2026-11-26', earliestDate: '2026-12-20' },
      suggestions: [{ template: 'remove-antibody-draft', targetRef: 'MedicationRequest/dara' }],
    });
    expect(only(run(s, 'order-select')).indicator).toBe('warning');
    const card = renderBoth([only(run(s))], 'order-sign').en[0];
    expect(card?.suggestions?.map((x) => x.label)).toEqual(['Hold the dose (Daratumumab) until after the harvest']);
    expect(card?.suggestions?.[0]?.isRecommended).toBe(true);
  });

  it('boundaries: harvest 27 days ahead fires, 28 and 29 do not', () => {
    const at = (days: number): PatientSnapshot => snapshot({ procedures: [planned(daysFrom(NOW, days))], draftOrders: [draftOrder('daratumumab')] });
    expect(only(run(at(27))).params.days).toBe(27);
    expect(run(at(28))).toEqual([]);
    expect(run(at(29))).toEqual([]);
  });

  it('a past, completed, cancelled or undated harvest request does not count', () => {
    for (const p of [planned('2026-11-20'), planned('2026-11-26', 'completed'), planned('2026-11-26', 'revoked'), procedure(APHERESIS, { source: 'ServiceRequest' })]) {
      expect(run(snapshot({ procedures: [p], draftOrders: [draftOrder('daratumumab')] }))).toEqual([]);
    }
    // A harvest Procedure already done is not a plan either.
    expect(run(snapshot({ procedures: [procedure(APHERESIS, { date: '2026-11-26' })], draftOrders: [draftOrder('daratumumab')] }))).toEqual([]);
  });

  it('service requests unavailable: MD-warn on the daratumumab draft', () => {
    const s = snapshot({ draftOrders: [draftOrder('daratumumab', { id: 'd' })], unavailable: ['serviceRequests'] });
    expect(only(run(s))).toMatchObject({ outcome: 'not-evaluable', variant: 'daratumumab-order', indicator: 'warning', missing: ['domain:serviceRequests'] });
    expect(only(run(s, 'order-select')).indicator).toBe('info');
  });
});

describe('dara-apheresis-4-week-gap through the snapshot builder', () => {
  it.each(CODE_VARIANTS)('matches daratumumab administrations coded as %s', (variant) => {
    const s = fhirSnapshot(NOW, {
      resources: { medicationAdministrations: [administration('ma1', CODES.daratumumab, variant, LAST_DOSE)] },
      drafts: [apheresisRequest('harvest', 'draft', '2026-11-26')],
    });
    expect(only(run(s))).toMatchObject({ variant: 'daratumumab-harvest', params: { days: 21 } });
  });

  it.each(CODE_VARIANTS)('matches a daratumumab draft coded as %s', (variant) => {
    const s = fhirSnapshot(NOW, {
      resources: { serviceRequests: [apheresisRequest('sr', 'active', '2026-11-26')] },
      drafts: [medicationRequest('dara', CODES.daratumumab, variant, { value: 1800 })],
    });
    expect(only(run(s))).toMatchObject({ variant: 'daratumumab-order', params: { days: 4 } });
  });

  it('pat-dara-apheresis: harvest draft on 2026-11-26 is critical on SG, warning on OS, suggest 2026-12-03', () => {
    const draft = apheresisRequest('dara-draft-apheresis', 'draft', '2026-11-26', 'pat-dara-apheresis');
    const sign = only(run(fixtureSnapshot('pat-dara-apheresis', NOW, [draft])));
    expect(sign).toMatchObject({ indicator: 'critical', params: { days: 21, lastDose: '2026-11-05', earliestDate: '2026-12-03' } });
    const select = only(run(fixtureSnapshot('pat-dara-apheresis', NOW, [draft], { selections: ['ServiceRequest/dara-draft-apheresis'] }), 'order-select'));
    expect(select.indicator).toBe('warning');
  });

  it('the suggested ServiceRequest is valid R4 and, sent back as the draft, clears the card; critical cards carry override reasons', () => {
    const draft = apheresisRequest('dara-draft-apheresis', 'draft', '2026-11-26', 'pat-dara-apheresis');
    const { nb, en } = renderBoth(run(fixtureSnapshot('pat-dara-apheresis', NOW, [draft])), 'order-sign');
    expect(en[0]?.summary).toBe('Stem-cell harvest only 21 days after last daratumumab dose — national rule requires ≥4 weeks (from 2026-12-03)');
    expect(nb[0]?.summary).toContain('bare 21 dager etter siste daratumumabdose');
    expect(en[0]?.indicator).toBe('critical');
    expect(en[0]?.overrideReasons?.map((r) => r.code)).toEqual(['clinical-judgement', 'harvest-date-fixed']);
    const action = en[0]?.suggestions?.[0]?.actions?.[0];
    expect(action?.type).toBe('update');
    const resource = action?.resource as Record<string, unknown>;
    expect(resource).toMatchObject({
      resourceType: 'ServiceRequest',
      id: 'dara-draft-apheresis',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/pt-1' },
      code: { coding: [{ system: 'urn:heme-cds:local', code: 'stem-cell-apheresis' }] },
      occurrenceDateTime: '2026-12-03',
    });
    const resent = { ...resource, subject: { reference: 'Patient/pat-dara-apheresis' } };
    expect(run(fixtureSnapshot('pat-dara-apheresis', NOW, [resent]))).toEqual([]);
  });

  it('pat-dara-apheresis: a daratumumab draft is flagged against the planned harvest; the one suggestion holds the dose', () => {
    const dara = medicationRequest('dara-draft', CODES.daratumumab, 'atc-who', { value: 1800 }, { subject: { reference: 'Patient/pat-dara-apheresis' } });
    const findings = run(fixtureSnapshot('pat-dara-apheresis', NOW, [dara]));
    expect(only(findings)).toMatchObject({ variant: 'daratumumab-order', params: { days: 4, harvestDate: '2026-11-26', earliestDate: '2026-12-20' } });
    const { en } = renderBoth(findings, 'order-sign');
    expect(en[0]?.summary).toContain('stem-cell harvest planned in 4 days (2026-11-26)');
    expect(en[0]?.suggestions).toHaveLength(1);
    expect(en[0]?.suggestions?.[0]?.actions?.[0]).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/dara-draft' });
  });
});

describe('dara-apheresis-4-week-gap cards', () => {
  it('render every outcome in both languages', () => {
    const findings = [
      ...run(snapshot({ medications: [medication('daratumumab')], draftOrders: [draftProcedure(APHERESIS, { id: 'a', date: '2026-11-26' })] })),
      ...run(snapshot({ draftOrders: [draftOrder('daratumumab', { id: 'b' })], unavailable: ['serviceRequests'] })),
      ...run(
        snapshot({
          administrations: [medication(ISATUXIMAB, { source: 'MedicationAdministration', occurredAt: LAST_DOSE })],
          draftOrders: [draftProcedure(APHERESIS, { id: 'c', date: '2026-11-26' })],
        }),
      ),
      ...run(snapshot({ procedures: [procedure(APHERESIS, { source: 'ServiceRequest', date: '2026-11-30' })], draftOrders: [draftOrder(ISATUXIMAB, { id: 'd' })] })),
      ...run(snapshot({ medications: [medication(ISATUXIMAB)], draftOrders: [draftProcedure(APHERESIS, { id: 'e', date: '2026-11-26' })] })),
      ...run(snapshot({ draftOrders: [draftOrder(ISATUXIMAB, { id: 'f' })], unavailable: ['serviceRequests'] })),
    ];
    expect(findings.map((f) => `${f.outcome}:${f.variant}`)).toEqual([
      'not-evaluable:daratumumab',
      'not-evaluable:daratumumab-order',
      'fired:isatuximab-harvest',
      'fired:isatuximab-order',
      'not-evaluable:isatuximab',
      'not-evaluable:isatuximab-order',
    ]);
    const { nb, en } = renderBoth(findings, 'order-sign');
    expect(en).toHaveLength(6);
    expect(en.some((c) => c.summary === 'Last daratumumab date unknown — verify ≥4 weeks before stem-cell harvest')).toBe(true);
    expect(nb.some((c) => c.summary.includes('isatuksimabdose'))).toBe(true);
  });
});

describe('dara-apheresis-4-week-gap on the new demo patients', () => {
  it('pat-dt-vrd-early-harvest: daratumumab ordered but no administration recorded -> MD-warn', () => {
    const draft = apheresisRequest('dt3-draft-apheresis', 'draft', '2026-11-26', 'pat-dt-vrd-early-harvest');
    expect(only(run(fixtureSnapshot('pat-dt-vrd-early-harvest', NOW, [draft])))).toMatchObject({ outcome: 'not-evaluable', variant: 'daratumumab', missing: ['last-dose-date'] });
  });

  it('pat-dt-vrd-early-harvest: a daratumumab draft with no harvest on record gives nothing', () => {
    const dara = medicationRequest('dt3-draft-dara', CODES.daratumumab, 'atc-who', { value: 1800 }, { subject: { reference: 'Patient/pat-dt-vrd-early-harvest' } });
    expect(run(fixtureSnapshot('pat-dt-vrd-early-harvest', NOW, [dara]))).toEqual([]);
  });
});
