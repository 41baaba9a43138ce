import type { DraftOrder, Finding, PatientSnapshot } from '../../types.js';
import { vzvProphylaxisStopCd4 } from './vzv-prophylaxis-stop-cd4.js';
import { context, daysFrom, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, fhirSnapshot, medicationRequest } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const CILTACEL = { display: 'Ciltacabtagene autoleucel', concepts: ['drug:ciltacabtagene-autoleucel', 'class:car-t'] };
const TECLISTAMAB = { display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bispecific'] };

function run(s: PatientSnapshot): Finding[] {
  return vzvProphylaxisStopCd4.evaluate(s, context('order-sign', NOW));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
function stop(status = 'stopped'): DraftOrder {
  const d = draftOrder('valaciclovir', { id: 'stop' });
  return { ...d, medication: { ...medication('valaciclovir', { source: 'draft', id: 'stop' }), status } };
}
function cart(daysAgo: number) {
  return medication(CILTACEL, { source: 'MedicationAdministration', id: 'cart', occurredAt: daysFrom(NOW, -daysAgo) });
}
const cd4 = (value: number) => labsByConcept(lab('lab:cd4', value, '10*9/L', daysFrom(NOW, -3)));

describe('vzv-prophylaxis-stop-cd4', () => {
  it.each([
    [364, 0.5, 'fired'],
    [365, 0.5, undefined],
    [366, 0.21, undefined],
    [366, 0.2, 'fired'],
    [400, 0.19, 'fired'],
  ])('stop %i days after CAR-T with CD4 %p -> %p', (days, value, outcome) => {
    const findings = run(snapshot({ administrations: [cart(days)], labs: cd4(value), draftOrders: [stop()] }));
    if (outcome === undefined) expect(findings).toEqual([]);
    else expect(only(findings)).toMatchObject({ outcome, subject: 'MedicationRequest/stop', indicator: 'warning', params: { cd4: value } });
  });

  it('no CD4 since the treatment -> not-evaluable warning with keep and order-CD4 suggestions', () => {
    const f = only(run(snapshot({ administrations: [cart(500)], draftOrders: [stop('cancelled')] })));
    expect(f).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:cd4'] });
    expect(f.suggestions).toEqual([{ template: 'keep-valaciclovir', targetRef: 'MedicationRequest/stop' }, { template: 'order-cd4', params: { concept: 'lab:cd4' } }]);
  });

  it('bispecific start also starts the clock', () => {
    const s = snapshot({ medications: [medication(TECLISTAMAB, { date: daysFrom(NOW, -100) })], labs: cd4(0.5), draftOrders: [stop('completed')] });
    expect(only(run(s)).criteriaMet).toEqual(['within-one-year']);
  });

  it('out of scope: a new valaciclovir draft, or a stop without CAR-T or bispecific', () => {
    expect(run(snapshot({ administrations: [cart(10)], draftOrders: [draftOrder('valaciclovir')] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [stop()] }))).toEqual([]);
  });

  it.each(CODE_VARIANTS)('a stop order for valaciclovir coded as %s is recognised', (variant) => {
    const s = fhirSnapshot(NOW, {
      drafts: [medicationRequest('stop', CODES.valaciclovir, variant, { status: 'stopped' })],
      resources: { medicationRequests: [medicationRequest('tec', CODES.teclistamab, variant, { status: 'active', authoredOn: '2026-10-01' })] },
    });
    expect(only(run(s)).outcome).toBe('not-evaluable');
  });

  it('renders both outcomes in both languages, the delete suggestion pointing at the stop order', () => {
    const fired = renderBoth(run(snapshot({ administrations: [cart(400)], labs: cd4(0.15), draftOrders: [stop()] })), 'order-sign');
    expect(fired.en[0]?.summary).toBe('Stopping Valaciklovir after CAR-T/bispecific requires ≥1 year and CD4 >0.2×10⁹/L (latest 0.15)');
    expect(fired.nb[0]?.summary).toMatch(/\(siste 0,15\)$/);
    expect(fired.en[0]?.suggestions?.[0]?.actions?.[0]).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/stop' });
    const ne = renderBoth(run(snapshot({ administrations: [cart(400)], draftOrders: [stop()] })), 'order-sign');
    expect(ne.en[0]?.summary).toMatch(/CD4 count required before stopping/);
  });
});
