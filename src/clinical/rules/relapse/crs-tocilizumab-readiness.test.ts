import type { Finding, PatientSnapshot } from '../../types.js';
import { crsTocilizumabReadiness as rule } from './crs-tocilizumab-readiness.js';
import { context, draftOrder, draftProcedure, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const TEC = { display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bispecific', 'class:bcma-directed'] };
const LINVO = { display: 'Linvoseltamab', concepts: ['drug:linvoseltamab', 'class:bispecific', 'class:bcma-directed'] };
const CILTA = { display: 'Cilta-cel', concepts: ['drug:ciltacabtagene-autoleucel', 'class:car-t', 'class:bcma-directed'] };
const run = (s: PatientSnapshot): Finding[] => rule.evaluate(s, context('order-select', NOW));
const given = (drug: typeof TEC, at: string) => medication(drug, { source: 'MedicationAdministration', occurredAt: at, id: `adm-${at}` });

describe('crs-tocilizumab-readiness', () => {
  it('runs on order-select only (a reminder, not a sign-time check)', () => {
    expect(rule.hooks).toEqual(['order-select']);
  });

  it('first dose of a bispecific (no earlier administration) -> one info card for that order', () => {
    const findings = run(snapshot({ draftOrders: [draftOrder(TEC, { id: 'tec-1' })] }));
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'crs-tocilizumab-readiness', outcome: 'fired', variant: 'bispecific', subject: 'MedicationRequest/tec-1' })]);
  });

  it('once per start: a later dose of the same drug gives no card; another bispecific first dose does', () => {
    const started = { administrations: [given(TEC, '2026-11-20T09:00:00Z')] };
    expect(run(snapshot({ ...started, draftOrders: [draftOrder(TEC)] }))).toEqual([]);
    expect(run(snapshot({ ...started, draftOrders: [draftOrder(LINVO)] }))).toHaveLength(1);
  });

  it('a bispecific without a seed step-up schedule (linvoseltamab) still gets the reminder', () => {
    expect(run(snapshot({ draftOrders: [draftOrder(LINVO)] }))[0]?.variant).toBe('bispecific');
  });

  it('CAR-T: a product order or the infusion procedure', () => {
    expect(run(snapshot({ draftOrders: [draftOrder(CILTA)] }))[0]?.variant).toBe('car-t');
    expect(run(snapshot({ draftOrders: [draftProcedure('proc:car-t-infusion')] }))[0]?.variant).toBe('car-t');
  });

  it('MD-scope: other orders, orders not in focus, or a CAR-T referral (not an infusion) -> no card', () => {
    expect(run(snapshot({ draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftOrder(TEC, { inFocus: false })] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [draftProcedure('proc:car-t-referral')] }))).toEqual([]);
  });

  it('renders both variants in both languages as info', () => {
    const findings = [...run(snapshot({ draftOrders: [draftOrder(TEC)] })), ...run(snapshot({ draftOrders: [draftOrder(CILTA)] }))];
    const { en, nb } = renderBoth(findings, 'order-select');
    expect(en.map((c) => c.indicator)).toEqual(['info', 'info']);
    expect(en.map((c) => c.summary)).toEqual([
      'Bispecific antibody start: ensure tocilizumab and a CRS algorithm are available',
      'CAR-T infusion: ensure tocilizumab and a CRS algorithm are available',
    ]);
    expect(nb[0]?.summary).toBe('Oppstart av bispesifikt antistoff: sørg for at tocilizumab og CRS-algoritme er tilgjengelig');
  });
});
