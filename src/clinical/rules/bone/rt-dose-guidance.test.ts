import { rtDoseGuidance } from './rt-dose-guidance.js';
import { CORD_COMPRESSION, RADIOTHERAPY } from './cord-compression-emergency.js';
import type { Finding, Hook } from '../../types.js';
import { NOW, condition, context, daysFrom, draftOrder, draftProcedure, procedure, snapshot, unavailable } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -400) });
const sp = condition('cond:solitary-plasmacytoma-bone', { onset: daysFrom(NOW, -20) });
const emp = condition('cond:extramedullary-plasmacytoma', { onset: daysFrom(NOW, -20) });
const cord = condition(CORD_COMPRESSION, { recorded: daysFrom(NOW, 0), verificationStatus: 'provisional' });
const rtDraft = draftProcedure(RADIOTHERAPY);

function run(parts: Parameters<typeof snapshot>[0], hook: Hook = 'order-select'): Finding[] {
  return rtDoseGuidance.evaluate(snapshot({ draftOrders: [rtDraft], ...parts }), context(hook));
}

describe('rt-dose-guidance', () => {
  it('solitary plasmacytoma of bone without myeloma -> curative 2 Gy×20, ×25 if > 5 cm (size not coded: both shown)', () => {
    const f = run({ conditions: [sp] });
    expect(f).toEqual([expect.objectContaining({ outcome: 'fired', variant: 'solitary-plasmacytoma', subject: rtDraft.ref })]);
    const { en, nb } = renderBoth(f, 'order-select');
    expect(en[0]?.indicator).toBe('info');
    expect(en[0]?.summary).toBe('Radiotherapy for solitary plasmacytoma (curative): 2 Gy×20; for plasmacytoma >5 cm consider 2 Gy×25');
    expect(nb[0]?.summary).toContain('2 Gy x20');
    expect(en[0]?.suggestions ?? []).toEqual([]);
    expect(en[0]?.source.url).toBe('http://cds.test/sources/003#situasjoner-hvor-stralebehandling-kirurgisk-behandling-og-kjemoterapi-vurderes');
    expect(run({ conditions: [emp] })[0]?.variant).toBe('solitary-plasmacytoma');
  });

  it('a plasmacytoma in a patient with myeloma is not treated as solitary -> the indication table', () => {
    const f = run({ conditions: [sp, mm] });
    expect(f[0]?.variant).toBe('general');
    expect(renderBoth(f, 'order-select').en[0]?.summary).toBe(
      'Radiotherapy: pain 8 Gy×1 | post-op 3 Gy×10 | threatened structures 3 Gy×10 | curative SP 2 Gy×20 (×25 if >5 cm)',
    );
  });

  it('suspected cord compression -> 3 Gy×10 within 24 h', () => {
    const f = run({ conditions: [mm, cord] });
    expect(f[0]?.variant).toBe('cord-compression');
    expect(renderBoth(f, 'order-select').en[0]?.summary).toBe('Radiotherapy for spinal cord compression: 3 Gy×10, to start within 24 hours');
  });

  it('an earlier radiotherapy course is named for the re-irradiation advice; a planned one is not', () => {
    const prior = procedure(RADIOTHERAPY, { date: daysFrom(NOW, -300) });
    const f = run({ conditions: [mm], procedures: [prior] });
    expect(f[0]).toMatchObject({ criteriaMet: ['prior-radiotherapy'] });
    expect(renderBoth(f, 'order-select').en[0]?.detail).toContain('Re-irradiation');
    const planned = procedure(RADIOTHERAPY, { source: 'ServiceRequest', date: daysFrom(NOW, 2) });
    expect(run({ conditions: [mm], procedures: [planned] })[0]?.criteriaMet).toBeUndefined();
  });

  it('silent without a radiotherapy draft in focus, outside myeloma scope, and on other hooks', () => {
    expect(run({ conditions: [mm], draftOrders: [draftOrder('bortezomib')] })).toEqual([]);
    expect(run({ conditions: [mm], draftOrders: [draftProcedure(RADIOTHERAPY, { inFocus: false })] })).toEqual([]);
    expect(run({ conditions: [] })).toEqual([]);
    expect(rtDoseGuidance.hooks).toEqual(['order-select']);
  });

  it('diagnoses unavailable -> not-evaluable info card with the whole table', () => {
    const f = run({ conditions: [], ...unavailable('conditions') });
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['domain:conditions'] });
    const { en } = renderBoth(f, 'order-select');
    expect(en[0]?.indicator).toBe('info');
    expect(en[0]?.summary).toContain('diagnoses unavailable');
  });
});
