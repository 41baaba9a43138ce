import { readFileSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import { fromRoot } from '../../../paths.js';
import { runRules } from '../../engine.js';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { Finding, Hook } from '../../types.js';
import { cmlPregnancyRules } from './index.js';
import { ROPEG_CODES, TKI_CODES } from './fhir.test-support.js';

// The fixture patients of this area, through the real snapshot builder and engine, with the clock
// at the fixtures' reference date: the cards fixtures/README.md promises (and the new patients').

const terminology = loadTerminology();
const NOW = new Date('2026-11-22T12:00:00+01:00');

function bundleResources(patientId: string): Resource[] {
  const bundle = JSON.parse(readFileSync(fromRoot(`fixtures/${patientId}.json`), 'utf8')) as { entry: { resource: Resource }[] };
  return bundle.entry.map((e) => e.resource);
}

function draft(patientId: string, id: string, atc: string, rxnorm: string | undefined, doseUg?: number): Resource {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: atc }, ...(rxnorm ? [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: rxnorm }] : [])] },
    ...(doseUg !== undefined
      ? { dosageInstruction: [{ text: `${doseUg} µg s.c. hver 2. uke`, doseAndRate: [{ doseQuantity: { value: doseUg, unit: 'µg', system: 'http://unitsofmeasure.org', code: 'ug' } }] }] }
      : {}),
  };
}

function cards(patientId: string, hook: Hook, drafts: Resource[] = []): Finding[] {
  const all = bundleResources(patientId);
  const input: SnapshotInput = {
    patientId,
    patient: all.find((r) => r.resourceType === 'Patient'),
    resources: { observations: all.filter((r) => r.resourceType !== 'Patient') },
    medications: [],
    draftOrders: drafts,
    unavailable: [],
  };
  return runRules(cmlPregnancyRules, buildSnapshot(input, terminology, NOW), { now: NOW, hook }).findings;
}

const topics = (findings: Finding[]): string[] =>
  findings.map((f) => `${f.ruleId}${f.outcome === 'not-evaluable' ? '.not-evaluable' : ''}:${f.indicator ?? '-'}`);

describe('cml-pregnancy registry', () => {
  it('lists the nine rules in catalogue order', () => {
    expect(cmlPregnancyRules.map((r) => r.id)).toEqual([
      'cml-tki-pregnancy',
      'cml-tki-breastfeeding',
      'cml-pregnancy-interferon-alternative',
      'ropeg-pregnancy-not-recommended',
      'ropeg-contraception',
      'ropeg-breastfeeding-unknown',
      'ropeg-offlabel-cml',
      'ropeg-dose-range-context',
      'cml-phase-and-tki-start',
    ]);
  });
});

describe('pat-cml-pregnant (fixtures/README expectations)', () => {
  const p = 'pat-cml-pregnant';
  const imatinib = [draft(p, 'x-ima', 'L01EA01', TKI_CODES.imatinib?.rxnorm)];

  it('OS/SG draft imatinib -> cml-tki-pregnancy (critical), plus the interferon context on OS', () => {
    const sign = cards(p, 'order-sign', imatinib);
    expect(topics(sign)).toEqual(['cml-tki-pregnancy:-']);
    expect(sign[0]?.values.map((v) => v.source?.id)).toContain('cml-obs-pregnancy-status');
    expect(topics(cards(p, 'order-select', imatinib))).toEqual(['cml-tki-pregnancy:-', 'cml-pregnancy-interferon-alternative:-']);
  });

  it('PV -> the active imatinib is the critical cml-tki-pregnancy card, with the interferon alternative', () => {
    expect(topics(cards(p, 'patient-view'))).toEqual(['cml-tki-pregnancy:-', 'cml-pregnancy-interferon-alternative:-']);
  });

  it('SG draft ropeginterferon -> ropeg-pregnancy-not-recommended (warning), no contraception card', () => {
    const found = cards(p, 'order-sign', [draft(p, 'x-ropeg', 'L03AB15', ROPEG_CODES.rxnorm, 100)]);
    expect(topics(found)).toEqual(['ropeg-pregnancy-not-recommended:warning', 'ropeg-dose-range-context:info']);
  });
});

describe('pat-cml-breastfeeding', () => {
  const p = 'pat-cml-breastfeeding';

  it('OS and SG draft imatinib -> cml-tki-breastfeeding (critical) only: not pregnant by 82810-3', () => {
    for (const hook of ['order-select', 'order-sign'] as const) {
      expect(topics(cards(p, hook, [draft(p, 'x-ima', 'L01EA01', '282388')]))).toEqual(['cml-tki-breastfeeding:-']);
    }
  });

  it('SG draft ropeginterferon 100 µg -> contraception, breastfeeding and dose context; OS -> off-label context', () => {
    const ropeg = [draft(p, 'x-ropeg', 'L03AB15', '2587059', 100)];
    expect(topics(cards(p, 'order-sign', ropeg))).toEqual(['ropeg-contraception:-', 'ropeg-breastfeeding-unknown:-', 'ropeg-dose-range-context:info']);
    expect(topics(cards(p, 'order-select', ropeg))).toEqual(['ropeg-offlabel-cml:-']);
  });

  it('PV -> no A.13 card', () => {
    expect(cards(p, 'patient-view')).toEqual([]);
  });
});

describe('pat-cml-status-unknown', () => {
  const p = 'pat-cml-status-unknown';

  it('draft imatinib -> pregnancy and breastfeeding not-evaluable (warning on SG, info on OS)', () => {
    const ima = [draft(p, 'x-ima', 'L01EA01', '282388')];
    expect(topics(cards(p, 'order-sign', ima))).toEqual(['cml-tki-pregnancy.not-evaluable:warning', 'cml-tki-breastfeeding.not-evaluable:warning']);
    expect(topics(cards(p, 'order-select', ima))).toEqual(['cml-tki-pregnancy.not-evaluable:info', 'cml-tki-breastfeeding.not-evaluable:info']);
  });

  it('SG draft ropeginterferon 600 µg -> pregnancy and breastfeeding not-evaluable, contraception, dose above 500 µg', () => {
    expect(topics(cards(p, 'order-sign', [draft(p, 'x-ropeg', 'L03AB15', '2587059', 600)]))).toEqual([
      'ropeg-pregnancy-not-recommended.not-evaluable:warning',
      'ropeg-contraception:-',
      'ropeg-breastfeeding-unknown.not-evaluable:-',
      'ropeg-dose-range-context:-',
    ]);
  });

  it('a draft without a dose -> ropeg-dose-range-context.not-evaluable', () => {
    const found = cards(p, 'order-sign', [draft(p, 'x-ropeg', 'L03AB15', undefined)]);
    expect(topics(found)).toContain('ropeg-dose-range-context.not-evaluable:-');
  });

  it('PV -> no A.13 card (pregnancy is not known)', () => {
    expect(cards(p, 'patient-view')).toEqual([]);
  });
});
