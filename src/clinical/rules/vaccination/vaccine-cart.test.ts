import type { Finding, MedicationEntry, PatientSnapshot } from '../../types.js';
import { DUE_FROM_MONTHS, REMIND_UNTIL_MONTHS, vaccineCart as rule } from './vaccine-cart.js';
import { context, draftOrder, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const PCV = { display: 'Prevenar 20', concepts: ['drug:vaccine-pneumococcal-conjugate', 'class:vaccine'] };
const CILTA = { display: 'Cilta-cel', concepts: ['drug:ciltacabtagene-autoleucel', 'class:car-t', 'class:bcma-directed'] };
const cartGiven = (at: string): MedicationEntry => medication(CILTA, { source: 'MedicationAdministration', occurredAt: at, id: 'cart' });
const vaccinated = (at: string): MedicationEntry => ({ ...medication(PCV, { source: 'MedicationAdministration', occurredAt: at, id: `pcv-${at}` }), source: 'Immunization' });
const run = (s: PatientSnapshot, now = NOW): Finding[] => rule.evaluate(s, context('patient-view', now));

describe('vaccine-cart', () => {
  it('runs on patient-view and reads Immunization', () => {
    expect(rule.hooks).toEqual(['patient-view']);
    expect(rule.needs).toContain('immunizations');
  });

  it.each([
    ['2026-08-23T10:00:00Z', 0],
    ['2026-08-22T10:00:00Z', 1],
  ])(`CAR-T on %s: due from ${DUE_FROM_MONTHS} months -> %p cards`, (at, cards) => {
    expect(DUE_FROM_MONTHS).toBe(3);
    expect(run(snapshot({ administrations: [cartGiven(at)] }))).toHaveLength(cards);
  });

  it.each([
    ['2025-11-22T10:00:00Z', 1],
    ['2025-11-21T10:00:00Z', 0],
  ])(`CAR-T on %s: reminded until ${REMIND_UNTIL_MONTHS} months (proposal) -> %p cards`, (at, cards) => {
    expect(REMIND_UNTIL_MONTHS).toBe(12);
    expect(run(snapshot({ administrations: [cartGiven(at)] }))).toHaveLength(cards);
  });

  it('a pneumococcal vaccine after the CAR-T (Immunization) or ordered now settles it; one before the CAR-T does not', () => {
    const cart = cartGiven('2026-06-01T10:00:00Z');
    expect(run(snapshot({ administrations: [vaccinated('2026-10-01T10:00:00Z'), cart] }))).toEqual([]);
    expect(run(snapshot({ administrations: [cart], draftOrders: [draftOrder(PCV)] }))).toEqual([]);
    const before = run(snapshot({ administrations: [cart, vaccinated('2025-01-10T10:00:00Z')] }));
    expect(before).toHaveLength(1);
    expect(before[0]?.values.map((v) => v.concept)).toEqual(['class:car-t', 'last-pneumococcal']);
  });

  it('a CAR-T infusion Procedure dates the CAR-T too', () => {
    expect(run(snapshot({ procedures: [procedure('proc:car-t-infusion', { date: '2026-07-01T10:00:00Z' })] }))).toHaveLength(1);
  });

  it('MD-scope: no CAR-T on record -> no card', () => {
    expect(run(snapshot({}))).toEqual([]);
  });

  it('renders in both languages with a PCV20 order', () => {
    const { en, nb } = renderBoth(run(snapshot({ administrations: [cartGiven('2026-07-01T10:00:00Z')] })), 'patient-view');
    expect(en[0]?.summary).toBe('After CAR-T: pneumococcal revaccination from 3–6 months (none recorded since CAR-T)');
    expect(nb[0]?.summary).toBe('Etter CAR-T: revaksinasjon mot pneumokokker fra 3–6 måneder (ingen registrert etter CAR-T)');
    expect(en[0]?.indicator).toBe('info');
    expect(en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'MedicationRequest', status: 'draft', medicationCodeableConcept: { coding: [{ code: 'J07AL02' }] } });
  });
});
