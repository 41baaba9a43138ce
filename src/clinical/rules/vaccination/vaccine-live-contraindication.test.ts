import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { vaccineLiveContraindication as rule, YELLOW_FEVER_AFTER_HMAS_YEARS } from './vaccine-live-contraindication.js';
import { condition, context, draftOrder, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { MYELOMA, build, codeVariants, condition as fhirCondition, medicationRequest, procedure as fhirProcedure } from '../support/bone-vaccine-followup-fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const mm = condition('cond:multiple-myeloma', { onset: '2025-01-10' });
const BCG = { display: 'BCG-vaksine', concepts: ['drug:vaccine-bcg', 'class:vaccine', 'class:live-vaccine'] };
const YF = { display: 'Stamaril', concepts: ['drug:vaccine-yellow-fever', 'class:vaccine', 'class:live-vaccine'] };
const VARICELLA = { display: 'Varivax', concepts: ['drug:vaccine-varicella-live', 'class:vaccine', 'class:live-vaccine'] };
const INFLUENZA = { display: 'Influensavaksine', concepts: ['drug:vaccine-influenza-inactivated', 'class:vaccine'] };

function hmas(date?: string) {
  return procedure('proc:hmas', { id: 'hmas', ...(date ? { date } : {}) });
}

function run(s: PatientSnapshot, hook: Hook = 'order-sign', now = NOW): Finding[] {
  return rule.evaluate(s, context(hook, now));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('vaccine-live-contraindication', () => {
  it('declares hooks and needs', () => {
    expect(rule.hooks).toEqual(['order-select', 'order-sign']);
    expect(rule.needs).toEqual(['conditions', 'procedures']);
    expect(rule.handlesUnavailable).toBe(true);
  });

  it('BCG is critical at any time, with a delete suggestion for the draft', () => {
    for (const hook of ['order-select', 'order-sign'] as Hook[]) {
      const f = only(run(snapshot({ conditions: [mm], draftOrders: [draftOrder(BCG, { id: 'v1' })] }), hook));
      expect(f).toMatchObject({
        outcome: 'fired',
        variant: 'bcg',
        indicator: 'critical',
        subject: 'MedicationRequest/v1',
        params: { drug: 'BCG-vaksine' },
        suggestions: [{ template: 'delete-draft', targetRef: 'MedicationRequest/v1' }],
      });
    }
  });

  it('another live vaccine after HMAS is critical; without HMAS there is no card', () => {
    const f = only(run(snapshot({ conditions: [mm], procedures: [hmas('2026-03-01')], draftOrders: [draftOrder(VARICELLA)] })));
    expect(f).toMatchObject({ variant: 'live-after-hmas', indicator: 'critical', criteriaMet: ['live-vaccine', 'after-hmas'] });
    expect(f.values.map((v) => v.concept)).toEqual(['medication', 'hmas']);
    expect(run(snapshot({ conditions: [mm], draftOrders: [draftOrder(VARICELLA)] }))).toEqual([]);
  });

  it('a stem-cell transplant (SNOMED HSCT) counts as HMAS; a not-done one does not', () => {
    const hsct = procedure('proc:hsct', { date: '2026-01-01' });
    expect(only(run(snapshot({ conditions: [mm], procedures: [hsct], draftOrders: [draftOrder(VARICELLA)] }))).variant).toBe('live-after-hmas');
    const notDone = procedure('proc:hmas', { date: '2026-01-01', status: 'not-done' });
    expect(run(snapshot({ conditions: [mm], procedures: [notDone], draftOrders: [draftOrder(VARICELLA)] }))).toEqual([]);
  });

  it.each([
    ['2024-11-23T10:00:00Z', 'yellow-fever-early', 'warning'],
    ['2024-11-22T10:00:00Z', 'yellow-fever-may-consider', 'info'],
    ['2024-11-21T10:00:00Z', 'yellow-fever-may-consider', 'info'],
  ])('yellow fever with HMAS on %s (2 years = %p) -> %s', (date, variant, indicator) => {
    expect(YELLOW_FEVER_AFTER_HMAS_YEARS).toBe(2);
    const f = only(run(snapshot({ conditions: [mm], procedures: [hmas(date)], draftOrders: [draftOrder(YF)] })));
    expect(f).toMatchObject({ variant, indicator });
    expect(f.suggestions !== undefined).toBe(variant === 'yellow-fever-early');
  });

  it('yellow fever with an undated HMAS is treated as early', () => {
    expect(only(run(snapshot({ conditions: [mm], procedures: [hmas()], draftOrders: [draftOrder(YF)] }))).variant).toBe('yellow-fever-early');
  });

  it('procedures unavailable -> not-evaluable warning (MD-warn); BCG is still critical', () => {
    const s = snapshot({ conditions: [mm], draftOrders: [draftOrder(YF, { id: 'y' }), draftOrder(BCG, { id: 'b' })], unavailable: ['procedures'] });
    const [yf, bcg] = run(s);
    expect(yf).toMatchObject({ outcome: 'not-evaluable', indicator: 'warning', missing: ['domain:procedures'], subject: 'MedicationRequest/y' });
    expect(bcg).toMatchObject({ outcome: 'fired', variant: 'bcg' });
  });

  it('MD-scope: no myeloma-spectrum condition, an inactivated vaccine, or a draft out of focus -> nothing', () => {
    expect(run(snapshot({ draftOrders: [draftOrder(BCG)] }))).toEqual([]);
    expect(run(snapshot({ conditions: [mm], procedures: [hmas('2026-01-01')], draftOrders: [draftOrder(INFLUENZA)] }))).toEqual([]);
    expect(run(snapshot({ conditions: [mm], draftOrders: [draftOrder(BCG, { inFocus: false })] }), 'order-select')).toEqual([]);
  });

  it('conditions unavailable -> checked anyway (safe side)', () => {
    expect(only(run(snapshot({ draftOrders: [draftOrder(BCG)], unavailable: ['conditions'] }))).variant).toBe('bcg');
  });

  it('accepting the delete suggestion (draft gone) removes the card', () => {
    const s = snapshot({ conditions: [mm], draftOrders: [draftOrder(BCG, { id: 'v1' })] });
    const f = only(run(s));
    const target = f.suggestions?.[0]?.targetRef;
    expect(run({ ...s, draftOrders: s.draftOrders.filter((d) => d.ref !== target) })).toEqual([]);
  });

  describe('code variants through the snapshot builder', () => {
    it.each(codeVariants('J07AN01'))('BCG coded as %s is critical', (_label, coding) => {
      const s = build([MYELOMA()], { drafts: [medicationRequest('d1', coding, { status: 'draft' })], now: NOW });
      expect(only(run(s))).toMatchObject({ variant: 'bcg', subject: 'MedicationRequest/d1' });
    });

    it.each(codeVariants('J07BL01'))('yellow fever coded as %s after a recent HMAS is a warning', (_label, coding) => {
      const s = build([MYELOMA(), fhirProcedure('h', 'urn:heme-cds:local', 'hmas', '2026-02-01')], { drafts: [medicationRequest('d2', coding, { status: 'draft' })], now: NOW });
      expect(only(run(s)).variant).toBe('yellow-fever-early');
    });

    it('MMR is recognised by product name (no verified code) and HSCT by SNOMED', () => {
      const s = build([fhirCondition('mg', 'http://snomed.info/sct', '109989006'), fhirProcedure('h', 'http://snomed.info/sct', '234336002', '2026-02-01')], {
        drafts: [medicationRequest('d3', { codings: [], text: 'Priorix (MMR)' }, { status: 'draft' })],
        now: NOW,
      });
      expect(only(run(s)).variant).toBe('live-after-hmas');
    });
  });

  it('renders every variant as valid cards in both languages, critical with override reasons', () => {
    const findings = [
      ...run(snapshot({ conditions: [mm], draftOrders: [draftOrder(BCG, { id: 'a' })] })),
      ...run(snapshot({ conditions: [mm], procedures: [hmas('2026-01-01')], draftOrders: [draftOrder(VARICELLA, { id: 'b' }), draftOrder(YF, { id: 'c' })] })),
      ...run(snapshot({ conditions: [mm], procedures: [hmas('2020-01-01')], draftOrders: [draftOrder(YF, { id: 'd' })] })),
      ...run(snapshot({ conditions: [mm], draftOrders: [draftOrder(YF, { id: 'e' })], unavailable: ['procedures'] })),
    ];
    expect(findings.map((f) => f.variant)).toEqual(['bcg', 'live-after-hmas', 'yellow-fever-early', 'yellow-fever-may-consider', 'default']);
    const { nb, en } = renderBoth(findings, 'order-sign');
    expect(en).toHaveLength(5);
    expect(en[0]?.summary).toBe('BCG-vaksine: BCG vaccine is contraindicated in myeloma');
    expect(en[0]?.indicator).toBe('critical');
    expect(en[0]?.overrideReasons?.length).toBeGreaterThan(0);
    expect(en[0]?.suggestions?.[0]?.actions?.[0]).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/a' });
    expect(nb.map((c) => c.summary)).toContain('Stamaril: sjekk HMAS-historikk før levende vaksine');
  });
});

describe('vaccine-live-contraindication: every live attenuated vaccine as a class («Levende vaksiner skal i utgangspunktet ikke gis etter HMAS»)', () => {
  const afterHmas = (coding: { system?: string; code?: string }[], text?: string): Finding[] =>
    run(
      build([MYELOMA(), fhirProcedure('h', 'urn:heme-cds:local', 'hmas', '2026-02-01')], {
        drafts: [medicationRequest('v', { codings: coding as { system: string; code: string }[], ...(text ? { text } : {}) }, { status: 'draft' })],
        now: NOW,
      }),
    );
  const ATC = 'http://www.whocc.no/atc';
  const CVX = 'http://hl7.org/fhir/sid/cvx';

  it.each([
    ['influenza, live', 'J07BB03'],
    ['typhoid, oral, live', 'J07AP01'],
    ['MMR', 'J07BD52'],
    ['MMRV', 'J07BD54'],
    ['measles', 'J07BD01'],
    ['mumps', 'J07BE01'],
    ['rubella', 'J07BJ01'],
    ['varicella', 'J07BK01'],
    ['zoster, live', 'J07BK02'],
    ['rotavirus', 'J07BH01'],
    ['rotavirus, pentavalent', 'J07BH02'],
    ['polio, oral', 'J07BF02'],
    ['cholera, live', 'J07AE02'],
    ['Japanese encephalitis, live', 'J07BA03'],
  ])('%s (ATC %s) after HMAS is critical', (_name, code) => {
    expect(only(afterHmas([{ system: ATC, code }]))).toMatchObject({ variant: 'live-after-hmas', indicator: 'critical' });
  });

  it.each([
    ['LAIV', '111'],
    ['LAIV4', '149'],
    ['typhoid oral', '25'],
    ['MMR', '03'],
    ['MMRV', '94'],
    ['varicella', '21'],
    ['zoster live', '121'],
    ['rotavirus', '116'],
    ['OPV', '02'],
  ])('%s (CVX %s) after HMAS is critical', (_name, code) => {
    expect(only(afterHmas([{ system: CVX, code }]))).toMatchObject({ variant: 'live-after-hmas', indicator: 'critical' });
  });

  it.each(['Fluenz nesespray', 'Vivotif', 'Priorix', 'M-M-RvaxPro', 'ProQuad', 'Varilrix', 'Zostavax', 'Rotarix', 'Dukoral x', 'Vaxchora'])(
    '%s by name only (no code) is recognised',
    (text) => {
      const f = afterHmas([], text);
      if (text === 'Dukoral x') expect(f).toEqual([]); // inactivated oral cholera vaccine
      else expect(only(f)).toMatchObject({ variant: 'live-after-hmas' });
    },
  );

  it('inactivated and recombinant vaccines stay outside: influenza J07BB02, polio IPV J07BF03, Shingrix J07BK03, CVX 141', () => {
    for (const c of [{ system: ATC, code: 'J07BB02' }, { system: ATC, code: 'J07BF03' }, { system: ATC, code: 'J07BK03' }, { system: CVX, code: '141' }]) {
      expect(afterHmas([c])).toEqual([]);
    }
  });
});
