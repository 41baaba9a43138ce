import type { Finding, Hook, MedicationEntry, PatientSnapshot } from '../../types.js';
import { bispecificStepupSchedule } from './bispecific-stepup-schedule.js';
import { context, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth, renderValid } from '../support/render.test-support.js';
import { CODE_VARIANTS, DRUG_CODES, SPECS, fhirSnapshot, medicationResource, suggestedResources } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z');
const HOUR = 60 * 60 * 1000;
const run = (s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] => bispecificStepupSchedule.evaluate(s, context(hook, NOW));
type Drug = 'teclistamab' | 'elranatamab' | 'talquetamab';
const given = (drug: Drug, at: Date | undefined, id: string): MedicationEntry =>
  medication(SPECS[drug], { source: 'MedicationAdministration', id, ...(at ? { occurredAt: at } : {}) });
const hoursBefore = (h: number): Date => new Date(NOW.getTime() - h * HOUR);
const draft = (drug: Drug, dose?: { value: number; unit: string }): ReturnType<typeof draftOrder> =>
  draftOrder(SPECS[drug], { id: 'bs', date: NOW, ...(dose ? { dose } : {}) });

/** The step-ups of `drug` given, the last one `lastHoursAgo` before now. */
function stepUps(drug: Drug, count: number, lastHoursAgo: number): MedicationEntry[] {
  return Array.from({ length: count }, (_, i) => given(drug, hoursBefore(lastHoursAgo + 48 * (count - 1 - i)), `su${i + 1}`)).reverse();
}

