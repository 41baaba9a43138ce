import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { stemcellHarvestTiming } from './stemcell-harvest-timing.js';
import { condition, context, daysFrom, draftOrder, draftProcedure, medication, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { apheresisRequest } from './fhir.test-support.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const APHERESIS = 'proc:stem-cell-apheresis';
const START = '2026-08-27';
const MYELOMA = condition('cond:multiple-myeloma', { onset: '2026-08-10' });

function run(s: PatientSnapshot, hook: Hook = 'order-sign'): Finding[] {
  return stemcellHarvestTiming.evaluate(s, context(hook, NOW));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

/** VRd started on START, harvest planned `days` later. */
function harvestAt(days: number | undefined, drugs: ('bortezomib' | 'lenalidomide' | 'daratumumab')[] = ['bortezomib', 'lenalidomide']): PatientSnapshot {
  return snapshot({
    conditions: [MYELOMA],
    medications: drugs.map((d) => medication(d, { date: START })),
    draftOrders: [draftProcedure(APHERESIS, { id: 'h', ...(days !== undefined ? { date: daysFrom(`${START}T00:00:00Z`, days) } : {}) })],
  });
}

describe('stemcell-harvest-timing', () => {
  it('declares order hooks and needs', () => {
    expect(stemcellHarvestTiming.hooks).toEqual(['order-select', 'order-sign']);
    expect(stemcellHarvestTiming.needs).toEqual(['conditions', 'medicationRequests', 'medicationStatements']);
  });

  it('after 2 cycles: info "early", naming the cycle count', () => {
    expect(only(run(harvestAt(70)))).toMatchObject({
      outcome: 'fired',
      variant: 'early',
      subject: 'ServiceRequest/h',
      indicator: 'info',
      params: { cycles: 2, start: START },
      criteriaMet: ['fewer-than-3-cycles'],
    });
  });

  it('cycle boundaries: day 83 is 2 cycles, days 84 and 111 are 3 (no card), day 112 is 4', () => {
    expect(only(run(harvestAt(83))).params.cycles).toBe(2);
    expect(run(harvestAt(84))).toEqual([]);
    expect(run(harvestAt(111))).toEqual([]);
    expect(only(run(harvestAt(112)))).toMatchObject({ variant: 'late', params: { cycles: 4 }, criteriaMet: ['more-than-3-cycles'] });
  });

  it('late with a CD38 antibody in the induction gets its own wording', () => {
    expect(only(run(harvestAt(140, ['daratumumab', 'bortezomib'])))).toMatchObject({
      variant: 'late-cd38',
      params: { cycles: 5 },
      criteriaMet: ['more-than-3-cycles', 'cd38-antibody-in-induction'],
    });
  });

  it('no planned date: the order date is used and said so', () => {
    // 2026-08-27 to 2026-11-22 is 87 days: 3 cycles, no card; a later start gives 2.
    expect(run(harvestAt(undefined))).toEqual([]);
    const s = snapshot({ conditions: [MYELOMA], medications: [medication('lenalidomide', { date: '2026-09-10' })], draftOrders: [draftProcedure(APHERESIS)] });
    expect(only(run(s))).toMatchObject({ params: { cycles: 2 }, criteriaMet: ['fewer-than-3-cycles', 'planned-date-is-order-date'] });
  });

  it('the earliest current induction order is the start; stopped orders do not count', () => {
    const s = snapshot({
      conditions: [MYELOMA],
      medications: [
        medication('bortezomib', { date: '2026-01-01', status: 'stopped', id: 'old' }),
        medication('lenalidomide', { date: '2026-10-01' }),
        medication('bortezomib', { date: '2026-09-15', id: 'b' }),
      ],
      draftOrders: [draftProcedure(APHERESIS, { date: '2026-11-26' })],
    });
    expect(only(run(s)).params).toEqual({ cycles: 2, start: '2026-09-15' });
  });

  it('no current induction order: info not-evaluable "cycle count unknown" (MD-info)', () => {
    const s = snapshot({ conditions: [MYELOMA], draftOrders: [draftProcedure(APHERESIS, { id: 'h', date: '2026-11-26' })] });
    expect(only(run(s))).toMatchObject({ outcome: 'not-evaluable', variant: 'default', indicator: 'info', missing: ['induction-start'] });
  });

  it('MD-scope: no myeloma, no harvest draft, or not selected on order-select', () => {
    expect(run({ ...harvestAt(70), conditions: [] })).toEqual([]);
    expect(run({ ...harvestAt(70), draftOrders: [draftOrder('bortezomib')] })).toEqual([]);
    const s = { ...harvestAt(70), draftOrders: [draftProcedure(APHERESIS, { inFocus: false, date: '2026-11-05' })] };
    expect(run(s, 'order-select')).toEqual([]);
  });

  it('pat-dara-apheresis: harvest on 2026-11-26 after Dara-VRd from 2026-08-27 is after cycle 3, so no card', () => {
    const draft = apheresisRequest('dara-draft-apheresis', 'draft', '2026-11-26', 'pat-dara-apheresis');
    expect(run(fixtureSnapshot('pat-dara-apheresis', NOW, [draft]))).toEqual([]);
    const early = apheresisRequest('dara-draft-apheresis', 'draft', '2026-11-10', 'pat-dara-apheresis');
    expect(only(run(fixtureSnapshot('pat-dara-apheresis', NOW, [early])))).toMatchObject({ variant: 'early', params: { cycles: 2, start: '2026-08-27' } });
  });
});

describe('stemcell-harvest-timing cards', () => {
  it('render every outcome in both languages', () => {
    const findings = [
      only(run(harvestAt(70))),
      only(run(harvestAt(112))),
      only(run(harvestAt(140, ['daratumumab']))),
      only(run(snapshot({ conditions: [MYELOMA], draftOrders: [draftProcedure(APHERESIS)] }))),
    ];
    const cards = findings.map((f) => renderBoth([f], 'order-select'));
    expect(cards[0]?.en[0]?.summary).toBe('Stem-cell harvest is recommended after induction cycle 3 (2 cycles given); harvest for 2 infusions if tandem HMAS');
    expect(cards[1]?.nb[0]?.summary).toContain('(4 gitt)');
    expect(cards[2]?.en[0]?.summary).toContain('with a CD38 antibody');
    expect(cards[3]?.en[0]?.source.topic?.code).toBe('stemcell-harvest-timing.not-evaluable');
    for (const c of cards) expect(c.en[0]?.indicator).toBe('info');
  });
});

describe('stemcell-harvest-timing on the new demo patients', () => {
  it('pat-dt-vrd-early-harvest: harvest on 2026-11-26 after Dara-VRd from 2026-10-01 is after 2 cycles', () => {
    const draft = apheresisRequest('dt3-draft-apheresis', 'draft', '2026-11-26', 'pat-dt-vrd-early-harvest');
    expect(only(run(fixtureSnapshot('pat-dt-vrd-early-harvest', NOW, [draft])))).toMatchObject({
      variant: 'early',
      params: { cycles: 2, start: '2026-10-01' },
      criteriaMet: ['fewer-than-3-cycles', 'cd38-antibody-in-induction'],
    });
  });

  it('pat-dt-hmas-renal: no current induction order -> cycle count unknown', () => {
    const draft = apheresisRequest('dt2-draft-apheresis', 'draft', '2026-11-26', 'pat-dt-hmas-renal');
    expect(only(run(fixtureSnapshot('pat-dt-hmas-renal', NOW, [draft])))).toMatchObject({ outcome: 'not-evaluable', indicator: 'info' });
  });
});
