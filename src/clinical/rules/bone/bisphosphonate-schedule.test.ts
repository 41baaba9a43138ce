import type { Finding, Hook, LabValue, MedicationEntry, PatientSnapshot } from '../../types.js';
import { bisphosphonateSchedule as rule, DOSES_BEFORE_DECISION, DOSING_INTERVAL_DAYS, EGFR_MAX_AGE_DAYS, GFR_NOT_RECOMMENDED_BELOW } from './bisphosphonate-schedule.js';
import { context, daysFrom, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { administration, build, codeVariants, medicationRequest, observation } from '../support/bone-vaccine-followup-fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const ZOL = { display: 'Zoledronsyre', concepts: ['drug:zoledronic-acid', 'class:bisphosphonate'] };
const PAM = { display: 'Pamidronat', concepts: ['drug:pamidronic-acid', 'class:bisphosphonate'] };

function egfr(value: number, daysAgo = 2): LabValue {
  return lab('lab:egfr', value, 'mL/min/{1.73_m2}', daysFrom(NOW, -daysAgo));
}
function doses(n: number, lastDaysAgo = 28, everyDays = 28): MedicationEntry[] {
  return Array.from({ length: n }, (_, i) => medication(ZOL, { source: 'MedicationAdministration', id: `a${i}`, occurredAt: daysFrom(NOW, -(lastDaysAgo + i * everyDays)) }));
}
function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return rule.evaluate(s, context(hook, NOW));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
function order(labs: LabValue[], given: MedicationEntry[] = [], drug = ZOL): PatientSnapshot {
  return snapshot({ labs: labsByConcept(...labs), administrations: given, draftOrders: [draftOrder(drug, { id: 'z1' })] });
}

describe('bisphosphonate-schedule', () => {
  it('declares hooks and needs', () => {
    expect(rule.hooks).toEqual(['patient-view', 'order-select', 'order-sign']);
    expect(rule.needs).toEqual(['observations', 'medicationRequests', 'medicationStatements', 'medicationAdministrations']);
  });

  describe('GFR < 30 (29.9 / 30 / 30.1)', () => {
    it.each([
      [29.9, 'gfr-below-30', 'warning'],
      [30, 'dose-n', 'info'],
      [30.1, 'dose-n', 'info'],
    ])('eGFR %p -> %s', (value, variant, indicator) => {
      expect(GFR_NOT_RECOMMENDED_BELOW).toBe(30);
      const f = only(run(order([egfr(value)])));
      expect(f).toMatchObject({ variant, indicator, subject: 'MedicationRequest/z1', params: { egfr: value } });
      if (variant === 'gfr-below-30') expect(f.suggestions).toEqual([{ template: 'delete-draft', targetRef: 'MedicationRequest/z1' }]);
      expect((f.criteriaMet ?? []).includes('egfr-at-30')).toBe(value === 30);
    });

    it('pamidronate is checked against GFR only', () => {
      expect(only(run(order([egfr(29.9)], [], PAM))).variant).toBe('gfr-below-30');
      expect(run(order([egfr(30)], [], PAM))).toEqual([]);
    });

    it('order-select lowers the warning to info', () => {
      expect(only(run(order([egfr(20)]), 'order-select')).indicator).toBe('info');
    });
  });

  describe('eGFR missing or older than 14 days -> MD-warn', () => {
    it.each([
      [EGFR_MAX_AGE_DAYS, 'fired'],
      [EGFR_MAX_AGE_DAYS + 0.01, 'not-evaluable'],
    ])('eGFR %p days old -> %s', (age, outcome) => {
      expect(only(run(order([egfr(60, age)]))).outcome).toBe(outcome);
    });

    it('no eGFR at all -> warning with an eGFR order suggestion', () => {
      const f = only(run(order([])));
      expect(f).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['lab:egfr'], suggestions: [{ template: 'order-lab', params: { concept: 'lab:egfr', loinc: '98979-8' } }] });
    });

    it('a future-dated eGFR does not count', () => {
      expect(only(run(order([lab('lab:egfr', 60, 'mL/min/{1.73_m2}', daysFrom(NOW, 1))]))).outcome).toBe('not-evaluable');
    });
  });

  describe('schedule (every 4 weeks, 12 doses, 4 years)', () => {
    it('first dose -> dose 1 of 12', () => {
      expect(only(run(order([egfr(60)])))).toMatchObject({ variant: 'dose-n', params: { next: 1, doses: 0 } });
    });

    it.each([
      [27, 'interval-short', 'warning'],
      [28, 'dose-n', 'info'],
      [29, 'dose-n', 'info'],
    ])('last dose %p days ago -> %s', (days, variant, indicator) => {
      expect(DOSING_INTERVAL_DAYS).toBe(28);
      const f = only(run(order([egfr(60)], doses(3, days))));
      expect(f).toMatchObject({ variant, indicator });
      if (variant === 'interval-short') expect(f.params.days).toBe(27);
    });

    it.each([
      [11, 'dose-n'],
      [12, 'after-12'],
      [13, 'after-12'],
    ])('%p doses given -> %s', (n, variant) => {
      expect(DOSES_BEFORE_DECISION).toBe(12);
      const f = only(run(order([egfr(60)], doses(n))));
      expect(f.variant).toBe(variant);
      if (variant === 'after-12') {
        expect(f.suggestions).toEqual([{ template: 'create-zoledronic-acid-3-monthly' }, { template: 'delete-draft', targetRef: 'MedicationRequest/z1' }]);
      } else expect(f.params.next).toBe(12);
    });

    it('4 years after the first dose (day before / on the day)', () => {
      const firstAt = (iso: string): MedicationEntry[] => [
        medication(ZOL, { source: 'MedicationAdministration', id: 'first', occurredAt: iso }),
        ...doses(1, 90),
      ];
      expect(only(run(order([egfr(60)], firstAt('2022-11-23T10:00:00Z')))).variant).toBe('dose-n');
      expect(only(run(order([egfr(60)], firstAt('2022-11-22T10:00:00Z')))).variant).toBe('four-years');
    });
  });

  describe('patient-view', () => {
    it('uses the active zoledronic acid, with the patient as subject; no interval check', () => {
      const s = snapshot({ labs: labsByConcept(egfr(45)), medications: [medication(ZOL)], administrations: doses(2, 3) });
      expect(only(run(s, 'patient-view'))).toMatchObject({ subject: 'patient', variant: 'dose-n', params: { next: 3 } });
    });

    it('no current bisphosphonate -> nothing', () => {
      expect(run(snapshot({ medications: [medication(ZOL, { status: 'stopped' })] }), 'patient-view')).toEqual([]);
    });

    it('eGFR < 30 with an active zoledronic acid -> warning without a draft to delete', () => {
      const f = only(run(snapshot({ labs: labsByConcept(egfr(25)), medications: [medication(ZOL)] }), 'patient-view'));
      expect(f).toMatchObject({ variant: 'gfr-below-30', indicator: 'warning', subject: 'patient' });
      expect(f.suggestions).toBeUndefined();
      expect(renderBoth([f], 'patient-view').en[0]?.summary).toBe('Zoledronsyre: bisphosphonate not recommended at GFR <30 (eGFR 25)');
    });
  });

  it('MD-scope: no bisphosphonate draft -> nothing; out-of-focus draft on order-select -> nothing', () => {
    expect(run(snapshot({ labs: labsByConcept(egfr(20)), draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder(ZOL, { inFocus: false })] }), 'order-select')).toEqual([]);
  });

  it('accepting the delete suggestion removes the card', () => {
    const s = order([egfr(20)]);
    const target = only(run(s)).suggestions?.[0]?.targetRef;
    expect(run({ ...s, draftOrders: s.draftOrders.filter((d) => d.ref !== target) })).toEqual([]);
  });

  describe('through the snapshot builder', () => {
    it.each([...codeVariants('M05BA08', '77655'), ...codeVariants('M05BA03', '11473')])('bisphosphonate coded as %s at eGFR 29.9 -> warning', (_l, coding) => {
      const s = build([observation('e', '98979-8', 29.9, 'mL/min/{1.73_m2}', '2026-11-20')], { drafts: [medicationRequest('d', coding, { status: 'draft' })], now: NOW });
      expect(only(run(s))).toMatchObject({ variant: 'gfr-below-30', subject: 'MedicationRequest/d' });
    });

    it('counts recorded administrations', () => {
      const zol = { codings: [{ system: 'http://www.whocc.no/atc', code: 'M05BA08' }] };
      const s = build(
        [observation('e', '62238-1', 55, 'mL/min/{1.73_m2}', '2026-11-20'), administration('a1', zol, '2026-09-27'), administration('a2', zol, '2026-10-25')],
        { drafts: [medicationRequest('d', zol, { status: 'draft' })], now: NOW },
      );
      expect(only(run(s))).toMatchObject({ variant: 'dose-n', params: { doses: 2, next: 3 } });
    });
  });

  it('renders every kind of finding in both languages', () => {
    const findings = [
      ...run(order([egfr(29.9)])),
      ...run(order([])),
      ...run({ ...order([egfr(60)], doses(12)), draftOrders: [draftOrder(ZOL, { id: 'z2' })] }),
      ...run({ ...order([egfr(60)], doses(2, 10)), draftOrders: [draftOrder(ZOL, { id: 'z3' })] }),
      ...run({ ...order([egfr(30)]), draftOrders: [draftOrder(ZOL, { id: 'z4' })] }),
      ...run({ ...order([egfr(60)], [medication(ZOL, { source: 'MedicationAdministration', id: 'old', occurredAt: '2021-01-01' })]), draftOrders: [draftOrder(ZOL, { id: 'z5' })] }),
    ];
    expect(findings.map((f) => f.variant)).toEqual(['gfr-below-30', 'default', 'after-12', 'interval-short', 'dose-n', 'four-years']);
    const { nb, en } = renderBoth(findings, 'order-sign');
    expect(en.map((c) => c.summary)).toEqual(
      expect.arrayContaining([
        'Zoledronsyre: bisphosphonate not recommended at GFR <30 (eGFR 29.9)',
        'Zoledronsyre: dose 1 of 12 (4 mg IV over 15 min every 4 weeks)',
        'Zoledronsyre: last dose 10 days ago; the schedule is every 4 weeks',
      ]),
    );
    expect(nb.map((c) => c.summary)).toContain('Zoledronsyre: bisfosfonat frarådes ved GFR <30 (eGFR 29,9)');
    const create = en.flatMap((c) => c.suggestions ?? []).flatMap((sg) => sg.actions ?? []).find((a) => a.type === 'create' && a.resource?.resourceType === 'MedicationRequest');
    expect(create?.resource).toMatchObject({ status: 'draft', intent: 'order', subject: { reference: 'Patient/pt-1' } });
  });
});
