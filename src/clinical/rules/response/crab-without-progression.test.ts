import type { Finding, LabValue, PatientSnapshot } from '../../types.js';
import { relapseClinical } from './relapse-clinical.js';
import { refractory60Days } from './refractory-60-days.js';
import { classifyResponse, responseCategory } from './response-category.js';
import { renderBoth } from '../support/render.test-support.js';
import { condition, context, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';

// Issue 12 §1.3, seed [003] «Behandling av tilbakefall»: «spesielt anemi, hyperkalsemi og nyresvikt må
// utredes med tanke på andre årsaker». A CRAB worsening without M-protein/FLC progression is a
// possible clinical relapse to be worked up, not PD, and does not make a drug refractory.

const NOW = new Date('2026-11-22T10:00:00Z');
const BEFORE = '2026-02-25T08:00:00Z';
const START = '2026-03-01T09:00:00Z';
const RESPONSE = '2026-07-01T08:00:00Z';
const PREV = '2026-09-01T08:00:00Z';
const LAST = '2026-11-01T08:00:00Z';
const myeloma = condition('cond:multiple-myeloma', { onset: '2026-02-20', id: 'mm' });
const aki = { ...condition('cond:acute-kidney-injury', { onset: '2026-10-30', id: 'aki' }), display: 'Akutt nyreskade (N17.9)' };
const len = [
  medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: START, id: 'len-1' }),
  medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: '2026-11-15T09:00:00Z', id: 'len-2' }),
];
const serum = (v: number, at: string): LabValue => lab('lab:mprotein', v, 'g/L', at);
const creat = (v: number, at: string): LabValue => lab('lab:creatinine', v, 'umol/L', at);

/** PR (30 → 12 g/L) kept to the last value; creatinine 110 → 240 µmol/L. */
function creatinineOnly(extraConditions = [aki]): PatientSnapshot {
  return snapshot({
    conditions: [myeloma, ...extraConditions],
    administrations: len,
    labs: labsByConcept(serum(30, BEFORE), serum(12, RESPONSE), serum(12, LAST), creat(110, PREV), creat(240, LAST)),
  });
}
/** The same, with the M-protein rising ≥ 25 % and ≥ 5 g/L from the nadir: clonal progression. */
function withProgression(): PatientSnapshot {
  return snapshot({
    conditions: [myeloma],
    administrations: len,
    labs: labsByConcept(serum(30, BEFORE), serum(12, RESPONSE), serum(20, LAST), creat(110, PREV), creat(240, LAST)),
  });
}
const at = (rule: { evaluate: (s: PatientSnapshot, c: ReturnType<typeof context>) => Finding[] }, s: PatientSnapshot): Finding[] => rule.evaluate(s, context('patient-view', NOW));

describe('CRAB worsening without M-protein/FLC progression', () => {
  it('relapse-clinical: "possible clinical relapse: exclude other causes", naming the coded acute kidney injury', () => {
    const [f, ...rest] = at(relapseClinical, creatinineOnly());
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ outcome: 'fired', variant: 'possible-renal-cause', params: { cause: 'Akutt nyreskade (N17.9)' }, criteriaMet: ['renal'] });
    expect(f?.criteriaNotMet).toContain('clonal-progression');
    const { en, nb } = renderBoth([f as Finding], 'patient-view');
    expect(en[0]?.summary).toBe('Possible clinical relapse (worsening renal failure) without M-protein/FLC progression — exclude other causes (Akutt nyreskade (N17.9))');
    expect(nb[0]?.summary).toBe('Mulig klinisk tilbakefall (forverret nyresvikt) uten M-/FLC-progresjon — utred andre årsaker (Akutt nyreskade (N17.9))');
    expect(en[0]?.indicator).toBe('warning');
  });

  it('without a coded competing cause the card still asks to exclude other causes', () => {
    const [f] = at(relapseClinical, creatinineOnly([]));
    expect(f).toMatchObject({ variant: 'possible-renal' });
    expect(renderBoth([f as Finding], 'patient-view').en[0]?.summary).toBe('Possible clinical relapse (worsening renal failure) without M-protein/FLC progression — exclude other causes');
  });

  it('response-category: not PD; the response (PR) stands', () => {
    expect(classifyResponse(creatinineOnly(), NOW)?.category).toBe('PR');
  });

  it('refractory-60-days: a creatinine rise alone makes no drug refractory (no progression event)', () => {
    expect(at(refractory60Days, creatinineOnly())).toEqual([]);
  });

  it('with clonal progression the same creatinine rise is clinical relapse, and PD', () => {
    expect(at(relapseClinical, withProgression())[0]).toMatchObject({ variant: 'renal' });
    expect(classifyResponse(withProgression(), NOW)?.category).toBe('PD');
  });

  it('best response and current status are separate: after a PR, PD is the current status and PR stays the best response', () => {
    const [f] = at(responseCategory, withProgression());
    expect(f).toMatchObject({ variant: 'PD-after-response', params: { category: 'PD', best: 'PR' } });
    const { en, nb } = renderBoth([f as Finding], 'patient-view');
    expect(en[0]?.summary).toBe('Current status: PD (progressive disease); best response before progression: PR — see progression/relapse');
    expect(nb[0]?.summary).toBe('Nåværende status: PD (progressiv sykdom); beste respons før progresjon: PR — se progresjon/tilbakefall');
    expect(en[0]?.summary).not.toMatch(/^Best response: PD/);
  });
});
