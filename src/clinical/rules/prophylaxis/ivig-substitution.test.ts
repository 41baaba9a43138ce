import type { Finding, Hook, LabValue, PatientSnapshot } from '../../types.js';
import { ivigSubstitution } from './ivig-substitution.js';
import { coded, codedByConcept, condition, context, daysFrom, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { CODES, CODE_VARIANTS, PID, fhirSnapshot, medicationRequest } from './fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const TECLISTAMAB = { display: 'Teklistamab', concepts: ['drug:teclistamab', 'class:bcma-directed', 'class:bispecific'] };
const TALQUETAMAB = { display: 'Talkvetamab', concepts: ['drug:talquetamab', 'class:gprc5d-directed', 'class:bispecific'] };
const CILTACEL = { display: 'Carvykti', concepts: ['drug:ciltacabtagene-autoleucel', 'class:bcma-directed', 'class:car-t'] };
const SCIG = { display: 'Hizentra', concepts: ['drug:immunoglobulin-normal-human'] };
const MYELOMA = condition('cond:multiple-myeloma');
const INFECTION = (id: string) => condition('cond:encapsulated-bacterial-infection', { id, onset: '2026-06-01', clinicalStatus: 'resolved' });

function run(s: PatientSnapshot, hook: Hook = 'patient-view', now: Date = NOW): Finding[] {
  return ivigSubstitution.evaluate(s, context(hook, now));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}
const igg = (value: number, date: Date | string = daysFrom(NOW, -3), low?: number): LabValue => ({
  ...lab('lab:igg', value, 'g/L', date),
  ...(low !== undefined ? { referenceRange: { low } } : {}),
});
const mprotein = (value: number) => lab('lab:mprotein', value, 'g/L', daysFrom(NOW, -3));
const onTec = { medications: [medication(TECLISTAMAB)] };
const cartDay = (day: number) => ({ administrations: [medication(CILTACEL, { source: 'MedicationAdministration', id: 'cart', occurredAt: daysFrom(NOW, -day) })] });

describe('ivig-substitution', () => {
  it('runs on patient-view and order-sign', () => {
    expect(ivigSubstitution.hooks).toEqual(['patient-view', 'order-sign']);
  });

  describe('BCMA bispecific: «Vurder å starte når IgG < 4,0 g/L»', () => {
    it.each([
      [3.9, 'fired'],
      [4.0, undefined],
      [4.1, undefined],
    ])('IgG %p g/L (M-protein 0) -> %p', (value, outcome) => {
      const findings = run(snapshot({ ...onTec, labs: labsByConcept(igg(value), mprotein(0)) }));
      if (outcome === undefined) expect(findings).toEqual([]);
      else expect(only(findings)).toMatchObject({ outcome, variant: 'bcma-bispecific', indicator: 'warning', subject: 'patient', params: { drug: 'Teklistamab', igg: value }, suggestions: [{ template: 'create-scig' }] });
    });

    it('total IgG < 4 fires whatever the isotype; an M-protein that could bring it below 4 makes the isotype the gap', () => {
      expect(only(run(snapshot({ ...onTec, labs: labsByConcept(igg(3.5), mprotein(2)) }))).outcome).toBe('fired');
      expect(only(run(snapshot({ ...onTec, labs: labsByConcept(igg(5), mprotein(2)) })))).toMatchObject({ outcome: 'not-evaluable', variant: 'isotype-unknown', missing: ['obs:mprotein-isotype'] });
      expect(run(snapshot({ ...onTec, labs: labsByConcept(igg(7), mprotein(2)) }))).toEqual([]);
      expect(only(run(snapshot({ ...onTec, labs: labsByConcept(igg(5)) })))).toMatchObject({ variant: 'mprotein-missing', missing: ['lab:mprotein'] });
    });

    it('C-26: an IgG M-protein is subtracted; an IgA or light-chain-only M-protein is not', () => {
      const isotype = (answer: string) => ({ codedObservations: codedByConcept(coded('obs:mprotein-isotype', [answer], '2026-01-10')) });
      expect(only(run(snapshot({ ...onTec, ...isotype('answer:isotype-igg'), labs: labsByConcept(igg(7), mprotein(3.5)) })))).toMatchObject({ outcome: 'fired', params: { igg: 3.5 } });
      expect(run(snapshot({ ...onTec, ...isotype('answer:isotype-igg'), labs: labsByConcept(igg(7), mprotein(3)) }))).toEqual([]);
      expect(run(snapshot({ ...onTec, ...isotype('answer:isotype-iga'), labs: labsByConcept(igg(5), mprotein(2)) }))).toEqual([]);
      expect(run(snapshot({ ...onTec, ...isotype('answer:isotype-kappa'), labs: labsByConcept(igg(5)) }))).toEqual([]);
      expect(only(run(snapshot({ ...onTec, ...isotype('answer:isotype-igg'), labs: labsByConcept(igg(5)) }))).variant).toBe('mprotein-missing');
    });

    it.each([
      [30, 'fired'],
      [31, 'not-evaluable'],
    ])('IgG %i days old -> %p (30-day window)', (days, outcome) => {
      const f = only(run(snapshot({ ...onTec, labs: labsByConcept(igg(3, daysFrom(NOW, -days)), mprotein(0)) })));
      expect(f.outcome).toBe(outcome);
      if (outcome === 'not-evaluable') expect(f).toMatchObject({ variant: 'igg-missing', missing: ['lab:igg'], indicator: 'warning', suggestions: [{ template: 'order-igg' }] });
    });

    it('no card with immunoglobulin active or drafted; GPRC5D (talquetamab) has no primary prophylaxis', () => {
      const labs = labsByConcept(igg(3), mprotein(0));
      expect(run(snapshot({ ...onTec, labs, medications: [medication(TECLISTAMAB), medication(SCIG)] }))).toEqual([]);
      expect(run(snapshot({ ...onTec, labs, draftOrders: [{ ...draftOrder(SCIG), inFocus: false }] }))).toEqual([]);
      expect(run(snapshot({ medications: [medication(TALQUETAMAB)], labs }))).toEqual([]);
      expect(run(snapshot({ medications: [medication(SCIG, { status: 'stopped' }), medication(TECLISTAMAB)], labs }))).toHaveLength(1);
    });
  });

  describe('order-sign: BCMA bispecific draft from cycle 2 (28 days after the first dose)', () => {
    const first = (days: number) => ({ administrations: [medication(TECLISTAMAB, { source: 'MedicationAdministration', id: 'tec1', occurredAt: daysFrom(NOW, -days) })] });
    it.each([
      [27, 0],
      [28, 1],
      [29, 1],
    ])('first dose %i days before -> %i cards', (days, n) => {
      const findings = run(snapshot({ ...first(days), labs: labsByConcept(igg(3.2), mprotein(0)), draftOrders: [draftOrder(TECLISTAMAB, { id: 'tec' })] }), 'order-sign');
      expect(findings).toHaveLength(n);
      if (n) expect(only(findings)).toMatchObject({ subject: 'MedicationRequest/tec', variant: 'bcma-bispecific-cycle', indicator: 'warning', params: { drug: 'Teklistamab' } });
    });
    it('the first dose (no administrations) is out of scope', () => {
      expect(run(snapshot({ labs: labsByConcept(igg(3)), draftOrders: [draftOrder(TECLISTAMAB)] }), 'order-sign')).toEqual([]);
    });
  });

  describe('CAR-T: «Fra dag +30 og i minst 1 år. Etter 1 år fortsett til serum IgG > 4 g/L»', () => {
    it.each([
      [29, undefined],
      [30, 'car-t'],
      [31, 'car-t'],
      [364, 'car-t'],
    ])('day +%i without IgG -> %p', (day, variant) => {
      const findings = run(snapshot(cartDay(day)));
      if (variant === undefined) expect(findings).toEqual([]);
      else expect(only(findings)).toMatchObject({ outcome: 'fired', variant, indicator: 'info', params: { day } });
    });
    it.each([
      [3.9, 'fired'],
      [4.0, 'fired'],
      [4.1, undefined],
    ])('after a year (day +365) IgG %p -> %p', (value, outcome) => {
      const findings = run(snapshot({ ...cartDay(365), labs: labsByConcept(igg(value), mprotein(0)) }));
      if (outcome === undefined) expect(findings).toEqual([]);
      else expect(only(findings)).toMatchObject({ outcome, variant: 'car-t-after-year' });
    });
    it('after a year without IgG -> not-evaluable with an IgG order', () => {
      expect(only(run(snapshot(cartDay(400))))).toMatchObject({ outcome: 'not-evaluable', variant: 'igg-missing', indicator: 'info' });
    });
  });

  describe('general: hypogammaglobulinaemia with encapsulated-bacteria infections', () => {
    it('two infections and IgG below the lower reference limit -> info', () => {
      const s = snapshot({ conditions: [MYELOMA, INFECTION('a'), INFECTION('b')], labs: labsByConcept(igg(5.5, daysFrom(NOW, -3), 6), mprotein(0)) });
      expect(only(run(s))).toMatchObject({ outcome: 'fired', variant: 'general', indicator: 'info', params: { episodes: 2, igg: 5.5 } });
    });
    it('IgG at the lower limit is not low; one infection needs its severity; no limit or no IgG names the gap', () => {
      const two = [MYELOMA, INFECTION('a'), INFECTION('b')];
      expect(run(snapshot({ conditions: two, labs: labsByConcept(igg(6, daysFrom(NOW, -3), 6), mprotein(0)) }))).toEqual([]);
      expect(only(run(snapshot({ conditions: [MYELOMA, INFECTION('a')], labs: labsByConcept(igg(5, daysFrom(NOW, -3), 6), mprotein(0)) })))).toMatchObject({
        outcome: 'not-evaluable', variant: 'general-severity-unknown', missing: ['obs:infection-severity'],
      });
      expect(only(run(snapshot({ conditions: two, labs: labsByConcept(igg(5), mprotein(0)) }))).variant).toBe('general-igg-lln-missing');
      expect(only(run(snapshot({ conditions: two }))).variant).toBe('general-igg-missing');
    });
    it('out of scope without a myeloma diagnosis or without infections; a refuted infection does not count', () => {
      expect(run(snapshot({ conditions: [INFECTION('a'), INFECTION('b')], labs: labsByConcept(igg(3, daysFrom(NOW, -3), 6)) }))).toEqual([]);
      expect(run(snapshot({ conditions: [MYELOMA], labs: labsByConcept(igg(3, daysFrom(NOW, -3), 6)) }))).toEqual([]);
      const refuted = condition('cond:encapsulated-bacterial-infection', { id: 'r', verificationStatus: 'refuted' });
      expect(run(snapshot({ conditions: [MYELOMA, refuted] }))).toEqual([]);
    });
  });

  describe('through the snapshot builder', () => {
    const iggObs = (value: number, unit: string) => ({
      resourceType: 'Observation', id: 'igg', status: 'final', subject: { reference: `Patient/${PID}` }, effectiveDateTime: '2026-11-20T08:00:00Z',
      code: { coding: [{ system: 'http://loinc.org', code: '2465-3' }] }, valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    });
    const mObs = {
      resourceType: 'Observation', id: 'm', status: 'final', subject: { reference: `Patient/${PID}` }, effectiveDateTime: '2026-11-20T08:00:00Z',
      code: { coding: [{ system: 'http://loinc.org', code: '33358-3' }] }, valueQuantity: { value: 0, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' },
    };
    it.each([
      [390, 'fired'],
      [400, undefined],
      [410, undefined],
    ])('IgG %p mg/dL reads as g/L -> %p', (value, outcome) => {
      const s = fhirSnapshot(NOW, { resources: { observations: [iggObs(value, 'mg/dL'), mObs], medicationRequests: [medicationRequest('tec', CODES.teclistamab, 'atc-who', { status: 'active' })] } });
      const findings = run(s);
      if (outcome === undefined) expect(findings).toEqual([]);
      else expect(only(findings).params.igg).toBeCloseTo(3.9);
    });

    it.each(CODE_VARIANTS)('a teclistamab draft coded as %s fires in cycle 2; the suggested SCIG settles it', (variant) => {
      const given = { resourceType: 'MedicationAdministration', id: 'tec1', status: 'completed', subject: { reference: `Patient/${PID}` }, effectiveDateTime: '2026-10-01T10:00:00Z', medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01FX24' }] } };
      const resources = { observations: [iggObs(3.1, 'g/L'), mObs], medicationAdministrations: [given] };
      const trigger = medicationRequest('tec', CODES.teclistamab, variant);
      const findings = run(fhirSnapshot(NOW, { drafts: [trigger], resources }), 'order-sign');
      expect(only(findings)).toMatchObject({ outcome: 'fired', subject: 'MedicationRequest/tec' });
      const resource = renderBoth(findings, 'order-sign').en[0]?.suggestions?.[0]?.actions?.[0]?.resource as Record<string, unknown>;
      expect(resource).toMatchObject({ resourceType: 'MedicationRequest', medicationCodeableConcept: { coding: [{ code: 'J06BA01' }, { code: '5666' }] } });
      expect(run(fhirSnapshot(NOW, { drafts: [trigger, { ...resource, id: 'suggested' }], resources }), 'order-sign')).toEqual([]);
    });
  });

  it('renders every finding kind in both languages', () => {
    const render = (f: Finding[], hook: Hook = 'patient-view') => renderBoth(f, hook);
    const bcma = render(run(snapshot({ ...onTec, labs: labsByConcept(igg(3.2), mprotein(0)) })));
    expect(bcma.en[0]?.summary).toBe('Teklistamab (BCMA bispecific) with IgG 3.2 g/L (<4): consider immunoglobulin substitution');
    expect(bcma.nb[0]?.summary).toBe('Teklistamab (BCMA-bispesifikk) med IgG 3,2 g/L (<4): vurder immunglobulinsubstitusjon');
    expect(bcma.en[0]?.indicator).toBe('warning');
    const cycle = render(run(snapshot({ administrations: [medication(TECLISTAMAB, { source: 'MedicationAdministration', occurredAt: daysFrom(NOW, -40) })], labs: labsByConcept(igg(3), mprotein(0)), draftOrders: [draftOrder(TECLISTAMAB)] }), 'order-sign'), 'order-sign');
    expect(cycle.en[0]?.summary).toMatch(/^Teklistamab from cycle 2/);
    expect(render(run(snapshot(cartDay(45)))).en[0]?.summary).toBe('Carvykti, day +45: immunoglobulin substitution is recommended from day +30 for at least 1 year');
    expect(render(run(snapshot({ ...cartDay(400), labs: labsByConcept(igg(3.8), mprotein(0)) }))).en[0]?.summary).toMatch(/not >4/);
    const general = render(run(snapshot({ conditions: [MYELOMA, INFECTION('a'), INFECTION('b')], labs: labsByConcept(igg(5, daysFrom(NOW, -3), 6), mprotein(0)) })));
    expect(general.en[0]?.summary).toMatch(/^Hypogammaglobulinaemia \(IgG 5 g\/L\) and 2 encapsulated/);
    const cases: [PatientSnapshot, RegExp][] = [
      [snapshot(onTec), /IgG from the last 30 days missing/],
      [snapshot({ ...onTec, labs: labsByConcept(igg(5)) }), /M-protein missing/],
      [snapshot({ ...onTec, labs: labsByConcept(igg(5), mprotein(2)) }), /isotype/],
      [snapshot({ conditions: [MYELOMA, INFECTION('a'), INFECTION('b')] }), /^Encapsulated-bacteria infections but IgG/],
      [snapshot({ conditions: [MYELOMA, INFECTION('a'), INFECTION('b')], labs: labsByConcept(igg(5), mprotein(0)) }), /without a lower reference limit/],
      [snapshot({ conditions: [MYELOMA, INFECTION('a'), INFECTION('b')], labs: labsByConcept(igg(7, daysFrom(NOW, -3), 6.5)) }), /M-protein missing/],
      [snapshot({ conditions: [MYELOMA, INFECTION('a'), INFECTION('b')], labs: labsByConcept(igg(9, daysFrom(NOW, -3), 8), mprotein(2)) }), /unknown isotype/],
      [snapshot({ conditions: [MYELOMA, INFECTION('a')], labs: labsByConcept(igg(5, daysFrom(NOW, -3), 6), mprotein(0)) }), /severity unknown/],
    ];
    for (const [s, summary] of cases) {
      const cards = render(run(s));
      expect(cards.en[0]?.summary).toMatch(summary);
      expect(cards.nb[0]?.summary.length).toBeGreaterThan(20);
    }
  });
});
