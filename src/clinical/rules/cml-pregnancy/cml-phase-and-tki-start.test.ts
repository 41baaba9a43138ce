import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import type { Resource } from '@medplum/fhirtypes';
import { CHRONIC_PHASE_BLASTS_BELOW_PCT, cmlPhaseAndTkiStart as rule } from './cml-phase-and-tki-start.js';
import { condition, context, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { build, condition as fhirCondition, observation } from '../support/bone-vaccine-followup-fhir.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const cml = condition('cond:cml', { onset: '2026-10-01T00:00:00Z', id: 'cml' });
const IMATINIB = { display: 'Imatinib', concepts: ['drug:imatinib', 'class:tki-cml'] };
const blasts = (pct: number): LabValue => lab('lab:cml-blasts-pct', pct, '%', '2026-11-15');
const run = (s: PatientSnapshot): Finding[] => rule.evaluate(s, context('patient-view', NOW));
const codes = (f: Finding[]): string[] => f.map((x) => `${x.outcome}:${x.variant}:${x.indicator ?? '-'}`);

describe('cml-phase-and-tki-start', () => {
  it('runs on patient-view', () => {
    expect(rule.hooks).toEqual(['patient-view']);
  });

  it.each([
    [19.9, ['fired:chronic-no-tki:-']],
    [20, ['fired:blast-phase-no-tki:warning']],
  ])('blasts %p %% without a TKI -> %j', (pct, expected) => {
    expect(CHRONIC_PHASE_BLASTS_BELOW_PCT).toBe(20);
    expect(codes(run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(pct)) })))).toEqual(expected);
  });

  it.each([
    [19.9, []],
    [20, ['fired:blast-phase:warning']],
  ])('blasts %p %% on a TKI -> %j (chronic phase on a TKI is quiet)', (pct, expected) => {
    const s = snapshot({ conditions: [cml], labs: labsByConcept(blasts(pct)), medications: [medication(IMATINIB)] });
    expect(codes(run(s))).toEqual(expected);
  });

  it('a TKI being ordered now counts as started', () => {
    expect(run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(3)), draftOrders: [draftOrder(IMATINIB)] }))).toEqual([]);
  });

  it('a stopped TKI does not count', () => {
    const s = snapshot({ conditions: [cml], labs: labsByConcept(blasts(3)), medications: [medication(IMATINIB, { status: 'stopped' })] });
    expect(codes(run(s))).toEqual(['fired:chronic-no-tki:-']);
  });

  it('MD-info: blasts missing and no TKI -> one not-evaluable card that still advises the TKI start; on a TKI -> nothing', () => {
    const findings = run(snapshot({ conditions: [cml] }));
    expect(findings).toEqual([expect.objectContaining({ outcome: 'not-evaluable', missing: ['lab:cml-blasts-pct'] })]);
    expect(renderBoth(findings, 'patient-view').en[0]?.summary).toMatch(/^CML phase unknown \(missing .*\); start a TKI as soon as possible$/);
    expect(run(snapshot({ conditions: [cml], medications: [medication(IMATINIB)] }))).toEqual([]);
  });

  it('pregnant or breastfeeding: no card; pregnancy status unknown: no TKI-start advice (blast phase still shown); no CML: no card', () => {
    expect(run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(3)), pregnancy: 'pregnant' }))).toEqual([]);
    expect(run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(3)), breastfeeding: 'breastfeeding' }))).toEqual([]);
    expect(run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(3)), pregnancy: 'unknown' }))).toEqual([]);
    expect(codes(run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(30)), pregnancy: 'unknown' })))).toEqual(['fired:blast-phase:warning']);
    expect(run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(3)), pregnancy: 'not-pregnant' }))).toHaveLength(1);
    expect(run(snapshot({ labs: labsByConcept(blasts(30)) }))).toEqual([]);
  });

  it('renders every variant in both languages', () => {
    const chronic = run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(4)) }));
    const blast = run(snapshot({ conditions: [cml], labs: labsByConcept(blasts(35)), medications: [medication(IMATINIB)] }));
    const rendered = [chronic, blast].map((f) => renderBoth(f, 'patient-view'));
    expect(rendered.map((r) => [r.en[0]?.indicator, r.en[0]?.summary])).toEqual([
      ['info', 'CML chronic phase (blasts 4%): start a TKI as soon as possible'],
      ['warning', 'CML blast phase (blasts 35%): consider allogeneic stem-cell transplantation'],
    ]);
    expect(rendered.map((r) => r.nb[0]?.summary)).toEqual(['KML kronisk fase (blaster 4 %): start TKI så raskt som mulig', 'KML blastfase (blaster 35 %): vurder allogen stamcelletransplantasjon']);
  });

  it('through the snapshot builder: ICD-10 C92.1 and a local blast code', () => {
    const blastObs = { ...observation('b', '0000-0', 22, '%', '2026-11-15'), code: { coding: [{ system: 'urn:heme-cds:local', code: 'cml-blasts-pct' }] } } as unknown as Resource;
    const resources = [fhirCondition('c', 'http://hl7.org/fhir/sid/icd-10', 'C92.10', '2026-10-01'), blastObs];
    const s = build(resources, { now: NOW });
    expect({ conditions: s.conditions.map((c) => c.concepts), blasts: s.labs['lab:cml-blasts-pct']?.map((v) => v.value) }).toEqual({ conditions: [['cond:cml']], blasts: [22] });
    expect(codes(run({ ...s, pregnancy: 'not-applicable' }))).toEqual(['fired:blast-phase-no-tki:warning']);
  });
});
