import { readFileSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import { fromRoot } from '../../../paths.js';
import { buildSnapshot } from '../../snapshot/build.js';
import type { SnapshotInput } from '../../snapshot/input.js';
import { loadTerminology } from '../../terminology/concepts.js';
import type { CodedObservation, ConditionEntry, Finding, LabValue, PatientSnapshot, ProcedureEntry } from '../../types.js';
import { addMonths } from '../support/calendar.js';
import { C, DUE, alternatingDue, followupSmmPlasmacytoma, imagingDue } from './followup-smm-plasmacytoma.js';
import { renderBoth } from '../support/render.test-support.js';
import { fixtureSnapshot as loadFixture } from '../support/fixture-snapshot.test-support.js';
import { coded, codedByConcept, condition, context, daysFrom, lab, labsByConcept, procedure, snapshot } from '../support/snapshot-factory.test-support.js';

// These rules read conditions, observations and procedures only.
const fixtureSnapshot = (name: string, now: Date, drafts: unknown[] = []): PatientSnapshot =>
  loadFixture(name, now, drafts, { types: ['Condition', 'Observation', 'Procedure'] });

const NOW = new Date('2025-06-01T10:00:00Z');
const DX = new Date('2024-01-10T00:00:00Z');
const smm = condition('cond:smouldering-myeloma', { onset: DX, id: 'smm' });
const noLesion = (when: Date = DX): CodedObservation => coded('obs:wb-mri-lesions', ['answer:absent'], when);
const lesion = (when: Date = DX): CodedObservation => coded('obs:wb-mri-lesions', ['answer:present'], when);
/** The eight standard follow-up tests, all taken on `when`. */
const allLabs = (when: Date): LabValue[] => [
  lab('lab:hb', 12, 'g/dL', when),
  lab('lab:creatinine', 80, 'umol/L', when),
  lab('lab:calcium', 2.4, 'mmol/L', when),
  lab('lab:ntprobnp', 100, 'pg/mL', when),
  lab('lab:alp', 80, 'U/L', when),
  lab('lab:mprotein', 20, 'g/L', when),
  lab('lab:flc-kappa', 40, 'mg/L', when),
  lab('lab:urine-acr', 10, 'mg/g', when),
];
const recent = allLabs(daysFrom(NOW, -10));
const mriAt = (when: Date): ProcedureEntry => procedure('proc:wb-mri', { date: when, id: `mri-${when.getTime()}` });

interface Case {
  conditions?: ConditionEntry[];
  labs?: LabValue[];
  obs?: CodedObservation[];
  procedures?: ProcedureEntry[];
  now?: Date;
}
function run(c: Case): Finding[] {
  const now = c.now ?? NOW;
  return followupSmmPlasmacytoma.evaluate(
    snapshot({
      conditions: c.conditions ?? [smm],
      labs: labsByConcept(...(c.labs ?? recent)),
      codedObservations: codedByConcept(...(c.obs ?? [])),
      procedures: c.procedures ?? [],
    }),
    context('patient-view', now),
  );
}
function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('followup-smm-plasmacytoma', () => {
  it('declares its hooks and needs', () => {
    expect(followupSmmPlasmacytoma).toMatchObject({ hooks: ['patient-view'], needs: ['conditions', 'observations', 'procedures', 'serviceRequests'] });
  });

  describe('MD-scope', () => {
    it('no SMM or plasmacytoma; untreated plasmacytoma; progressed to myeloma -> no card', () => {
      expect(run({ conditions: [condition('cond:mgus')] })).toEqual([]);
      expect(run({ conditions: [condition('cond:solitary-plasmacytoma-bone', { onset: DX })] })).toEqual([]);
      expect(run({ conditions: [smm, condition('cond:multiple-myeloma')] })).toEqual([]);
    });
  });

  it('SMM without a coded whole-body MRI -> not-evaluable (imaging interval), WB-MRI offered', () => {
    const f = only(run({}));
    expect(f).toMatchObject({ outcome: 'not-evaluable', missing: ['obs:wb-mri-lesions'], criteriaMet: [C.labsUpToDate] });
    expect(f.suggestions).toEqual([{ template: 'order-wb-mri' }]);
  });

  it('SMM without a diagnosis date -> not-evaluable naming it', () => {
    expect(only(run({ conditions: [condition('cond:smouldering-myeloma')] })).missing).toEqual(['diagnosis-date']);
  });

  describe('labs every 3 months (boundaries)', () => {
    const base: Case = { obs: [noLesion()], procedures: [mriAt(daysFrom(NOW, -30))] };
    it('all eight taken exactly 3 months ago -> nothing due', () => {
      expect(run({ ...base, labs: allLabs(addMonths(NOW, -3)) })).toEqual([]);
    });
    it('3 months + 1 day ago -> labs due, with the eight orders', () => {
      const f = only(run({ ...base, labs: allLabs(daysFrom(addMonths(NOW, -3), -1)) }));
      expect(f).toMatchObject({ variant: 'smm-no-lesion', missing: [DUE.labs] });
      expect(f.suggestions).toHaveLength(9);
    });
    it('an active order of a test counts as taken', () => {
      const old = allLabs(daysFrom(NOW, -200)).filter((v) => v.concept !== 'lab:hb');
      const labsRecent = recent.filter((v) => v.concept !== 'lab:hb');
      expect(run({ ...base, labs: [...old, ...labsRecent], procedures: [...base.procedures!, procedure('lab:hb', { source: 'ServiceRequest' })] })).toEqual([]);
    });
    it('not due before 3 months after the start', () => {
      const start = daysFrom(NOW, -80);
      expect(run({ conditions: [condition('cond:smouldering-myeloma', { onset: start })], labs: [], obs: [noLesion(start)] })).toEqual([]);
    });
  });

  describe('SMM without MRI lesions: yearly WB-MRI', () => {
    it.each([
      [addMonths(NOW, -12), false],
      [daysFrom(addMonths(NOW, -12), -1), true],
    ])('last WB-MRI %p -> due: %p', (last, dueNow) => {
      const r = run({ obs: [noLesion()], procedures: [mriAt(last)] });
      if (dueNow) expect(only(r)).toMatchObject({ variant: 'smm-no-lesion', missing: [DUE.mri], suggestions: [{ template: 'order-wb-mri' }] });
      else expect(r).toEqual([]);
    });
    it('first MRI due one year after the diagnosis', () => {
      expect(imagingDue(undefined, DX, addMonths(DX, 12), 12)).toBe(true);
      expect(imagingDue(undefined, DX, daysFrom(addMonths(DX, 12), -1), 12)).toBe(false);
    });
  });

  describe('SMM after 5 years', () => {
    const dx = new Date('2019-05-01T00:00:00Z');
    const old = condition('cond:smouldering-myeloma', { onset: dx });
    const m = (v: number, when: Date): LabValue => lab('lab:mprotein', v, 'g/L', when);
    const k = (v: number, when: Date): LabValue => lab('lab:flc-kappa', v, 'mg/L', when);
    const others = recent.filter((v) => v.concept !== 'lab:mprotein' && v.concept !== 'lab:flc-kappa');
    const c = (labs: LabValue[]): Case => ({ conditions: [old], obs: [noLesion(dx)], labs: [...others, ...labs], procedures: [mriAt(daysFrom(NOW, -400))] });
    it.each([
      [4.9, 'smm-may-stop'],
      [5, 'smm-resume-mri'],
    ])('M-protein up %p g/L -> %s', (rise, variant) => {
      const f = only(run(c([m(20, dx), m(20 + rise, daysFrom(NOW, -10)), k(40, dx), k(40, daysFrom(NOW, -10))])));
      expect(f.variant).toBe(variant);
    });
    it.each([
      [100, 'smm-may-stop'],
      [100.1, 'smm-resume-mri'],
    ])('involved FLC up %p mg/L -> %s', (rise, variant) => {
      const f = only(run(c([m(20, dx), m(20, daysFrom(NOW, -10)), k(40, dx), k(40 + rise, daysFrom(NOW, -10))])));
      expect(f.variant).toBe(variant);
      if (variant === 'smm-resume-mri') expect(f.criteriaMet).toContain(C.riseFlc);
    });
    it('no baseline -> rise not computable, yearly MRI continues', () => {
      const f = only(run(c([m(20, daysFrom(NOW, -10)), k(40, daysFrom(NOW, -10))])));
      expect(f).toMatchObject({ variant: 'smm-no-lesion', missing: [DUE.mri] });
      expect(f.criteriaNotMet).toContain(C.riseUnknown);
    });
  });

  describe('SMM with one MRI lesion: alternating MRI and CT every 6 months', () => {
    it('alternatingDue', () => {
      const start = new Date('2020-01-01T00:00:00Z');
      expect(alternatingDue(addMonths(NOW, -6), undefined, start, NOW)).toBeUndefined();
      expect(alternatingDue(daysFrom(addMonths(NOW, -6), -1), undefined, start, NOW)).toBe(DUE.ct);
      expect(alternatingDue(daysFrom(NOW, -400), daysFrom(NOW, -200), start, NOW)).toBe(DUE.mri);
      expect(alternatingDue(undefined, undefined, start, NOW)).toBe(DUE.mri);
    });
    it('last MRI 6 months + 1 day ago -> skeletal CT due', () => {
      const f = only(run({ obs: [lesion()], procedures: [mriAt(daysFrom(addMonths(NOW, -6), -1))] }));
      expect(f).toMatchObject({ variant: 'smm-one-lesion', missing: [DUE.ct], suggestions: [{ template: 'order-lowdose-ct' }] });
    });
    it('last MRI exactly 6 months ago -> nothing due', () => {
      expect(run({ obs: [lesion()], procedures: [mriAt(addMonths(NOW, -6))] })).toEqual([]);
    });
  });

  describe('treated plasmacytoma', () => {
    const treated = (when: Date): ProcedureEntry => procedure('proc:plasmacytoma-treatment', { date: when, id: 'rt' });
    const emp = condition('cond:extramedullary-plasmacytoma', { onset: DX, clinicalStatus: 'remission' });
    const bone = condition('cond:solitary-plasmacytoma-bone', { onset: DX });
    it.each([
      [addMonths(NOW, -12), false],
      [daysFrom(addMonths(NOW, -12), -1), true],
    ])('extramedullary (in remission): last FDG-PET/CT %p -> due: %p', (last, dueNow) => {
      const r = run({ conditions: [emp], procedures: [treated(DX), procedure('proc:fdg-pet-ct', { date: last })] });
      if (dueNow) expect(only(r)).toMatchObject({ variant: 'sp-extramedullary', missing: [DUE.petCt], suggestions: [{ template: 'order-pet-ct' }] });
      else expect(r).toEqual([]);
    });
    it('bone: WB-MRI yearly; no MRI since treatment a year ago -> due', () => {
      expect(only(run({ conditions: [bone], procedures: [treated(addMonths(NOW, -13))] }))).toMatchObject({ variant: 'sp-bone', missing: [DUE.mri] });
    });
    it.each([
      [addMonths(NOW, -60), true],
      [daysFrom(addMonths(NOW, -60), -1), false],
    ])('5 years: treatment %p -> imaging still due: %p', (when, stillDue) => {
      const r = run({ conditions: [bone], procedures: [treated(when)] });
      if (stillDue) expect(only(r).missing).toEqual([DUE.mri]);
      else expect(r).toEqual([]);
    });
    it('a not-done treatment does not start the follow-up', () => {
      expect(run({ conditions: [bone], procedures: [procedure('proc:plasmacytoma-treatment', { date: DX, status: 'not-done' })] })).toEqual([]);
    });
  });

  it.each([
    // With the coded whole-body MRI of June 2026 the interval is known: the 3-monthly labs are due.
    ['with the coded WB-MRI', true, { outcome: 'fired', missing: [DUE.labs] }],
    // Without it the imaging interval cannot be determined.
    ['without a coded WB-MRI', false, { outcome: 'not-evaluable', missing: ['obs:wb-mri-lesions'] }],
  ])('fixture pat-smouldering (clock 2026-11-22) %s', (_name, withMri, expected) => {
    const bundle = JSON.parse(readFileSync(fromRoot('fixtures', 'pat-smouldering.json'), 'utf8')) as { entry: { resource: Resource }[] };
    const all = bundle.entry.map((e) => e.resource).filter((r) => withMri || r.id !== 'smm-obs-wb-mri');
    const input: SnapshotInput = {
      patientId: 'pat-smouldering',
      resources: { conditions: all.filter((r) => r.resourceType === 'Condition'), observations: all.filter((r) => r.resourceType === 'Observation') },
      medications: [],
      draftOrders: [],
      unavailable: [],
    };
    const now = new Date('2026-11-22T10:00:00+01:00');
    const f = only(followupSmmPlasmacytoma.evaluate(buildSnapshot(input, loadTerminology(), now), context('patient-view', now)));
    expect(f).toMatchObject(expected);
  });

  it('renders every kind of finding in both languages', () => {
    const treated = procedure('proc:plasmacytoma-treatment', { date: addMonths(NOW, -13), id: 'rt' });
    const dx = new Date('2019-05-01T00:00:00Z');
    const stable = [
      ...recent.filter((v) => v.concept !== 'lab:mprotein'),
      lab('lab:mprotein', 20, 'g/L', dx),
      lab('lab:mprotein', 21, 'g/L', daysFrom(NOW, -10)),
    ];
    const rising = [...stable.slice(0, -1), lab('lab:mprotein', 30, 'g/L', daysFrom(NOW, -10))];
    const old = condition('cond:smouldering-myeloma', { onset: dx });
    const cases: [Finding[], string][] = [
      [run({}), 'Follow-up: imaging interval not determinable — missing whole-body MRI (focal lesions)'],
      [run({ conditions: [condition('cond:extramedullary-plasmacytoma')], procedures: [treated] }), 'Extramedullary plasmacytoma (FDG-PET/CT yearly for 5 years, labs 3-monthly): due FDG-PET/CT'],
      [run({ conditions: [condition('cond:solitary-plasmacytoma-bone')], procedures: [treated], labs: [] }), 'Solitary bone plasmacytoma (WB-MRI yearly for 5 years, labs 3-monthly): due blood and urine tests, whole-body MRI'],
      [run({ obs: [lesion()] }), 'Smouldering myeloma, one MRI lesion (MRI/CT alternating q6m, labs 3-monthly): due whole-body MRI'],
      [run({ obs: [noLesion()] }), 'Smouldering myeloma, no MRI lesions (WB-MRI yearly, labs 3-monthly): due whole-body MRI'],
      [run({ conditions: [old], obs: [noLesion(dx)], labs: rising }), 'Smouldering myeloma: M-protein/involved light chain rising — resume whole-body MRI; due whole-body MRI'],
      [run({ conditions: [old], obs: [noLesion(dx)], labs: stable }), 'Smouldering myeloma stable for over 5 years: MRI follow-up may stop and the patient be followed as MGUS'],
    ];
    for (const [findings, summary] of cases) {
      const cards = renderBoth(findings, 'patient-view');
      expect(cards.en[0]?.summary).toBe(summary);
      expect(cards.nb[0]?.summary).toMatch(/^(Oppfølging|Ekstramedullært|Solitært|Ulmende)/);
    }
  });

  describe('fixtures (clock 2026-11-22)', () => {
    const now = new Date('2026-11-22T10:00:00+01:00');
    const pv = (name: string): Finding[] => followupSmmPlasmacytoma.evaluate(fixtureSnapshot(name, now), context('patient-view', now));
    it('pat-wu-plasmacytoma -> bone plasmacytoma follow-up, WB-MRI due (last 2025-10-15)', () => {
      expect(only(pv('pat-wu-plasmacytoma'))).toMatchObject({ outcome: 'fired', variant: 'sp-bone', missing: [DUE.mri] });
    });
    it.each(['pat-mgus', 'pat-new-myeloma', 'pat-wu-lowrisk-mgus'])('%s -> no card', (name) => {
      expect(pv(name)).toEqual([]);
    });
  });
});
