import type { Finding, Hook, MedicationEntry, PatientSnapshot } from '../../types.js';
import { VACCINE_DAYS_BEFORE_START, bispecificVaccinationTiming } from './bispecific-vaccination-timing.js';
import { context, daysFrom, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth, renderValid } from '../support/render.test-support.js';
import { CODE_VARIANTS, DRUG_CODES, SPECS, fhirSnapshot, medicationResource, suggestedResources, type CodeVariant } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T09:00:00Z'); // 10:00 in Oslo
const run = (s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] => bispecificVaccinationTiming.evaluate(s, context(hook, NOW));
const tec = draftOrder(SPECS.teclistamab, { id: 'tec' });
const flu = (at: Date | string, id = 'flu'): MedicationEntry => medication(SPECS.influenzaVaccine, { source: 'MedicationAdministration', id, occurredAt: at });
const oldFlu = flu(daysFrom(NOW, -60), 'flu-old');
const fluDraft = draftOrder(SPECS.influenzaVaccine, { id: 'flu-draft' });

describe('bispecific-vaccination-timing', () => {
  it('runs on order-select and order-sign', () => expect(bispecificVaccinationTiming.hooks).toEqual(['order-select', 'order-sign']));

  it('vaccine 4 days before the first step-up → warning at sign, info on order-select, naming drug, vaccine and days', () => {
    const s = snapshot({ administrations: [flu(daysFrom(NOW, -4))], draftOrders: [tec] });
    expect(run(s)[0]).toMatchObject({
      outcome: 'fired',
      variant: 'vaccinated-before-start',
      indicator: 'warning',
      subject: 'MedicationRequest/tec',
      params: { drug: 'Teklistamab', vaccine: 'Influensavaksine', days: 4 },
      criteriaMet: ['bispecific-start', 'vaccine-within-7-days'],
    });
    expect(run(s, 'order-select')[0]).toMatchObject({ variant: 'vaccinated-before-start', indicator: 'info' });
  });

  it(`window: ${VACCINE_DAYS_BEFORE_START} calendar days before the start count, 8 do not (Norwegian wall clock)`, () => {
    expect(VACCINE_DAYS_BEFORE_START).toBe(7);
    const at = (iso: string): Finding[] => run(snapshot({ administrations: [flu(iso), oldFlu], draftOrders: [tec] }));
    expect(at('2026-11-15T08:00:00Z')[0]?.params.days).toBe(7);
    expect(at('2026-11-14T23:00:00Z')[0]?.params.days).toBe(7); // 00:00 on 15 Nov in Oslo
    expect(at('2026-11-14T22:59:00Z')).toEqual([]); // 23:59 on 14 Nov in Oslo: 8 days
    expect(at('2026-11-14T09:00:00Z')).toEqual([]);
    expect(at('2026-11-22T07:00:00Z')[0]?.params.days).toBe(0);
    expect(at('2026-11-22T10:00:00Z')).toEqual([]); // after the start
  });

  it('the window runs back from the draft date when the start is planned later', () => {
    const later = draftOrder(SPECS.talquetamab, { id: 'tal', date: daysFrom(NOW, 10) });
    expect(run(snapshot({ administrations: [flu(daysFrom(NOW, 4)), oldFlu], draftOrders: [later] }))[0]?.params.days).toBe(6);
    expect(run(snapshot({ administrations: [flu(daysFrom(NOW, 2)), oldFlu], draftOrders: [later] }))).toEqual([]);
  });

  it('vaccines from statements and active or completed orders count; cancelled orders do not', () => {
    const stmt = medication(SPECS.influenzaVaccine, { source: 'MedicationStatement', status: 'completed', id: 's', occurredAt: daysFrom(NOW, -3) });
    const ordered = medication(SPECS.influenzaVaccine, { status: 'active', id: 'r', date: daysFrom(NOW, -2) });
    const cancelled = medication(SPECS.influenzaVaccine, { status: 'cancelled', id: 'c', date: daysFrom(NOW, -1) });
    expect(run(snapshot({ medications: [stmt], draftOrders: [tec] }))[0]?.params.days).toBe(3);
    expect(run(snapshot({ medications: [ordered, stmt], draftOrders: [tec] }))[0]?.params.days).toBe(2);
    expect(run(snapshot({ medications: [cancelled], administrations: [oldFlu], draftOrders: [tec] }))).toEqual([]);
  });

  it('MD: no vaccine on record → "vaccination status unknown" as info (catalogue), on both hooks, missing the vaccine class', () => {
    const s = snapshot({ draftOrders: [tec] });
    expect(run(s)[0]).toMatchObject({ outcome: 'not-evaluable', indicator: 'info', missing: ['class:vaccine'], criteriaMet: ['bispecific-start'] });
    expect(run(s, 'order-select')[0]).toMatchObject({ outcome: 'not-evaluable', indicator: 'info' });
  });

  it('older vaccines only → status-check info on order-select, nothing at sign', () => {
    const s = snapshot({ administrations: [oldFlu], draftOrders: [tec] });
    expect(run(s, 'order-select')[0]).toMatchObject({ outcome: 'fired', variant: 'status-check', indicator: 'info', criteriaNotMet: ['vaccine-within-7-days'] });
    expect(run(s)).toEqual([]);
  });

  it('MD-scope: a later step-up, linvoseltamab, or no bispecific → nothing', () => {
    const su1 = medication(SPECS.teclistamab, { source: 'MedicationAdministration', id: 'su1', occurredAt: daysFrom(NOW, -2) });
    expect(run(snapshot({ administrations: [su1, flu(daysFrom(NOW, -3))], draftOrders: [tec] }))).toEqual([]);
    expect(run(snapshot({ administrations: [flu(daysFrom(NOW, -3))], draftOrders: [draftOrder(SPECS.linvoseltamab)] }))).toEqual([]);
    expect(run(snapshot({ administrations: [flu(daysFrom(NOW, -3))], draftOrders: [draftOrder('bortezomib')] }))).toEqual([]);
  });

  it('a vaccine draft with a first step-up draft in the same session → card on the vaccine draft only', () => {
    const sign = run(snapshot({ administrations: [oldFlu], draftOrders: [tec, fluDraft] }));
    expect(sign).toHaveLength(1);
    expect(sign[0]).toMatchObject({
      subject: 'MedicationRequest/flu-draft',
      variant: 'vaccine-before-start',
      indicator: 'warning',
      params: { drug: 'Teklistamab', vaccine: 'Influensavaksine', days: 0 },
      suggestions: [{ template: 'postpone-vaccine', targetRef: 'MedicationRequest/flu-draft' }],
    });
    // order-select with only the vaccine selected: the unselected bispecific draft is still the planned start.
    const select = run(snapshot({ administrations: [oldFlu], draftOrders: [{ ...tec, inFocus: false }, fluDraft] }), 'order-select');
    expect(select).toEqual([expect.objectContaining({ subject: 'MedicationRequest/flu-draft', indicator: 'info' })]);
  });

  it('a vaccine draft before a start on record (active order not yet given): 7 days count, 8 do not', () => {
    const planned = (days: number): MedicationEntry => medication(SPECS.elranatamab, { status: 'active', id: `elr-${days}`, date: daysFrom(NOW, days) });
    expect(run(snapshot({ medications: [planned(7)], draftOrders: [fluDraft] }))[0]).toMatchObject({ variant: 'vaccine-before-start', params: { drug: 'Elranatamab', days: 7 } });
    expect(run(snapshot({ medications: [planned(8)], draftOrders: [fluDraft] }))).toEqual([]);
    const started = medication(SPECS.elranatamab, { source: 'MedicationAdministration', id: 'e1', occurredAt: daysFrom(NOW, -1) });
    expect(run(snapshot({ medications: [planned(3)], administrations: [started], draftOrders: [fluDraft] }))).toEqual([]);
    expect(run(snapshot({ draftOrders: [fluDraft] }))).toEqual([]);
  });

  it('accepting the suggestion (the vaccine draft deleted) leaves no card', () => {
    const s = snapshot({ administrations: [oldFlu], draftOrders: [tec, fluDraft] });
    const [action] = suggestedResources(renderValid(run(s), 'order-sign')[0]);
    expect(action).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/flu-draft' });
    expect(run({ ...s, draftOrders: s.draftOrders.filter((d) => d.ref !== action?.resourceId) })).toEqual([]);
  });

  it.each(CODE_VARIANTS.flatMap((v) => (['teclistamab', 'elranatamab', 'talquetamab'] as const).map((d) => [d, v] as const)))(
    '%s coded as %s, with an ATC-coded vaccine administration, through the snapshot builder',
    (drug, variant) => {
      const vaccineVariant: CodeVariant = variant === 'rxnorm' ? 'atc-oid' : variant; // RxNorm is not used for vaccines (B.2)
      const vaccine = medicationResource('MedicationAdministration', 'vac', { atc: 'J07BB02', rxnorm: '-', text: 'Vaksine X' }, vaccineVariant, {
        effectiveDateTime: '2026-11-19T10:00:00+01:00',
      });
      const s = fhirSnapshot({ drafts: [medicationResource('MedicationRequest', 'bs', DRUG_CODES[drug], variant)], resources: { medicationAdministrations: [vaccine] } }, NOW);
      expect(run(s)[0]).toMatchObject({ outcome: 'fired', variant: 'vaccinated-before-start', subject: 'MedicationRequest/bs', params: { days: 3 } });
    },
  );

  it('renders every outcome and variant in both languages', () => {
    const near = renderBoth(run(snapshot({ administrations: [flu(daysFrom(NOW, -4))], draftOrders: [tec] })), 'order-sign');
    expect(near.en[0]?.summary).toBe('Teklistamab: vaccine (Influensavaksine) 4 days before the start — not recommended (possible CRS risk)');
    expect(near.nb[0]?.summary).toBe('Teklistamab: vaksine (Influensavaksine) 4 dager før oppstart — frarådes (mulig økt CRS-risiko)');
    expect(near.en[0]?.indicator).toBe('warning');

    const check = renderBoth(run(snapshot({ administrations: [oldFlu], draftOrders: [tec] }), 'order-select'), 'order-select');
    expect(check.en[0]?.summary).toBe('Teklistamab: check vaccination status and revaccinate before the start if indicated and time allows');
    expect(check.nb[0]?.indicator).toBe('info');

    const draft = renderBoth(run(snapshot({ administrations: [oldFlu], draftOrders: [tec, fluDraft] })), 'order-sign');
    expect(draft.en[0]?.summary).toBe('Influensavaksine: 0 days before starting Teklistamab — vaccination just before the start is not recommended (CRS risk)');
    expect(draft.nb[0]?.suggestions?.[0]?.label).toBe('Utsett vaksinen (fjern bestillingen)');

    const unknown = renderBoth(run(snapshot({ draftOrders: [tec] })), 'order-sign');
    expect(unknown.en[0]?.summary).toBe('Teklistamab: vaccination status unknown (missing vaccine) — check before the start');
    expect(unknown.nb[0]?.source.topic?.code).toBe('bispecific-vaccination-timing.not-evaluable');
  });
});

