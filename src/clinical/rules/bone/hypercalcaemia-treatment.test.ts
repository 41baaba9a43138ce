import { hypercalcaemiaTreatment } from './hypercalcaemia-treatment.js';
import { NOW, condition, context, daysFrom, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -30) });
const D = daysFrom(NOW, -1);
const run = (labs: ReturnType<typeof lab>[], conditions = [mm]) =>
  hypercalcaemiaTreatment.evaluate(snapshot({ conditions, labs: labsByConcept(...labs) }), context('patient-view'));
const crea = (v: number, when = D) => lab('lab:creatinine', v, 'umol/L', when);

describe('hypercalcaemia-treatment', () => {
  it.each([
    [2.9, 0],
    [2.91, 1],
  ])('total Ca %p mmol/L -> %p card(s)', (ca, n) => {
    expect(run([lab('lab:calcium', ca, 'mmol/L', D), crea(100)])).toHaveLength(n);
  });

  it.each([
    [1.45, 0],
    [1.46, 1],
  ])('ionised Ca %p mmol/L -> %p card(s)', (ca, n) => {
    expect(run([lab('lab:calcium-ionized', ca, 'mmol/L', D), crea(100)])).toHaveLength(n);
  });

  it('prefers corrected Ca over total (C-30)', () => {
    expect(run([lab('lab:calcium-corrected', 2.8, 'mmol/L', D), lab('lab:calcium', 3.0, 'mmol/L', D), crea(100)])).toEqual([]);
  });

  it('creatinine 399 -> critical with zoledronic acid; 400 -> no bisphosphonate', () => {
    const ok = run([lab('lab:calcium', 3.2, 'mmol/L', D), crea(399)]);
    expect(ok[0]).toMatchObject({ outcome: 'fired', variant: 'default', suggestions: [{ template: 'create-nacl' }, { template: 'create-zoledronic-acid' }] });
    const high = run([lab('lab:calcium', 3.2, 'mmol/L', D), crea(400)]);
    expect(high[0]).toMatchObject({ variant: 'creatinine-400-or-more', suggestions: [{ template: 'create-nacl' }] });
    const { en } = renderBoth([...ok], 'patient-view');
    expect(en[0]?.indicator).toBe('critical');
    expect(en[0]?.summary).toBe('Moderate/severe hypercalcaemia (Ca 3.2 mmol/L): IV saline 4–6 L, bisphosphonate (creatinine <400), steroids, start myeloma therapy');
    expect(en[0]?.overrideReasons?.length).toBeGreaterThan(0);
    expect(en[0]?.suggestions?.[1]?.actions?.[0]?.resource).toMatchObject({ resourceType: 'MedicationRequest', medicationCodeableConcept: { coding: [{ code: 'M05BA08' }, { code: '77655' }] } });
    expect(renderBoth(high, 'patient-view').nb[0]?.summary).toContain('ikke bisfosfonat');
  });

  it('creatinine missing or older than 14 days -> not-evaluable (critical), bisphosphonate withheld, creatinine ordered', () => {
    for (const labs of [[lab('lab:calcium', 3.2, 'mmol/L', D)], [lab('lab:calcium', 3.2, 'mmol/L', D), crea(100, daysFrom(NOW, -15))]]) {
      const f = run(labs);
      expect(f[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['lab:creatinine'] });
      expect(f[0]?.suggestions).toEqual([{ template: 'create-nacl' }, { template: 'order-lab', params: { concept: 'lab:creatinine', loinc: '14682-9' } }]);
      const { en } = renderBoth(f, 'patient-view');
      expect(en[0]?.summary).toContain('creatinine needed before bisphosphonate');
      expect(en[0]?.indicator).toBe('critical');
    }
  });

  it('Ca older than 14 days, or out of scope -> no card', () => {
    expect(run([lab('lab:calcium', 3.2, 'mmol/L', daysFrom(NOW, -15)), crea(100)])).toEqual([]);
    expect(run([lab('lab:calcium', 3.2, 'mmol/L', D), crea(100)], [])).toEqual([]);
  });
});
