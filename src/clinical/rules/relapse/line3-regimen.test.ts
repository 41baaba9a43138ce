import type { Finding, MedicationEntry, PatientSnapshot } from '../../types.js';
import { line3Regimen as rule } from './line3-regimen.js';
import { coded, codedByConcept, condition, context, draftOrder, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const myeloma = condition('cond:multiple-myeloma', { onset: '2023-01-10', id: 'mm' });
const progression = coded('obs:myeloma-progression', ['answer:present'], '2026-11-01T08:00:00Z');
const drug = (id: string, display: string, concepts: string[], at = '2025-06-01'): MedicationEntry =>
  medication({ display, concepts }, { source: 'MedicationAdministration', occurredAt: at, id });
const ISA = drug('isa', 'Isatuksimab', ['drug:isatuximab', 'class:cd38-antibody']);
const DARA = drug('dara', 'Daratumumab', ['drug:daratumumab', 'class:cd38-antibody'], '2023-02-01');
const KFZ = drug('kfz', 'Karfilzomib', ['drug:carfilzomib', 'class:proteasome-inhibitor']);
const BELA = drug('bela', 'Belantamab', ['drug:belantamab-mafodotin', 'class:bcma-directed']);
const BTZ = drug('btz', 'Bortezomib', ['drug:bortezomib', 'class:proteasome-inhibitor']);
const POM = drug('pom', 'Pomalidomid', ['drug:pomalidomide', 'class:imid']);
const DRAFT = draftOrder({ display: 'Pomalidomid', concepts: ['drug:pomalidomide', 'class:imid'] }, { id: 'pom-draft' });

function snap(administrations: MedicationEntry[], parts: Partial<PatientSnapshot> = {}): PatientSnapshot {
  return snapshot({ conditions: [myeloma], administrations, codedObservations: codedByConcept(progression), draftOrders: [DRAFT], ...parts });
}
const run = (s: PatientSnapshot): Finding[] => rule.evaluate(s, context('order-select', NOW));
const keys = (f: Finding[]): string[] => f.map((x) => `${x.outcome}:${x.variant}`);

describe('line3-regimen', () => {
  it('runs on order-select', () => {
    expect(rule.hooks).toEqual(['order-select']);
  });

  it('Isa-Kd in the 2nd line -> BPd', () => {
    expect(keys(run(snap([ISA, KFZ])))).toEqual(['fired:after-isa-kd']);
  });

  it('BVd in the 2nd line, CD38-naive -> Isa-Pd or D-Pd (both alternatives)', () => {
    expect(keys(run(snap([BELA, BTZ])))).toEqual(['fired:after-bvd']);
  });

  it('both CD38 antibody and belantamab used -> PCd first, Pd second', () => {
    expect(keys(run(snap([DARA, BELA, BTZ])))).toEqual(['fired:pcd']);
  });

  it('carfilzomib without a CD38 antibody: prior regimen unclear -> full table', () => {
    const f = run(snap([KFZ]));
    expect(f).toEqual([expect.objectContaining({ outcome: 'not-evaluable', missing: ['prior-second-line-regimen'] })]);
    expect(renderBoth(f, 'order-select').en[0]?.detail).toContain('1st choice PCd, 2nd choice Pd');
  });

  it('quiet before the 3rd line (no 2nd-line drug), past it (pomalidomide), or without a relapse', () => {
    expect(run(snap([DARA, BTZ]))).toEqual([]);
    expect(run(snap([ISA, KFZ, POM]))).toEqual([]);
    expect(run(snap([ISA, KFZ], { codedObservations: {} }))).toEqual([]);
    expect(run(snap([ISA, KFZ], { draftOrders: [] }))).toEqual([]);
  });

  it('renders info in both languages', () => {
    const { en, nb } = renderBoth(run(snap([DARA, BELA, BTZ])), 'order-select');
    expect(en[0]?.indicator).toBe('info');
    expect(en[0]?.summary).toBe('3rd line after both CD38 antibody and belantamab: 1st choice PCd, 2nd choice Pd');
    expect(nb[0]?.summary).toBe('3. linje etter både CD38-antistoff og belantamab: 1. valg PCd, 2. valg Pd');
  });
});
