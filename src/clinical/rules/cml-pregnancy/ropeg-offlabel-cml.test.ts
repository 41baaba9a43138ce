import type { Finding, PatientSnapshot } from '../../types.js';
import { ropegOfflabelCml } from './ropeg-offlabel-cml.js';
import { condition, context, draftOrder, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const ROPEG = { display: 'Ropeginterferon alfa-2b', concepts: ['drug:ropeginterferon-alfa-2b', 'class:alpha-interferon'] };
const cml = condition('cond:cml', { id: 'cml' });

function run(s: PatientSnapshot): Finding[] {
  return ropegOfflabelCml.evaluate(s, context('order-select'));
}

describe('ropeg-offlabel-cml', () => {
  it('runs on order-select only', () => {
    expect(ropegOfflabelCml.hooks).toEqual(['order-select']);
  });

  it('ropeginterferon selected for a CML patient -> info context card', () => {
    const [f, ...rest] = run(snapshot({ conditions: [cml], draftOrders: [draftOrder(ROPEG, { id: 'r' })] }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ outcome: 'fired', subject: 'MedicationRequest/r', criteriaMet: ['ropeg-ordered', 'cml'] });
    expect(f?.values[1]).toMatchObject({ concept: 'diagnosis', source: { id: 'cml' } });
  });

  it('no CML Condition (e.g. PV, the approved use), or a draft not in focus -> no card', () => {
    expect(run(snapshot({ draftOrders: [draftOrder(ROPEG)] }))).toEqual([]);
    expect(run(snapshot({ conditions: [cml], draftOrders: [draftOrder(ROPEG, { inFocus: false })] }))).toEqual([]);
    expect(run(snapshot({ conditions: [cml], draftOrders: [draftOrder('lenalidomide')] }))).toEqual([]);
  });

  it('conditions unavailable -> not-evaluable info naming the domain', () => {
    const [f] = run(snapshot({ unavailable: ['conditions'], draftOrders: [draftOrder(ROPEG)] }));
    expect(f).toMatchObject({ outcome: 'not-evaluable', missing: ['domain:conditions'] });
  });

  it('renders both outcomes in both languages; the summary names no recommended dose', () => {
    const fired = renderBoth(run(snapshot({ conditions: [cml], draftOrders: [draftOrder(ROPEG)] })), 'order-select');
    expect(fired.en[0]?.indicator).toBe('info');
    expect(fired.en[0]?.summary).toMatch(/^Ropeginterferon alfa-2b for CML is off-label: no established dose/);
    expect(fired.nb[0]?.summary).toMatch(/ved KML er off-label/);
    const ne = renderBoth(run(snapshot({ unavailable: ['conditions'], draftOrders: [draftOrder(ROPEG)] })), 'order-select');
    expect(ne.en[0]?.source.topic?.code).toBe('ropeg-offlabel-cml.not-evaluable');
  });
});
