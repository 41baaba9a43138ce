import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { cd34HarvestThreshold } from './cd34-harvest-threshold.js';
import { condition, context, daysFrom, draftProcedure, lab, labsByConcept, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';
import { apheresisRequest, fhirSnapshot, observation } from './fhir.test-support.js';
import { fixtureSnapshot } from '../support/fixture-snapshot.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const APHERESIS = 'proc:stem-cell-apheresis';
const MYELOMA = condition('cond:multiple-myeloma', { onset: '2026-08-10' });
const UNIT = '10*6/L';

function run(s: PatientSnapshot, hook: Hook): Finding[] {
  return cd34HarvestThreshold.evaluate(s, context(hook, NOW));
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

const plannedHarvest = procedure(APHERESIS, { source: 'ServiceRequest', id: 'sr', status: 'active', date: '2026-11-26' });

function pv(cd34?: number, hoursAgo = 2): PatientSnapshot {
  return snapshot({
    conditions: [MYELOMA],
    procedures: [plannedHarvest],
    labs: cd34 === undefined ? {} : labsByConcept(lab('lab:cd34', cd34, UNIT, new Date(NOW.getTime() - hoursAgo * 3600_000))),
  });
}

function sign(cd34?: number, hoursAgo = 2): PatientSnapshot {
  return { ...pv(cd34, hoursAgo), procedures: [], draftOrders: [draftProcedure(APHERESIS, { id: 'h', date: '2026-11-23' })] };
}

describe('cd34-harvest-threshold', () => {
  it('declares patient-view and order-sign', () => {
    expect(cd34HarvestThreshold.hooks).toEqual(['patient-view', 'order-sign']);
    expect(cd34HarvestThreshold.needs).toEqual(['conditions', 'observations', 'serviceRequests']);
  });

  it('patient-view during a planned harvest: CD34 15.1 → "harvest can start"; 15 and 14.9 → nothing', () => {
    expect(only(run(pv(15.1), 'patient-view'))).toMatchObject({ outcome: 'fired', variant: 'start', subject: 'patient', indicator: 'info', params: { cd34: 15.1 }, criteriaMet: ['cd34-gt-15'] });
    expect(run(pv(15), 'patient-view')).toEqual([]);
    expect(run(pv(14.9), 'patient-view')).toEqual([]);
  });

  it('order-sign: harvest ordered with CD34 14.9 or 15 → info; 15.1 → nothing', () => {
    expect(only(run(sign(14.9), 'order-sign'))).toMatchObject({ variant: 'below', subject: 'ServiceRequest/h', params: { cd34: 14.9 }, criteriaMet: ['cd34-le-15'] });
    expect(only(run(sign(15), 'order-sign')).variant).toBe('below');
    expect(run(sign(15.1), 'order-sign')).toEqual([]);
  });

  it('24 h window: a count 23 h old counts, 25 h old is missing (MD-info)', () => {
    expect(only(run(sign(10, 23), 'order-sign')).outcome).toBe('fired');
    expect(only(run(sign(10, 25), 'order-sign'))).toMatchObject({ outcome: 'not-evaluable', indicator: 'info', missing: ['lab:cd34'] });
    expect(only(run(pv(20, 25), 'patient-view'))).toMatchObject({ outcome: 'not-evaluable', subject: 'patient' });
  });

  it('MD-scope: no myeloma, no planned harvest, a harvest already past, or order-select', () => {
    expect(run({ ...pv(20), conditions: [] }, 'patient-view')).toEqual([]);
    expect(run({ ...pv(20), procedures: [] }, 'patient-view')).toEqual([]);
    const past = procedure(APHERESIS, { source: 'ServiceRequest', status: 'active', date: '2026-11-20' });
    expect(run({ ...pv(20), procedures: [past] }, 'patient-view')).toEqual([]);
    expect(run(sign(10), 'order-select')).toEqual([]);
  });

  it('a percentage CD34 (8125-7) is not the absolute count', () => {
    const s = { ...sign(), labs: labsByConcept(lab('lab:cd34-pct', 0.5, '%', daysFrom(NOW, 0))) };
    expect(only(run(s, 'order-sign')).outcome).toBe('not-evaluable');
  });

  describe('through the snapshot builder with a site code for CD34', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'cd34-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('gives the same answer for /uL, 10*6/L and 10^6/L; without the site code CD34 is missing', () => {
      // 42808-4 is UNVERIFIED in rules.md B.1, so it is not shipped; a site adds it like this.
      const site = join(dir, 'site.json');
      writeFileSync(site, JSON.stringify({ concepts: { 'lab:cd34': { codes: [{ system: 'loinc', code: '42808-4' }] } } }));
      const terminology = loadTerminology(site);
      const build = (value: number, unit: string, withSite = true): PatientSnapshot =>
        fhirSnapshot(NOW, {
          resources: {
            conditions: [{ resourceType: 'Condition', id: 'mm', subject: { reference: 'Patient/pt-1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] } }],
            observations: [observation('cd34', '42808-4', value, unit, '2026-11-22T08:00:00+01:00')],
          },
          drafts: [apheresisRequest('h', 'draft', '2026-11-22')],
          ...(withSite ? { terminology } : {}),
        });
      const answers = [build(12, '/uL'), build(12, '10*6/L'), build(12, '10^6/L')].map((s) => only(run(s, 'order-sign')));
      expect(answers.map((f) => [f.variant, f.params.cd34])).toEqual([
        ['below', 12],
        ['below', 12],
        ['below', 12],
      ]);
      expect(only(run(build(12, '/uL', false), 'order-sign')).outcome).toBe('not-evaluable');
    });
  });
});

describe('cd34-harvest-threshold cards', () => {
  it('render every outcome in both languages', () => {
    const cards = [only(run(pv(22.5), 'patient-view')), only(run(sign(9), 'order-sign')), only(run(sign(), 'order-sign'))].map((f, i) =>
      renderBoth([f], i === 0 ? 'patient-view' : 'order-sign'),
    );
    expect(cards[0]?.en[0]?.summary).toBe('Peripheral CD34+ 22.5×10⁶/L (>15): stem-cell harvest can start');
    expect(cards[0]?.nb[0]?.summary).toBe('CD34+ i blod 22,5×10⁶/L (>15): stamcellehøsting kan startes');
    expect(cards[1]?.en[0]?.summary).toContain('ordered with peripheral CD34+ 9×10⁶/L');
    expect(cards[2]?.en[0]?.source.topic?.code).toBe('cd34-harvest-threshold.not-evaluable');
  });
});

describe('cd34-harvest-threshold on the demo patients (CD34 has no shipped code, so never a count)', () => {
  it('pat-dara-apheresis: patient-view during the planned harvest -> no recent CD34 count', () => {
    expect(only(run(fixtureSnapshot('pat-dara-apheresis', NOW), 'patient-view'))).toMatchObject({ outcome: 'not-evaluable', subject: 'patient', missing: ['lab:cd34'] });
  });

  it('pat-dt-vrd-early-harvest: harvest draft on order-sign -> no recent CD34 count', () => {
    const draft = apheresisRequest('dt3-draft-apheresis', 'draft', '2026-11-26', 'pat-dt-vrd-early-harvest');
    expect(only(run(fixtureSnapshot('pat-dt-vrd-early-harvest', NOW, [draft]), 'order-sign'))).toMatchObject({ outcome: 'not-evaluable', subject: 'ServiceRequest/dt3-draft-apheresis' });
  });
});
