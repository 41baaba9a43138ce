import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import { FLC_RISE_ABOVE_MG_L, MPROTEIN_RISE_AT_LEAST_G_L, mgusRereferralTrigger as rule } from './mgus-rereferral-trigger.js';
import { condition, context, draftProcedure, lab, labsByConcept, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { build, condition as fhirCondition, observation } from '../support/bone-vaccine-followup-fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const DX = '2025-03-10T00:00:00Z';
const mgus = condition('cond:mgus', { onset: DX, id: 'mgus' });
const m = (v: number, when: string): LabValue => lab('lab:mprotein', v, 'g/L', when);
const k = (v: number, when: string): LabValue => lab('lab:flc-kappa', v, 'mg/L', when);
const l = (v: number, when: string): LabValue => lab('lab:flc-lambda', v, 'mg/L', when);

function run(s: PatientSnapshot): Finding[] {
  return rule.evaluate(s, context('patient-view', NOW));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
const withLabs = (...labs: LabValue[]): PatientSnapshot => snapshot({ conditions: [mgus], labs: labsByConcept(...labs) });

describe('mgus-rereferral-trigger', () => {
  it('declares hooks and needs', () => {
    expect(rule.hooks).toEqual(['patient-view']);
  });

  it.each([
    [10.9, 0],
    [11, 1],
    [11.1, 1],
  ])('M-protein 6 -> %p g/L (rise ≥ 5) -> %p cards', (latest, cards) => {
    expect(MPROTEIN_RISE_AT_LEAST_G_L).toBe(5);
    const findings = run(withLabs(m(6, '2025-03-05'), m(latest, '2026-10-20')));
    expect(findings).toHaveLength(cards);
    if (cards) expect(findings[0]).toMatchObject({ variant: 'mprotein', outcome: 'fired', criteriaMet: ['mprotein-rise'], suggestions: [{ template: 'create-haematology-referral' }] });
  });

  it.each([
    [139.9, 0],
    [140, 0],
    [140.1, 1],
  ])('involved kappa 40 -> %p mg/L (rise > 100) -> %p cards', (latest, cards) => {
    expect(FLC_RISE_ABOVE_MG_L).toBe(100);
    const findings = run(withLabs(k(40, '2025-03-05'), l(12, '2025-03-05'), k(latest, '2026-10-20'), l(12, '2026-10-20')));
    expect(findings).toHaveLength(cards);
    if (cards) expect(findings[0]?.variant).toBe('flc');
  });

  it('the involved chain is the larger one at baseline (lambda clone)', () => {
    expect(only(run(withLabs(k(10, '2025-03-05'), l(50, '2025-03-05'), k(10, '2026-10-20'), l(151, '2026-10-20')))).params.flcRise).toBe(101);
    // A rise of the uninvolved chain does not count.
    expect(run(withLabs(k(10, '2025-03-05'), l(50, '2025-03-05'), k(120, '2026-10-20'), l(50, '2026-10-20')))).toEqual([]);
  });

  it('MD-scope: no baseline within ±60 days of diagnosis, or a single value -> nothing', () => {
    expect(run(withLabs(m(6, '2025-05-10'), m(20, '2026-10-20')))).toEqual([]);
    expect(run(withLabs(m(20, '2025-03-05')))).toEqual([]);
    expect(run(snapshot({ labs: labsByConcept(m(6, '2025-03-05'), m(20, '2026-10-20')) }))).toEqual([]);
  });

  it('a referral after the rise (accepting the suggestion) removes the card; an older one does not', () => {
    const s = withLabs(m(6, '2025-03-05'), m(12, '2026-10-20'));
    expect(run({ ...s, draftOrders: [draftProcedure('proc:haematology-referral')] })).toEqual([]);
    expect(run({ ...s, procedures: [procedure('proc:haematology-referral', { source: 'ServiceRequest', date: '2026-11-01' })] })).toEqual([]);
    expect(run({ ...s, procedures: [procedure('proc:haematology-referral', { source: 'ServiceRequest', date: '2025-01-01' })] })).toHaveLength(1);
  });

  it('unit variants through the snapshot builder: M-protein g/dL and FLC mg/dL', () => {
    const dx = fhirCondition('c', 'http://hl7.org/fhir/sid/icd-10', 'D47.2', '2025-03-10');
    const gdl = build([dx, observation('m1', '33358-3', 0.6, 'g/dL', '2025-03-05'), observation('m2', '33358-3', 1.1, 'g/dL', '2026-10-20')], { now: NOW });
    expect(only(run(gdl)).params.mRise).toBeCloseTo(5, 5);
    const gl = build([dx, observation('m1', '33358-3', 6, 'g/L', '2025-03-05'), observation('m2', '33358-3', 10.9, 'g/L', '2026-10-20')], { now: NOW });
    expect(run(gl)).toEqual([]);
    const flc = build(
      [dx, observation('k1', '36916-5', 4, 'mg/dL', '2025-03-05'), observation('l1', '33944-0', 1.2, 'mg/dL', '2025-03-05'), observation('k2', '36916-5', 14.1, 'mg/dL', '2026-10-20')],
      { now: NOW },
    );
    expect(only(run(flc)).variant).toBe('flc');
  });

  it('renders both variants in both languages', () => {
    const findings = [...run(withLabs(m(6, '2025-03-05'), m(11.5, '2026-10-20'))), ...run({ ...withLabs(k(40, '2025-03-05'), l(12, '2025-03-05'), k(160, '2026-10-20')), patientId: 'x' })];
    const { nb, en } = renderBoth(findings.slice(0, 1), 'patient-view');
    expect(en[0]?.summary).toBe('MGUS: M-protein up 5.5 g/L since diagnosis — re-refer to haematology');
    expect(nb[0]?.summary).toBe('MGUS: M-komponent økt 5,5 g/L siden diagnose — tilbakehenvis til hematolog');
    expect(en[0]?.suggestions?.[0]?.actions?.[0]?.resource?.resourceType).toBe('ServiceRequest');
    expect(renderBoth(findings.slice(1), 'patient-view').en[0]?.summary).toBe('MGUS: involved light chain up 120 mg/L — re-refer to haematology');
  });
});
