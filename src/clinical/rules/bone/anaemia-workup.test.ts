import { anaemiaWorkup, WORKUP } from './anaemia-workup.js';
import type { LabValue } from '../../types.js';
import { NOW, condition, context, daysFrom, lab, labsByConcept, snapshot } from '../support/snapshot-factory.test-support.js';
import { renderBoth } from '../support/render.test-support.js';

const mm = condition('cond:multiple-myeloma', { onset: daysFrom(NOW, -100) });
const D = daysFrom(NOW, -3);
const hb = (value: number, low: number | null = 13.4, when: Date = D): LabValue => ({
  ...lab('lab:hb', value, 'g/dL', when),
  ...(low !== null ? { referenceRange: { low } } : {}),
});
const fullWorkup = (when: Date = D): LabValue[] => [
  lab('lab:reticulocytes-pct', 1.2, '%', when),
  lab('lab:mcv', 92, 'fL', when),
  lab('lab:ferritin', 240, 'ug/L', when),
  lab('lab:transferrin-saturation', 24, '%', when),
  lab('lab:vitamin-b12', 420, 'pg/mL', when),
  lab('lab:folate', 8, 'ng/mL', when),
];
const run = (labs: LabValue[], conditions = [mm]) =>
  anaemiaWorkup.evaluate(snapshot({ conditions, labs: labsByConcept(...labs) }), context('patient-view'));

describe('anaemia-workup', () => {
  it('Hb below the reported lower limit (13.3 < 13.4) -> reminder listing the whole work-up; at the limit -> none', () => {
    const f = run([hb(13.3)]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ outcome: 'fired', variant: 'default', missing: WORKUP.map((w) => w.item) });
    expect(f[0]?.suggestions).toHaveLength(6);
    expect(run([hb(13.4)])).toEqual([]);
    const { en, nb } = renderBoth(f, 'patient-view');
    expect(en[0]?.indicator).toBe('info');
    expect(en[0]?.summary).toContain('Anaemia (Hb 13.3 g/dL): exclude other causes — missing reticulocytes, MCV, ferritin, iron/TSAT/TIBC');
    expect(nb[0]?.summary).toContain('Anemi (Hb 13,3 g/dL)');
    expect(en[0]?.source.url).toBe('http://cds.test/sources/003#anemibehandling');
  });

  it('without a reference range the seed limit 10 g/dL applies: 9.9 -> reminder, 10 -> none', () => {
    expect(run([hb(9.9, null)])[0]?.variant).toBe('no-reference-range');
    expect(run([hb(10, null)])).toEqual([]);
  });

  it('only the missing items are listed; any of iron, TSAT or TIBC meets the iron item', () => {
    const labs = fullWorkup().filter((v) => v.concept !== 'lab:folate' && v.concept !== 'lab:transferrin-saturation');
    expect(run([hb(11), ...labs, lab('lab:tibc', 300, 'ug/dL', D)])[0]?.missing).toEqual(['lab:folate']);
    expect(run([hb(11), ...labs])[0]?.missing).toEqual(['lab:iron', 'lab:folate']);
    expect(run([hb(11), ...fullWorkup().filter((v) => v.concept !== 'lab:reticulocytes-pct'), lab('lab:reticulocytes-abs', 60, '10*9/L', D)])).toEqual([]);
  });

  it('quiet when the minimum work-up is on record within 90 days; a test from day 91 is missing again', () => {
    expect(run([hb(9), ...fullWorkup(daysFrom(NOW, -90))])).toEqual([]);
    expect(run([hb(9), ...fullWorkup(daysFrom(NOW, -91))])[0]?.missing).toHaveLength(6);
  });

  it('Hb older than 90 days, no Hb, or outside myeloma scope -> no card', () => {
    expect(run([hb(9, 13.4, daysFrom(NOW, -91))])).toEqual([]);
    expect(run([hb(9, 13.4, daysFrom(NOW, -90))])).toHaveLength(1);
    expect(run([])).toEqual([]);
    expect(run([hb(9)], [])).toEqual([]);
  });
});