describe('bispecific-vaccination-timing reads Immunization resources', () => {
  const immunization = (id: string, occurrence: string, status = 'completed', vaccineCode: Record<string, unknown> = { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '141' }], text: 'Influenza' }): Record<string, unknown> => ({
    resourceType: 'Immunization',
    id,
    status,
    patient: { reference: 'Patient/pt-1' },
    vaccineCode,
    occurrenceDateTime: occurrence,
  });
  const start = medicationResource('MedicationRequest', 'tec', DRUG_CODES.teclistamab, 'atc-who', { status: 'draft', intent: 'order', authoredOn: NOW.toISOString(), subject: { reference: 'Patient/pt-1' } });

  it('a vaccine given 3 days before a teclistamab start (Immunization, any vaccine code) is caught', () => {
    const s = fhirSnapshot({ drafts: [start], resources: { immunizations: [immunization('imm-1', '2026-11-19T10:00:00+01:00')] } }, NOW);
    expect(s.administrations[0]).toMatchObject({ ref: 'Immunization/imm-1', source: 'Immunization', status: 'completed' });
    expect(s.administrations[0]?.concepts).toContain('class:vaccine');
    expect(run(s)[0]).toMatchObject({ outcome: 'fired', variant: 'vaccinated-before-start', indicator: 'warning', params: { days: 3 } });
  });

  it('a not-done or erroneous Immunization is no vaccination; an old one is a history (no status card at sign)', () => {
    const notDone = fhirSnapshot({ drafts: [start], resources: { immunizations: [immunization('imm-2', '2026-11-19', 'not-done')] } }, NOW);
    expect(run(notDone)[0]).toMatchObject({ outcome: 'not-evaluable' });
    const old = fhirSnapshot({ drafts: [start], resources: { immunizations: [immunization('imm-3', '2026-06-01')] } }, NOW);
    expect(run(old)).toEqual([]);
  });
});