describe('bispecific-stepup-schedule', () => {
  describe('gap to the first full dose', () => {
    it.each([
      ['teclistamab', 2, 48],
      ['elranatamab', 2, 72],
      ['talquetamab', 3, 48],
    ] as const)('%s: critical just under the minimum, none at or over it (%i step-ups, %i h)', (drug, count, minimum) => {
      const under = run(snapshot({ administrations: stepUps(drug, count, minimum - 0.1), draftOrders: [draft(drug)] }))[0];
      expect(under).toMatchObject({ outcome: 'fired', variant: 'gap', indicator: 'critical', subject: 'MedicationRequest/bs', params: { drug: SPECS[drug].display, minimum } });
      expect(under?.params.hours).toBeCloseTo(minimum - 0.1, 5);
      expect(run(snapshot({ administrations: stepUps(drug, count, minimum), draftOrders: [draft(drug)] }))).toEqual([]);
      expect(run(snapshot({ administrations: stepUps(drug, count, minimum + 0.1), draftOrders: [draft(drug)] }))).toEqual([]);
    });

    it('critical on order-select too ("må")', () => {
      expect(run(snapshot({ administrations: stepUps('teclistamab', 2, 24), draftOrders: [draft('teclistamab')] }), 'order-select')[0]?.indicator).toBe('critical');
    });

    it('MD-warn when the last step-up has no time', () => {
      const admins = [given('elranatamab', hoursBefore(200), 'a'), given('elranatamab', undefined, 'b')];
      expect(run(snapshot({ administrations: admins, draftOrders: [draft('elranatamab')] }))[0]).toMatchObject({
        outcome: 'not-evaluable',
        indicator: 'warning',
        missing: ['domain:medicationAdministrations'],
      });
    });

    it('accepting the suggestion (the draft removed) leaves no card', () => {
      const s = snapshot({ administrations: stepUps('teclistamab', 2, 24), draftOrders: [draft('teclistamab')] });
      const [action] = suggestedResources(renderValid(run(s), 'order-sign')[0]);
      expect(action).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/bs' });
      expect(run({ ...s, draftOrders: [] })).toEqual([]);
    });
  });

  describe('step-up days (1, 3, 5)', () => {
    const at = (iso: string): Date => new Date(iso);
    it('step-up 2 on day 2 → warning; on day 3 or later → none', () => {
      const first = given('teclistamab', at('2026-11-20T08:00:00+01:00'), 'su1');
      const early = draftOrder(SPECS.teclistamab, { id: 'bs', date: at('2026-11-21T20:00:00+01:00') });
      expect(run(snapshot({ administrations: [first], draftOrders: [early] }))[0]).toMatchObject({ variant: 'early-step-up', indicator: 'warning', params: { step: 2, day: 2, expectedDay: 3 } });
      expect(run(snapshot({ administrations: [first], draftOrders: [early] }), 'order-select')[0]?.indicator).toBe('info');
      // Day 3 starts at Norwegian midnight, even when fewer than 48 h have passed.
      const day3 = draftOrder(SPECS.teclistamab, { id: 'bs', date: at('2026-11-22T00:30:00+01:00') });
      expect(run(snapshot({ administrations: [first], draftOrders: [day3] }))).toEqual([]);
      const day4 = draftOrder(SPECS.teclistamab, { id: 'bs', date: at('2026-11-23T08:00:00+01:00') });
      expect(run(snapshot({ administrations: [first], draftOrders: [day4] }))).toEqual([]);
    });

    it('talquetamab step-up 3 on day 4 → warning; on day 5 → none', () => {
      const admins = [given('talquetamab', at('2026-11-18T08:00:00+01:00'), 'a'), given('talquetamab', at('2026-11-20T08:00:00+01:00'), 'b')];
      const day4 = draftOrder(SPECS.talquetamab, { id: 'bs', date: at('2026-11-21T08:00:00+01:00') });
      expect(run(snapshot({ administrations: admins, draftOrders: [day4] }))[0]?.params).toMatchObject({ step: 3, day: 4, expectedDay: 5 });
      const day5 = draftOrder(SPECS.talquetamab, { id: 'bs', date: at('2026-11-22T08:00:00+01:00') });
      expect(run(snapshot({ administrations: admins, draftOrders: [day5] }))).toEqual([]);
    });
  });

  describe('doses', () => {
    it('step-up 1 at the seed dose is silent; another dose in the seed unit warns', () => {
      expect(run(snapshot({ draftOrders: [draft('elranatamab', { value: 12, unit: 'mg' })] }))).toEqual([]);
      expect(run(snapshot({ draftOrders: [draft('teclistamab', { value: 0.06, unit: 'mg/kg' })] }))).toEqual([]);
      expect(run(snapshot({ draftOrders: [draft('elranatamab', { value: 16, unit: 'mg' })] }))[0]).toMatchObject({ variant: 'dose', params: { dose: 16, expected: 12, unit: 'mg' } });
      expect(run(snapshot({ draftOrders: [draft('talquetamab', { value: 0.06, unit: 'mg/kg' })] }))[0]?.params).toMatchObject({ expected: 0.01 });
    });

    it('first full dose: 76 mg elranatamab / 1.5 mg/kg teclistamab; a mg dose of a mg/kg drug is not compared', () => {
      expect(run(snapshot({ administrations: stepUps('elranatamab', 2, 80), draftOrders: [draft('elranatamab', { value: 76, unit: 'mg' })] }))).toEqual([]);
      expect(run(snapshot({ administrations: stepUps('elranatamab', 2, 80), draftOrders: [draft('elranatamab', { value: 32, unit: 'mg' })] }))[0]?.params.expected).toBe(76);
      expect(run(snapshot({ administrations: stepUps('teclistamab', 2, 50), draftOrders: [draft('teclistamab', { value: 1.5, unit: 'mg/kg' })] }))).toEqual([]);
      expect(run(snapshot({ administrations: stepUps('teclistamab', 2, 50), draftOrders: [draft('teclistamab', { value: 100, unit: 'mg' })] }))).toEqual([]);
    });

    it('maintenance doses (after the first full dose) and linvoseltamab are out of scope', () => {
      expect(run(snapshot({ administrations: stepUps('teclistamab', 3, 1), draftOrders: [draft('teclistamab', { value: 9, unit: 'mg/kg' })] }))).toEqual([]);
      expect(run(snapshot({ draftOrders: [draftOrder(SPECS.linvoseltamab, { dose: { value: 1, unit: 'mg' } })] }))).toEqual([]);
    });
  });

  it.each(CODE_VARIANTS)('teclistamab coded as %s (draft and administrations) through the snapshot builder', (variant) => {
    const admin = (id: string, at: string): Record<string, unknown> => medicationResource('MedicationAdministration', id, DRUG_CODES.teclistamab, variant, { effectiveDateTime: at });
    const s = fhirSnapshot(
      {
        drafts: [medicationResource('MedicationRequest', 'tec', DRUG_CODES.teclistamab, variant, { authoredOn: '2026-11-22T09:00:00Z' })],
        resources: { medicationAdministrations: [admin('a1', '2026-11-19T09:00:00Z'), admin('a2', '2026-11-21T09:00:00Z')] },
      },
      NOW,
    );
    expect(run(s)[0]).toMatchObject({ variant: 'gap', params: { hours: 24, minimum: 48 } });
  });

  it('renders every kind of finding in both languages', () => {
    const gap = renderBoth(run(snapshot({ administrations: stepUps('elranatamab', 2, 50), draftOrders: [draft('elranatamab')] })), 'order-sign');
    expect(gap.en[0]?.summary).toBe('Elranatamab: first full dose only 50 h after last step-up — minimum 72 h required');
    expect(gap.nb[0]?.summary).toBe('Elranatamab: første fulldose bare 50 timer etter siste opptrappingsdose — minst 72 timer kreves');
    const dose = renderBoth(run(snapshot({ draftOrders: [draft('teclistamab', { value: 0.08, unit: 'mg/kg' })] })), 'order-sign');
    expect(dose.nb[0]?.summary).toMatch(/0,08 mg\/kg avviker fra planens 0,06 mg\/kg/);
    const early = renderBoth(
      run(snapshot({ administrations: [given('teclistamab', hoursBefore(20), 'x')], draftOrders: [draft('teclistamab')] })),
      'order-sign',
    );
    expect(early.en[0]?.summary).toMatch(/step-up 2 planned on day 2/);
    const ne = renderBoth(run(snapshot({ administrations: [given('teclistamab', hoursBefore(90), 'a'), given('teclistamab', undefined, 'b')], draftOrders: [draft('teclistamab')] })), 'order-sign');
    expect(ne.en[0]?.source.topic?.code).toBe('bispecific-stepup-schedule.not-evaluable');
  });
});

