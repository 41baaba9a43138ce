import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';
import type { Resource } from '@medplum/fhirtypes';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { CodedObservation, Finding, LabValue } from '../../types.js';
import { SCREEN_WINDOW_DAYS, pcdAlAmyloidScreen } from './pcd-al-amyloid-screen.js';
import { renderBoth } from '../support/render.test-support.js';
import { NOW, condition, coded, codedByConcept, context, daysFrom, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';

const mgus = condition('cond:mgus', { onset: '2024-01-10', id: 'mgus' });
const recent = daysFrom(NOW, -30);
const all = (when: Date = recent): LabValue[] => [
  lab('lab:ntprobnp', 120, 'pg/mL', when),
  lab('lab:alp', 80, 'U/L', when),
  lab('lab:inr', 1.0, '{INR}', when),
  lab('lab:urine-albumin', 12, 'mg/L', when),
];

function run(labs: LabValue[], conditions = [mgus], codedObs: CodedObservation[] = []): Finding[] {
  return pcdAlAmyloidScreen.evaluate(snapshot({ conditions, labs: labsByConcept(...labs), codedObservations: codedByConcept(...codedObs) }), context('patient-view'));
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('pcd-al-amyloid-screen', () => {
  it('declares its hooks, needs and window', () => {
    expect(pcdAlAmyloidScreen).toMatchObject({ id: 'pcd-al-amyloid-screen', hooks: ['patient-view'], needs: ['patient', 'conditions', 'observations'] });
    expect(SCREEN_WINDOW_DAYS).toBe(365);
  });

  it('all four within 12 months -> no card', () => {
    expect(run(all())).toEqual([]);
  });

  it('nothing on record -> card naming all four with one order each', () => {
    const f = only(run([]));
    expect(f).toMatchObject({ outcome: 'fired', variant: 'default', missing: ['lab:ntprobnp', 'lab:alp', 'lab:inr', 'lab:urine-albumin'] });
    expect(f.suggestions?.map((s) => s.params)).toEqual([
      { concept: 'lab:ntprobnp', loinc: '33762-6' },
      { concept: 'lab:alp', loinc: '6768-6' },
      { concept: 'lab:inr', loinc: '6301-6' },
      { concept: 'lab:urine-albumin', loinc: '14957-5' },
    ]);
  });

  it('names only what is missing', () => {
    const f = only(run(all().filter((v) => v.concept !== 'lab:inr')));
    expect(f.missing).toEqual(['lab:inr']);
    expect(f.values.map((v) => v.concept)).toEqual(['diagnosis', 'lab:ntprobnp', 'lab:alp', 'lab:urine-albumin']);
  });

  it('12-month window: 365 days old counts, 366 days old is stale', () => {
    expect(run(all(daysFrom(NOW, -365)))).toEqual([]);
    const stale = only(run([...all(recent).filter((v) => v.concept !== 'lab:alp'), lab('lab:alp', 80, 'U/L', daysFrom(NOW, -366))]));
    expect(stale.missing).toEqual(['lab:alp']);
  });

  it('urine albumin/creatinine ratio or a qualitative urine albumin satisfies the urine test', () => {
    const others = all().filter((v) => v.concept !== 'lab:urine-albumin');
    expect(run([...others, lab('lab:urine-acr', 20, 'mg/g', recent)])).toEqual([]);
    expect(run(others, [mgus], [coded('lab:urine-albumin', ['answer:negative'], recent)])).toEqual([]);
    expect(only(run(others, [mgus], [coded('lab:urine-albumin', ['answer:negative'], daysFrom(NOW, -366))])).missing).toEqual(['lab:urine-albumin']);
  });

  it('a value in a non-canonical unit is not used', () => {
    const f = only(run([...all().filter((v) => v.concept !== 'lab:ntprobnp'), lab('lab:ntprobnp', 14, 'pmol/L', recent)]));
    expect(f.missing).toEqual(['lab:ntprobnp']);
  });

  it.each(['cond:mgus', 'cond:multiple-myeloma', 'cond:smouldering-myeloma', 'cond:plasma-cell-leukaemia'])('%s is in scope', (c) => {
    expect(run([], [condition(c)])).toHaveLength(1);
  });

  it('MD-scope: no MGUS/myeloma, plasmacytoma only or MGUS resolved -> no card', () => {
    expect(run([], [])).toEqual([]);
    expect(run([], [condition('cond:solitary-plasmacytoma-bone')])).toEqual([]);
    expect(run([], [condition('cond:mgus', { clinicalStatus: 'resolved' })])).toEqual([]);
  });

  it('units through buildSnapshot: NT-proBNP in pmol/L and ng/L, ALP in µkat/L', () => {
    const terminology = loadTerminology();
    const obs = (id: string, loinc: string, value: number, unit: string): Resource =>
      ({
        resourceType: 'Observation',
        id,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
        effectiveDateTime: '2025-05-20',
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      });
    const cond = { resourceType: 'Condition', id: 'c', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'D47.2' }] } } as Resource;
    const build = (observations: Resource[]): Finding[] => {
      const input: SnapshotInput = { patientId: 'p', resources: { conditions: [cond], observations }, medications: [], draftOrders: [], unavailable: [] };
      return pcdAlAmyloidScreen.evaluate(buildSnapshot(input, terminology, NOW), context('patient-view'));
    };
    const rest = [obs('i', '6301-6', 1.1, '{INR}'), obs('u', '14957-5', 10, 'mg/L')];
    expect(build([obs('n', '83108-1', 14, 'pmol/L'), obs('a', '6768-6', 1.5, 'ukat/L'), ...rest])).toEqual([]);
    expect(build([obs('n', '33762-6', 118, 'ng/L'), obs('a', '6768-6', 80, 'U/L'), ...rest])).toEqual([]);
    expect(only(build(rest)).missing).toEqual(['lab:ntprobnp', 'lab:alp']);
  });

  it('fixtures (clock 2026-11-22): pat-mgus fires, pat-wus-riss3 (all four in non-canonical units) does not', () => {
    const now = new Date('2026-11-22T10:00:00+01:00');
    const fixture = (name: string): Finding[] => {
      return pcdAlAmyloidScreen.evaluate(fixtureSnapshot(name, now, [], { types: ['Condition', 'Observation'] }), context('patient-view', now));
    };
    expect(only(fixture('pat-mgus')).missing).toEqual(['lab:ntprobnp', 'lab:alp', 'lab:inr', 'lab:urine-albumin']);
    expect(fixture('pat-wus-riss3')).toEqual([]);
    expect(fixture('pat-no-data')).toEqual([]);
  });

  it('renders in both languages', () => {
    const cards = renderBoth(run(all().filter((v) => v.concept === 'lab:alp')), 'patient-view');
    expect(cards.en[0]?.summary).toBe('Screen for concurrent AL amyloidosis: NT-proBNP, INR, urine albumin missing or older than 12 months');
    expect(cards.nb[0]?.summary).toMatch(/^Screening for samtidig AL-amyloidose: NT-proBNP, INR, .+ mangler eller er eldre enn 12 måneder$/);
    expect(cards.en[0]?.suggestions).toHaveLength(3);
    expect(cards.en[0]?.indicator).toBe('info');
  });
});
