import { hmasCandidacyAge } from './hmas-candidacy-age.js';
import type { Finding, Hook, PatientSnapshot } from '../../types.js';
import { NOW, condition, context, daysFrom, draftOrder, medication, procedure, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -10) });
const run = (parts: Partial<PatientSnapshot>, hook: Hook = 'patient-view'): Finding[] =>
  hmasCandidacyAge.evaluate(snapshot({ conditions: [mm], ...parts }), context(hook));

describe('hmas-candidacy-age', () => {
  it.each([
    [64, 'candidate-may-defer'],
    [65, 'candidate'],
    [69, 'candidate'],
    [70, 'not-candidate'],
    [75, 'not-candidate'],
    [76, 'not-candidate'],
  ])('age %p -> %s', (age, variant) => {
    const f = run({ ageYears: age });
    expect(f).toEqual([expect.objectContaining({ outcome: 'fired', variant, params: { age }, indicator: 'info' })]);
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toContain(`Age ${age}:`);
  });

  it('texts: <70 candidate unless contraindicated; ≥70 not a candidate', () => {
    expect(renderBoth(run({ ageYears: 69 }), 'patient-view').en[0]?.summary).toBe('Age 69: HMAS candidate (<70) unless contraindicated; induction VRd (or anti-CD38-VRd), 6 cycles');
    expect(renderBoth(run({ ageYears: 70 }), 'patient-view').nb[0]?.summary).toBe('Alder 70: ikke HMAS-kandidat (≥70 år); se behandling uten HMAS (anti-CD38-VRd 70–80 år)');
  });

  it('quiet once first-line therapy or HMAS is on record, and without active myeloma', () => {
    expect(run({ ageYears: 60, medications: [medication('lenalidomide', { status: 'completed' })] })).toEqual([]);
    expect(run({ ageYears: 60, procedures: [procedure('proc:hsct', { date: daysFrom(NOW, -300) })] })).toEqual([]);
    expect(run({ ageYears: 60, conditions: [condition('cond:smouldering-myeloma')] })).toEqual([]);
  });

  it('order-select: speaks when a first-line drug is picked for an untreated patient', () => {
    const f = run({ ageYears: 71, draftOrders: [draftOrder('bortezomib')] }, 'order-select');
    expect(f[0]).toMatchObject({ subject: 'MedicationRequest/draft-bortezomib', variant: 'not-candidate' });
    expect(run({ ageYears: 71, draftOrders: [draftOrder('valaciclovir')] }, 'order-select')).toEqual([]);
  });

  it('birth date unknown -> MD-info not-evaluable', () => {
    const f = run({});
    expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['birth-date'], indicator: 'info' });
    expect(renderBoth(f, 'patient-view').en[0]?.summary).toBe('Cannot assess HMAS candidacy: birth date missing');
  });
});
