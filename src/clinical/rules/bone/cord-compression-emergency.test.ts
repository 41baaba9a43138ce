import { cordCompressionEmergency, CORD_COMPRESSION, RADIOTHERAPY, SPINE_MRI } from './cord-compression-emergency.js';
import type { Finding, Hook } from '../../types.js';
import {
  NOW,
  condition,
  context,
  daysFrom,
  draftOrder,
  draftProcedure,
  medication,
  procedure,
  snapshot,
  unavailable,
} from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -200) });
const hoursAgo = (h: number): Date => new Date(NOW.getTime() - h * 3_600_000);
const scc = (opts: Parameters<typeof condition>[1] = { recorded: hoursAgo(2), verificationStatus: 'provisional' }) =>
  condition(CORD_COMPRESSION, opts);
const dex = { display: 'Deksametason', concepts: ['drug:dexamethasone'] };
const dexGiven = (at: Date) => medication(dex, { source: 'MedicationAdministration', occurredAt: at, id: 'dex-adm' });
const mriOrdered = (at: Date) => procedure(SPINE_MRI, { source: 'ServiceRequest', date: at });
const rtOrdered = (at: Date) => procedure(RADIOTHERAPY, { source: 'ServiceRequest', date: at });

function run(parts: Parameters<typeof snapshot>[0], hook: Hook = 'patient-view'): Finding[] {
  return cordCompressionEmergency.evaluate(snapshot(parts), context(hook));
}

describe('cord-compression-emergency', () => {
  it('provisional suspicion with no step on record -> one critical card with all three steps suggested', () => {
    const f = run({ conditions: [mm, scc()] });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      outcome: 'fired',
      variant: 'default',
      criteriaMet: [],
      criteriaNotMet: ['dexamethasone-started', 'spine-mri-ordered', 'radiotherapy-ordered'],
      suggestions: [{ template: 'create-dexamethasone' }, { template: 'create-spine-mri' }, { template: 'refer-radiotherapy' }],
    });
    const { en, nb } = renderBoth(f, 'patient-view');
    expect(en[0]?.indicator).toBe('critical');
    expect(en[0]?.summary).toBe('Suspected spinal cord compression: dexamethasone 40 mg now, urgent spine MRI, radiotherapy 3 Gy×10 within 24 h');
    expect(nb[0]?.summary).toBe('Mistanke om truende tverrsnittslesjon: deksametason 40 mg straks, MR columna ø.hj., strålebehandling 3 Gy x10 innen 24 t');
    expect(en[0]?.source.url).toBe('http://cds.test/sources/003#truende-tverrsnittslesjon');
    expect(en[0]?.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({
      resourceType: 'MedicationRequest',
      dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 40, unit: 'mg' } }] }],
    });
  });

  it('radiotherapy window: 23 h after the suspicion -> default; 24 h -> overdue variant stating the hours', () => {
    expect(run({ conditions: [mm, scc({ recorded: hoursAgo(23) })] })[0]?.variant).toBe('default');
    const late = run({ conditions: [mm, scc({ recorded: hoursAgo(24) })] });
    expect(late[0]).toMatchObject({ variant: 'radiotherapy-overdue', params: { hours: 24 } });
    const { en, nb } = renderBoth(late, 'patient-view');
    expect(en[0]?.summary).toContain('24 h ago, no radiotherapy on record');
    expect(nb[0]?.summary).toContain('24 t siden');
  });

  it('the suspicion date is the earliest of onset and recorded date', () => {
    const f = run({ conditions: [mm, scc({ onset: hoursAgo(30), recorded: hoursAgo(2) })] });
    expect(f[0]).toMatchObject({ variant: 'radiotherapy-overdue', params: { hours: 30 } });
  });

  it('all three steps on record after the suspicion -> silent; any one missing -> card naming it', () => {
    const steps = { medications: [], administrations: [dexGiven(hoursAgo(1))], procedures: [mriOrdered(hoursAgo(1)), rtOrdered(hoursAgo(1))] };
    expect(run({ conditions: [mm, scc()], ...steps })).toEqual([]);
    const noRt = run({ conditions: [mm, scc()], ...steps, procedures: [mriOrdered(hoursAgo(1))] });
    expect(noRt[0]).toMatchObject({ criteriaMet: ['dexamethasone-started', 'spine-mri-ordered'], criteriaNotMet: ['radiotherapy-ordered'], suggestions: [{ template: 'refer-radiotherapy' }] });
  });

  it('grace of one day before the suspicion: dexamethasone 25 h before -> not counted; 23 h before -> counted', () => {
    const at = (h: number) => run({ conditions: [mm, scc()], administrations: [dexGiven(hoursAgo(2 + h))] })[0]?.criteriaMet;
    expect(at(25)).toEqual([]);
    expect(at(23)).toEqual(['dexamethasone-started']);
  });

  it('a dexamethasone order, or a revoked request that is not a step', () => {
    const ordered = medication(dex, { date: hoursAgo(1), status: 'active' });
    expect(run({ conditions: [mm, scc()], medications: [ordered] })[0]?.criteriaMet).toEqual(['dexamethasone-started']);
    const revokedRt = procedure(RADIOTHERAPY, { source: 'ServiceRequest', status: 'revoked', date: hoursAgo(1) });
    expect(run({ conditions: [mm, scc()], procedures: [revokedRt] })[0]?.criteriaNotMet).toContain('radiotherapy-ordered');
  });

  it('order-select: speaks when a step is picked, counting the draft; silent for unrelated drafts', () => {
    const mriDraft = draftProcedure(SPINE_MRI);
    const f = run({ conditions: [mm, scc()], draftOrders: [mriDraft] }, 'order-select');
    expect(f[0]).toMatchObject({ criteriaMet: ['spine-mri-ordered'], criteriaNotMet: ['dexamethasone-started', 'radiotherapy-ordered'] });
    expect(renderBoth(f, 'order-select').en[0]?.indicator).toBe('critical');
    expect(run({ conditions: [mm, scc()], draftOrders: [draftOrder('bortezomib')] }, 'order-select')).toEqual([]);
    const dexDraft = draftOrder(dex, { dose: { value: 40, unit: 'mg' } });
    expect(run({ conditions: [mm, scc()], draftOrders: [dexDraft] }, 'order-select')[0]?.criteriaMet).toEqual(['dexamethasone-started']);
  });

  it('silent without a current suspicion or outside myeloma scope', () => {
    expect(run({ conditions: [mm] })).toEqual([]);
    expect(run({ conditions: [scc()] })).toEqual([]);
    expect(run({ conditions: [mm, scc({ recorded: hoursAgo(2), verificationStatus: 'refuted' })] })).toEqual([]);
    expect(run({ conditions: [mm, scc({ recorded: hoursAgo(2), clinicalStatus: 'resolved' })] })).toEqual([]);
  });

  it('an undated suspicion: any step on record counts, and no overdue claim is made', () => {
    const f = run({ conditions: [mm, scc({})], administrations: [dexGiven(daysFrom(NOW, -300))] });
    expect(f[0]).toMatchObject({ variant: 'default', criteriaMet: ['dexamethasone-started'] });
  });

  it('a step domain unavailable -> still critical, as not-evaluable naming the domain', () => {
    const f = run({ conditions: [mm, scc()], ...unavailable('procedures') });
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['domain:procedures'] });
    const { en } = renderBoth(f, 'patient-view');
    expect(en[0]?.indicator).toBe('critical');
    expect(en[0]?.detail).toContain('were not checked');
    expect(run({ conditions: [mm, scc()], ...unavailable('conditions') })).toEqual([]);
  });
});