describe('bispecific-stepup-schedule: a dose far above the protocol step is critical', () => {
  it('teclistamab step-up 1 at ten times its dose (0.6 mg/kg for 0.06) is critical on both order hooks', () => {
    for (const hook of ['order-select', 'order-sign'] as const) {
      const f = run(snapshot({ draftOrders: [draft('teclistamab', { value: 0.6, unit: 'mg/kg' })] }), hook)[0];
      expect(f).toMatchObject({ outcome: 'fired', variant: 'overdose', indicator: 'critical', params: { dose: 0.6, expected: 0.06, unit: 'mg/kg' } });
      expect(renderBoth([f as Finding], hook).en[0]?.indicator).toBe('critical');
    }
  });

  it('boundary at 1.5x the step (elranatamab step-up 1, 12 mg): 18 mg warns, 18.1 mg is critical', () => {
    expect(run(snapshot({ draftOrders: [draft('elranatamab', { value: 18, unit: 'mg' })] }))[0]).toMatchObject({ variant: 'dose', indicator: 'warning' });
    expect(run(snapshot({ draftOrders: [draft('elranatamab', { value: 18.1, unit: 'mg' })] }))[0]).toMatchObject({ variant: 'overdose', indicator: 'critical' });
    expect(run(snapshot({ draftOrders: [draft('elranatamab', { value: 32, unit: 'mg' })] }))[0]).toMatchObject({ variant: 'overdose', indicator: 'critical' });
  });

  it('a dose below the step stays a warning', () => {
    expect(run(snapshot({ draftOrders: [draft('elranatamab', { value: 6, unit: 'mg' })] }))[0]).toMatchObject({ variant: 'dose', indicator: 'warning' });
  });
});
