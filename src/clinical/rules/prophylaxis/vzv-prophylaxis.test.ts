import type { Finding, Hook } from '../../types.js';
import { vzvProphylaxis } from './vzv-prophylaxis.js';
import {
  coded,
  codedByConcept,
  context,
  daysFrom,
  draftOrder,
  draftProcedure,
  lab,
  labsByConcept,
  medication,
  procedure,
  snapshot,
} from '../support/snapshot-factory.test-support.js';
import { CODES, CODE_VARIANTS, fhirSnapshot, medicationRequest } from './fhir.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import type { PatientSnapshot } from '../../types.js';

function run(s: PatientSnapshot, hook: Hook): Finding[] {
  return vzvProphylaxis.evaluate(s, context(hook));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('vzv-prophylaxis', () => {
  it('declares its hooks and needs, and handles unavailable data itself', () => {
    expect(vzvProphylaxis.id).toBe('vzv-prophylaxis');
    expect(vzvProphylaxis.hooks).toEqual(['patient-view', 'order-select', 'order-sign']);
    expect(vzvProphylaxis.needs).toEqual(['medicationRequests', 'medicationStatements', 'medicationAdministrations', 'procedures', 'observations']);
    expect(vzvProphylaxis.handlesUnavailable).toBe(true);
  });

  describe('order hooks', () => {
    it('fires on a proteasome-inhibitor draft at order-sign (warning), naming the drug', () => {
      const f = only(run(snapshot({ draftOrders: [draftOrder('bortezomib', { id: 'd1' })] }), 'order-sign'));
      expect(f).toMatchObject({
        ruleId: 'vzv-prophylaxis',
        outcome: 'fired',
        subject: 'MedicationRequest/d1',
        variant: 'pi-cd38',
        params: { drug: 'Bortezomib' },
        indicator: 'warning',
        missing: [],
        criteriaMet: ['pi-or-cd38-therapy', 'no-antiviral'],
        suggestions: [{ template: 'create-valaciclovir' }],
      });
      expect(f.values).toEqual([
        { concept: 'class:proteasome-inhibitor', value: 'Bortezomib', source: { resourceType: 'MedicationRequest', id: 'd1' } },
      ]);
    });

    it('fires on a CD38-antibody draft', () => {
      const f = only(run(snapshot({ draftOrders: [draftOrder('daratumumab')] }), 'order-sign'));
      expect(f.params.drug).toBe('Daratumumab');
      expect(f.values[0]?.concept).toBe('class:cd38-antibody');
    });

    it('is info on order-select and warning on order-sign', () => {
      const s = snapshot({ draftOrders: [draftOrder('carfilzomib')] });
      expect(only(run(s, 'order-select')).indicator).toBe('info');
      expect(only(run(s, 'order-sign')).indicator).toBe('warning');
    });

    it('gives one finding per draft order', () => {
      const findings = run(
        snapshot({ draftOrders: [draftOrder('bortezomib', { id: 'a' }), draftOrder('daratumumab', { id: 'b' }), draftOrder('bortezomib', { id: 'a' })] }),
        'order-sign',
      );
      expect(findings.map((f) => f.subject)).toEqual(['MedicationRequest/a', 'MedicationRequest/b']);
    });

    it('ignores a PI draft that is not in focus on order-select', () => {
      const s = snapshot({ draftOrders: [draftOrder('bortezomib', { inFocus: false }), draftOrder('lenalidomide', { inFocus: true })] });
      expect(run(s, 'order-select')).toEqual([]);
    });

    it('does not fire on drafts without a PI or CD38 antibody', () => {
      expect(run(snapshot({ draftOrders: [draftOrder('lenalidomide')] }), 'order-sign')).toEqual([]);
    });

    it('does not fire on an active PI on record when no PI is being ordered', () => {
      expect(run(snapshot({ medications: [medication('bortezomib')], draftOrders: [draftOrder('lenalidomide')] }), 'order-sign')).toEqual([]);
    });

    it('no card when valaciclovir is active', () => {
      const s = snapshot({ medications: [medication('valaciclovir')], draftOrders: [draftOrder('bortezomib')] });
      expect(run(s, 'order-sign')).toEqual([]);
    });

    it('no card when aciclovir is active (as a MedicationStatement)', () => {
      const s = snapshot({
        medications: [medication('aciclovir', { source: 'MedicationStatement' })],
        draftOrders: [draftOrder('bortezomib')],
      });
      expect(run(s, 'order-sign')).toEqual([]);
    });

    it('no card when valaciclovir is in the same draft set, even out of focus', () => {
      const s = snapshot({
        draftOrders: [draftOrder('bortezomib', { inFocus: true }), draftOrder('valaciclovir', { inFocus: false })],
      });
      expect(run(s, 'order-select')).toEqual([]);
      expect(run(s, 'order-sign')).toEqual([]);
    });

    it('still fires when the only valaciclovir is stopped or on hold', () => {
      for (const status of ['stopped', 'completed', 'on-hold', 'entered-in-error']) {
        const s = snapshot({ medications: [medication('valaciclovir', { status })], draftOrders: [draftOrder('bortezomib')] });
        expect(only(run(s, 'order-sign')).outcome).toBe('fired');
      }
    });

    it('medication list unavailable -> not-evaluable warning for the drafted PI (MD-warn)', () => {
      const s = snapshot({ draftOrders: [draftOrder('bortezomib', { id: 'd9' })], unavailable: ['medicationRequests'] });
      const f = only(run(s, 'order-sign'));
      expect(f).toMatchObject({
        outcome: 'not-evaluable',
        subject: 'MedicationRequest/d9',
        variant: 'default',
        indicator: 'warning',
        missing: ['domain:medicationRequests'],
        params: { drug: 'Bortezomib' },
      });
      expect(f.suggestions).toBeUndefined();
      expect(only(run(s, 'order-select')).indicator).toBe('info');
    });

    it('a valaciclovir draft still settles it when the medication list is unavailable', () => {
      const s = snapshot({
        draftOrders: [draftOrder('bortezomib'), draftOrder('valaciclovir')],
        unavailable: ['medicationRequests', 'medicationStatements'],
      });
      expect(run(s, 'order-sign')).toEqual([]);
    });

    it('medication statements unavailable also makes a missing antiviral not-evaluable', () => {
      const s = snapshot({ draftOrders: [draftOrder('daratumumab')], unavailable: ['medicationStatements'] });
      expect(only(run(s, 'order-sign'))).toMatchObject({ outcome: 'not-evaluable', missing: ['domain:medicationStatements'] });
    });
  });

  describe('patient-view', () => {
    it('fires on active bortezomib (warning), with the patient as subject', () => {
      const f = only(run(snapshot({ medications: [medication('bortezomib', { date: '2025-05-01' })] }), 'patient-view'));
      expect(f).toMatchObject({ subject: 'patient', outcome: 'fired', indicator: 'warning', params: { drug: 'Bortezomib' } });
      expect(f.values[0]).toMatchObject({ date: new Date('2025-05-01') });
    });

    it('fires on bortezomib on hold', () => {
      expect(run(snapshot({ medications: [medication('bortezomib', { status: 'on-hold' })] }), 'patient-view')).toHaveLength(1);
    });

    it('stopped or completed bortezomib does not fire', () => {
      for (const status of ['stopped', 'completed', 'cancelled', 'draft']) {
        expect(run(snapshot({ medications: [medication('bortezomib', { status })] }), 'patient-view')).toEqual([]);
      }
    });

    it('names every triggering drug in one finding', () => {
      const f = only(
        run(snapshot({ medications: [medication('bortezomib'), medication('daratumumab', { source: 'MedicationStatement' })] }), 'patient-view'),
      );
      expect(f.params.drug).toBe('Bortezomib, Daratumumab');
      expect(f.values.map((v) => v.concept)).toEqual(['class:proteasome-inhibitor', 'class:cd38-antibody']);
    });

    it('no card with active valaciclovir', () => {
      expect(run(snapshot({ medications: [medication('bortezomib'), medication('valaciclovir')] }), 'patient-view')).toEqual([]);
    });

    it('ignores draft orders on patient-view', () => {
      expect(run(snapshot({ draftOrders: [draftOrder('bortezomib')] }), 'patient-view')).toEqual([]);
    });

    it('without any medication data there is no trigger, so nothing', () => {
      expect(run(snapshot({ unavailable: ['medicationRequests', 'medicationStatements'] }), 'patient-view')).toEqual([]);
    });

    it('a PI from the statements with orders unavailable -> not-evaluable', () => {
      const s = snapshot({
        medications: [medication('bortezomib', { source: 'MedicationStatement' })],
        unavailable: ['medicationRequests'],
      });
      expect(only(run(s, 'patient-view'))).toMatchObject({ outcome: 'not-evaluable', subject: 'patient', indicator: 'warning' });
    });
  });
});

describe('vzv-prophylaxis cards', () => {
  it('render valid cards in both languages with the valaciclovir suggestion', () => {
    const s = snapshot({ draftOrders: [draftOrder('bortezomib')] });
    const { nb, en } = renderBoth(vzvProphylaxis.evaluate(s, context('order-sign')), 'order-sign');
    expect(nb[0]?.summary).toMatch(/valaciklovir 250 mg x 2/);
    expect(en[0]?.suggestions?.[0]?.actions?.[0]?.resource?.resourceType).toBe('MedicationRequest');
  });
});

describe('vzv-prophylaxis: HMAS, CAR-T, bispecific and PCd settings', () => {
  const NOW = new Date('2026-11-22T10:00:00Z');
  const CILTACEL = { display: 'Ciltacabtagene autoleucel', concepts: ['drug:ciltacabtagene-autoleucel', 'class:bcma-directed', 'class:car-t'] };
  const TECLISTAMAB = { display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bcma-directed', 'class:bispecific'] };
  const MELPHALAN = { display: 'Melfalan 200 mg/m2', concepts: ['drug:melphalan'] };
  const POMALIDOMIDE = { display: 'Pomalidomid', concepts: ['drug:pomalidomide', 'class:imid'] };
  const CYCLOPHOSPHAMIDE = { display: 'Cyklofosfamid', concepts: ['drug:cyclophosphamide'] };
  const at = (days: number): Date => daysFrom(NOW, days);
  const pv = (s: PatientSnapshot, now: Date = NOW): Finding[] => vzvProphylaxis.evaluate(s, context('patient-view', now));
  const sign = (s: PatientSnapshot): Finding[] => vzvProphylaxis.evaluate(s, context('order-sign', NOW));
  const cartGiven = (daysAgo: number) => medication(CILTACEL, { source: 'MedicationAdministration', id: 'cart', occurredAt: at(-daysAgo) });
  const cd4 = (value: number, daysAgo: number) => labsByConcept(lab('lab:cd4', value, '10*9/L', at(-daysAgo)));

  describe('order hooks', () => {
    it('a CAR-T draft (product or infusion request) asks for 500 mg x 2 and varicella serology', () => {
      for (const d of [draftOrder(CILTACEL, { id: 'c1' }), draftProcedure('proc:car-t-infusion', { id: 'c1' })]) {
        const f = only(sign(snapshot({ draftOrders: [d] })));
        expect(f).toMatchObject({ variant: 'car-t', indicator: 'warning', criteriaMet: ['car-t', 'no-antiviral'] });
        expect(f.suggestions).toEqual([{ template: 'create-valaciclovir-500' }, { template: 'order-vzv-serology', params: { concept: 'obs:vzv-igg' } }]);
      }
    });

    it('no serology suggestion when a VZV IgG result exists', () => {
      const s = snapshot({ draftOrders: [draftOrder(CILTACEL)], codedObservations: codedByConcept(coded('obs:vzv-igg', ['answer:positive'], at(-100))) });
      expect(only(sign(s)).suggestions).toEqual([{ template: 'create-valaciclovir-500' }]);
    });

    it('a bispecific draft asks for 250 mg x 2 (250-500 allowed)', () => {
      const f = only(sign(snapshot({ draftOrders: [draftOrder(TECLISTAMAB)] })));
      expect(f.variant).toBe('bispecific');
      expect(f.suggestions?.[0]).toEqual({ template: 'create-valaciclovir' });
    });

    it('an HMAS request draft fires; a melphalan draft fires only when HMAS is planned', () => {
      expect(only(sign(snapshot({ draftOrders: [draftProcedure('proc:hmas')] }))).variant).toBe('hmas-order');
      expect(sign(snapshot({ draftOrders: [draftOrder(MELPHALAN)] }))).toEqual([]);
      const planned = procedure('proc:hmas', { source: 'ServiceRequest', status: 'active' });
      const f = only(sign(snapshot({ procedures: [planned], draftOrders: [draftOrder(MELPHALAN, { id: 'mel' })] })));
      expect(f).toMatchObject({ variant: 'hmas-order', subject: 'MedicationRequest/mel', params: { drug: 'Melfalan 200 mg/m2' } });
    });

    it('pomalidomide with cyclophosphamide (PCd) is info only; pomalidomide alone does not fire', () => {
      const f = only(sign(snapshot({ draftOrders: [draftOrder(POMALIDOMIDE), { ...draftOrder(CYCLOPHOSPHAMIDE), inFocus: false }] })));
      expect(f).toMatchObject({ variant: 'pcd', indicator: 'info', criteriaMet: ['pcd', 'no-antiviral'] });
      expect(sign(snapshot({ draftOrders: [draftOrder(POMALIDOMIDE)] }))).toEqual([]);
    });

    it('no card for any setting when valaciclovir is active or drafted', () => {
      for (const d of [draftOrder(CILTACEL), draftOrder(TECLISTAMAB), draftProcedure('proc:hmas')]) {
        expect(sign(snapshot({ medications: [medication('valaciclovir')], draftOrders: [d] }))).toEqual([]);
        expect(sign(snapshot({ draftOrders: [d, draftOrder('valaciclovir')] }))).toEqual([]);
      }
    });
  });

  describe('patient-view after CAR-T: >= 365 days and CD4 > 0.2', () => {
    it.each([
      [364, undefined, true],
      [365, undefined, true],
      [365, 0.21, false],
      [366, 0.21, false],
      [366, 0.2, true],
      [400, 0.19, true],
    ])('%i days after reinfusion, CD4 %p -> required %p', (days, cd4Value, required) => {
      const s = snapshot({ administrations: [cartGiven(days)], ...(cd4Value !== undefined ? { labs: cd4(cd4Value, 2) } : {}) });
      const findings = pv(s);
      if (required) expect(only(findings)).toMatchObject({ variant: 'car-t', subject: 'patient', indicator: 'warning' });
      else expect(findings).toEqual([]);
    });

    it('a CD4 > 0.2 within the first year does not end it early; one before the reinfusion does not count', () => {
      expect(only(pv(snapshot({ administrations: [cartGiven(200)], labs: cd4(0.5, 10) }))).variant).toBe('car-t');
      expect(only(pv(snapshot({ administrations: [cartGiven(400)], labs: cd4(0.5, 401) }))).variant).toBe('car-t');
    });

    it('a CAR-T infusion Procedure also dates the reinfusion; CAR-T outranks a PI', () => {
      const s = snapshot({ procedures: [procedure('proc:car-t-infusion', { date: at(-30) })], medications: [medication('bortezomib')] });
      const f = only(pv(s));
      expect(f.variant).toBe('car-t');
      expect(f.values[0]).toMatchObject({ concept: 'proc:car-t-infusion', date: at(-30) });
    });
  });

  describe('patient-view with bispecifics', () => {
    it('an ongoing bispecific requires it', () => {
      expect(only(pv(snapshot({ medications: [medication(TECLISTAMAB)] }))).variant).toBe('bispecific');
    });

    it.each([
      [364, 0.5, true],
      [365, 0.5, false],
      [365, 0.2, true],
      [500, undefined, true],
    ])('stopped bispecific started %i days ago, CD4 %p -> required %p', (days, cd4Value, required) => {
      const s = snapshot({
        medications: [medication(TECLISTAMAB, { status: 'completed', date: at(-days) })],
        administrations: [medication(TECLISTAMAB, { source: 'MedicationAdministration', id: 'first', occurredAt: at(-days) })],
        ...(cd4Value !== undefined ? { labs: cd4(cd4Value, 1) } : {}),
      });
      expect(pv(s).length).toBe(required ? 1 : 0);
    });
  });

  describe('patient-view after HMAS: 3 calendar months', () => {
    const hmas = (date: Date) => procedure('proc:hmas', { date, id: 'hmas' });
    it.each([
      ['2026-08-22T10:00:00Z', true],
      ['2026-08-22T09:00:00Z', false],
      ['2026-09-01T00:00:00Z', true],
    ])('HMAS on %s (now 2026-11-22) -> required %p', (date, required) => {
      const findings = pv(snapshot({ procedures: [hmas(new Date(date))] }));
      if (required) expect(only(findings)).toMatchObject({ variant: 'hmas', params: { until: expect.stringMatching(/^2026-1[12]-/) as unknown } });
      else expect(findings).toEqual([]);
    });

    it('PI consolidation extends it to 1 month after the last PI dose', () => {
      const consolidation = (daysAgo: number) =>
        medication('bortezomib', { source: 'MedicationAdministration', id: `bz-${daysAgo}`, occurredAt: at(-daysAgo) });
      const base = { procedures: [hmas(new Date('2026-06-01T10:00:00Z'))] };
      expect(only(pv(snapshot({ ...base, administrations: [consolidation(30)] }))).params.until).toBe('2026-11-23');
      expect(pv(snapshot({ ...base, administrations: [consolidation(32)] }))).toEqual([]);
    });

    it('an HMAS still only requested does not start the clock', () => {
      expect(pv(snapshot({ procedures: [procedure('proc:hmas', { source: 'ServiceRequest', date: at(-10) })] }))).toEqual([]);
    });
  });

  describe('through the snapshot builder', () => {
    it.each(CODE_VARIANTS)('CAR-T and bispecific drafts coded as %s fire, and the suggested resource settles it', (variant) => {
      for (const [codes, template, dose] of [
        [CODES.ciltacel, 'create-valaciclovir-500', 500],
        [CODES.teclistamab, 'create-valaciclovir', 250],
        [CODES.bortezomib, 'create-valaciclovir', 250],
      ] as const) {
        const trigger = medicationRequest('t', codes, variant);
        const findings = sign(fhirSnapshot(NOW, { drafts: [trigger] }));
        expect(only(findings).suggestions?.[0]?.template).toBe(template);
        const resource = renderBoth(findings, 'order-sign').en[0]?.suggestions?.[0]?.actions?.[0]?.resource as Record<string, unknown>;
        expect(resource).toMatchObject({ dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: dose } }] }] });
        expect(sign(fhirSnapshot(NOW, { drafts: [trigger, { ...resource, id: 'suggested' }] }))).toEqual([]);
      }
    });
  });

  it('renders every new variant in both languages', () => {
    const cases: [PatientSnapshot, Hook, RegExp][] = [
      [snapshot({ draftOrders: [draftOrder(CILTACEL)] }), 'order-sign', /valaciclovir 500 mg twice daily after CAR-T/],
      [snapshot({ draftOrders: [draftOrder(TECLISTAMAB)] }), 'order-sign', /250–500 mg twice daily with a bispecific/],
      [snapshot({ draftOrders: [draftProcedure('proc:hmas', { display: 'HMAS' })] }), 'order-sign', /^HMAS: no herpes zoster prophylaxis with HMAS/],
      [snapshot({ procedures: [procedure('proc:hmas', { date: at(-20) })] }), 'patient-view', /^After HMAS: .* until 2027-02-02\)$/],
      [snapshot({ draftOrders: [draftOrder(POMALIDOMIDE), draftOrder(CYCLOPHOSPHAMIDE)] }), 'order-sign', /^Pomalidomid \(PCd\)/],
    ];
    for (const [s, hook, summary] of cases) {
      const { nb, en } = renderBoth(vzvProphylaxis.evaluate(s, context(hook, NOW)), hook);
      expect(en[0]?.summary).toMatch(summary);
      expect(nb[0]?.summary).toMatch(/herpes zoster/);
    }
  });
});
