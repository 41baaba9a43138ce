import type { Finding, Hook } from '../types.js';
import { vzvProphylaxis } from './vzv-prophylaxis.js';
import { context, draftOrder, medication, snapshot } from './snapshot-factory.test-support.js';
import { renderBoth } from './render.test-support.js';
import type { PatientSnapshot } from '../types.js';

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
    expect(vzvProphylaxis.needs).toEqual(['medicationRequests', 'medicationStatements']);
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
