import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';
import type { CodedObservation, Finding, LabValue } from '../../types.js';
import { MISSING_FISH, fishIssAllPatients } from './fish-iss-all-patients.js';
import { renderBoth } from '../support/render.test-support.js';
import { condition, coded, codedByConcept, context, daysFrom, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';

const DX = '2025-01-15T00:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: DX, id: 'mm' });
const b2m = (v: number, when: Date | string = DX): LabValue => lab('lab:b2m', v, 'mg/L', when);
const albumin = (v: number, when: Date | string = DX): LabValue => lab('lab:albumin', v, 'g/L', when);
const fish = (finding: string, answer: 'present' | 'absent', when: Date | string = DX): CodedObservation =>
  coded(`fish:${finding}`, [`answer:${answer}`], when);

function run(labs: LabValue[], fishObs: CodedObservation[] = [], conditions = [myeloma]): Finding[] {
  return fishIssAllPatients.evaluate(
    snapshot({ conditions, labs: labsByConcept(...labs), codedObservations: codedByConcept(...fishObs) }),
    context('patient-view'),
  );
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('fish-iss-all-patients', () => {
  it('declares its hooks and needs', () => {
    expect(fishIssAllPatients).toMatchObject({ id: 'fish-iss-all-patients', hooks: ['patient-view'], needs: ['patient', 'conditions', 'observations'] });
  });

  it('ISS computable and a FISH result on record -> no card', () => {
    expect(run([b2m(3), albumin(40)], [fish('t11-14', 'absent')])).toEqual([]);
    expect(run([b2m(6)], [fish('gain1q', 'present', daysFrom(DX, -900))])).toEqual([]);
  });

  it('FISH missing -> card naming FISH, with the FISH/TP53 order', () => {
    const f = only(run([b2m(6.1), albumin(30)]));
    expect(f).toMatchObject({ outcome: 'fired', variant: 'default', missing: [MISSING_FISH] });
    expect(f.suggestions).toEqual([{ template: 'order-fish-tp53' }]);
  });

  it('ISS not computable -> card naming the ISS labs', () => {
    const f = only(run([albumin(38)], [fish('del17p', 'absent')]));
    expect(f.missing).toEqual(['lab:b2m']);
    expect(f.suggestions).toEqual([{ template: 'order-lab', params: { concept: 'lab:b2m', loinc: '1952-1' } }]);
    expect(only(run([b2m(3)], [fish('del17p', 'absent')])).missing).toEqual(['lab:albumin']);
  });

  it('ISS labs outside ±60 days of diagnosis count as missing', () => {
    expect(run([b2m(6, daysFrom(DX, 60))], [fish('del17p', 'absent')])).toEqual([]);
    expect(only(run([b2m(6, daysFrom(DX, 61))], [fish('del17p', 'absent')])).missing).toEqual(['lab:b2m', 'lab:albumin']);
  });

  it('a FISH observation without a present/absent answer is no result', () => {
    expect(only(run([b2m(6)], [coded('fish:del17p', [], DX)])).missing).toEqual([MISSING_FISH]);
  });

  describe('relapse: FISH and TP53 if not done before', () => {
    const relapsed = condition('cond:multiple-myeloma', { onset: DX, clinicalStatus: 'relapse', id: 'mm-rel' });
    it('relapse without TP53 -> relapse card naming TP53', () => {
      const f = only(run([b2m(3), albumin(40)], [fish('del17p', 'absent')], [relapsed]));
      expect(f).toMatchObject({ variant: 'relapse', missing: ['fish:tp53-mut'] });
      expect(f.suggestions).toEqual([{ template: 'order-fish-tp53' }]);
    });
    it('relapse (recurrence) with neither FISH nor TP53 names both', () => {
      const rec = condition('cond:multiple-myeloma', { onset: DX, clinicalStatus: 'recurrence' });
      expect(only(run([b2m(6)], [], [rec])).missing).toEqual([MISSING_FISH, 'fish:tp53-mut']);
    });
    it('relapse with FISH and TP53 on record -> no card', () => {
      expect(run([b2m(3), albumin(40)], [fish('del17p', 'absent'), fish('tp53-mut', 'absent')], [relapsed])).toEqual([]);
    });
    it('TP53 is not asked for outside a relapse', () => {
      expect(run([b2m(3), albumin(40)], [fish('del17p', 'absent')])).toEqual([]);
    });
  });

  it('MD-scope: no myeloma, MGUS or smouldering only -> no card', () => {
    expect(run([])).toHaveLength(1);
    expect(run([], [], [])).toEqual([]);
    expect(run([], [], [condition('cond:mgus'), condition('cond:smouldering-myeloma')])).toEqual([]);
  });

  describe('fixtures (clock 2026-11-22)', () => {
    const now = new Date('2026-11-22T10:00:00+01:00');
    function fixture(name: string): Finding[] {
      return fishIssAllPatients.evaluate(fixtureSnapshot(name, now, [], { types: ['Condition', 'Observation'] }), context('patient-view', now));
    }
    it.each([
      ['pat-bortezomib-no-valaciclovir', [MISSING_FISH]],
      ['pat-stage-missing-b2m', ['lab:b2m', MISSING_FISH]],
      ['pat-iss-nmol', [MISSING_FISH]],
    ])('%s -> card, missing %p', (name, missing) => {
      expect(only(fixture(name))).toMatchObject({ outcome: 'fired', missing });
    });
    it.each(['pat-new-myeloma', 'pat-dara-apheresis', 'pat-wus-riss3', 'pat-mgus', 'pat-no-data'])('%s -> no card', (name) => {
      expect(fixture(name)).toEqual([]);
    });
  });

  it('renders both variants in both languages', () => {
    const d = renderBoth(run([albumin(38)]), 'patient-view');
    expect(d.en[0]?.summary).toBe('ISS and FISH are required for all myeloma patients (registry quality measure); missing β2-microglobulin, bone-marrow FISH');
    expect(d.nb[0]?.summary).toBe('ISS og FISH skal tas hos alle med myelomatose (kvalitetsmål i Kreftregisteret); mangler β2-mikroglobulin, FISH av benmarg');
    expect(d.en[0]?.suggestions?.map((s) => s.label)).toEqual(['Order FISH and TP53 mutation analysis', 'Order β2-microglobulin']);
    const rel = renderBoth(run([b2m(6)], [fish('del17p', 'absent')], [condition('cond:multiple-myeloma', { clinicalStatus: 'relapse' })]), 'patient-view');
    expect(rel.en[0]?.summary).toBe('Relapse: FISH and TP53 mutation analysis are required if not done before; missing TP53 mutation');
    expect(rel.nb[0]?.summary).toBe('Tilbakefall: FISH og TP53-mutasjonsanalyse skal tas hvis ikke tatt før; mangler TP53-mutasjon');
    expect(rel.en[0]?.indicator).toBe('info');
  });
});
