import type { Finding, MedicationEntry, PatientSnapshot } from '../../types.js';
import { loadTerminology } from '../../terminology/concepts.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { REFRACTORY_WINDOW_DAYS, exposures, refractory60Days } from './refractory-60-days.js';
import { renderBoth } from '../support/render.test-support.js';
import { coded, codedByConcept, condition, context, daysFrom, draftOrder, lab, labsByConcept, medication, snapshot } from '../support/snapshot-factory.test-support.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const myeloma = condition('cond:multiple-myeloma', { onset: '2025-02-20', id: 'mm' });
const LAST_LEN = '2026-06-01T09:00:00Z';

function lenCourse(): MedicationEntry[] {
  return [
    medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: '2025-03-01T09:00:00Z', id: 'len-a1' }),
    medication('lenalidomide', { source: 'MedicationAdministration', occurredAt: LAST_LEN, id: 'len-a2' }),
  ];
}
const progression = (at: Date | string) => coded('obs:myeloma-progression', ['answer:present'], at);

function snap(extra: Partial<PatientSnapshot>): PatientSnapshot {
  return snapshot({ conditions: [myeloma], ...extra });
}
const run = (s: PatientSnapshot, hook: 'patient-view' | 'order-select' = 'patient-view'): Finding[] => refractory60Days.evaluate(s, context(hook, NOW));

describe('refractory-60-days', () => {
  it('declares hooks and needs', () => {
    expect(refractory60Days.hooks).toEqual(['patient-view', 'order-select']);
    expect(refractory60Days.needs).toEqual(['conditions', 'observations', 'medicationRequests', 'medicationAdministrations']);
  });

  it.each([
    [59, 'fired', 'default'],
    [60, 'fired', 'default'],
    [61, 'fired', 'none'],
  ])('progression %p days after the last dose → %s/%s', (days, outcome, variant) => {
    expect(REFRACTORY_WINDOW_DAYS).toBe(60);
    const f = run(snap({ administrations: lenCourse(), codedObservations: codedByConcept(progression(daysFrom(LAST_LEN, days))) }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ outcome, variant, subject: 'patient' });
    if (variant === 'default') expect(f[0]?.params).toEqual({ drugs: 'Lenalidomid', exposed: '—' });
    else expect(f[0]?.params).toEqual({ exposed: 'Lenalidomid' });
  });

  it('progression before the first dose is not refractoriness', () => {
    const f = run(snap({ administrations: lenCourse(), codedObservations: codedByConcept(progression('2025-01-15')) }));
    expect(f[0]?.variant).toBe('none');
  });

  it('a current prescription means progression on therapy; PD from the series dates it', () => {
    const s = snap({
      medications: [medication('daratumumab', { date: '2026-01-10', id: 'dara' })],
      labs: labsByConcept(lab('lab:mprotein', 10, 'g/L', '2026-01-05'), lab('lab:mprotein', 16, 'g/L', '2026-10-01')),
    });
    const f = run(s);
    expect(f[0]).toMatchObject({ outcome: 'fired', params: { drugs: 'Daratumumab' } });
    expect(f[0]?.values[0]).toMatchObject({ concept: 'progression-biochemical', value: '2026-10-01' });
  });

  it('a stopped prescription without doses → unknown → not evaluable; with a refractory drug → listed', () => {
    const stopped = medication('bortezomib', { date: '2025-03-01', status: 'stopped', id: 'btz' });
    const s = snap({ medications: [stopped], codedObservations: codedByConcept(progression('2026-07-01')) });
    expect(run(s)[0]).toMatchObject({ outcome: 'not-evaluable', missing: ['drug:bortezomib'] });
    const mixed = run(snap({ medications: [stopped], administrations: lenCourse(), codedObservations: codedByConcept(progression('2026-07-01')) }));
    expect(mixed[0]).toMatchObject({ outcome: 'fired', variant: 'with-unknown', params: { drugs: 'Lenalidomid', unknown: 'Bortezomib', exposed: '—' } });
  });

  it('a finished MedicationStatement gives the last dose', () => {
    const statement = medication(
      { display: 'Pomalidomid', concepts: ['drug:pomalidomide', 'class:imid'] },
      { source: 'MedicationStatement', status: 'completed', date: '2025-06-01', occurredAt: '2026-05-01', id: 'st' },
    );
    const e = exposures(snap({ medications: [statement] }), NOW);
    expect(e).toEqual([expect.objectContaining({ drug: 'drug:pomalidomide', ongoing: false, last: new Date('2026-05-01') })]);
  });

  it('no progression documented or no myeloma → no card (MD-scope)', () => {
    expect(run(snap({ administrations: lenCourse() }))).toEqual([]);
    expect(run(snapshot({ administrations: lenCourse(), codedObservations: codedByConcept(progression('2026-07-01')) }))).toEqual([]);
  });

  it('on order-select, answers on the anti-myeloma draft in focus', () => {
    const s = snap({
      administrations: lenCourse(),
      codedObservations: codedByConcept(progression('2026-07-01')),
      draftOrders: [draftOrder('carfilzomib', { id: 'd1' }), draftOrder('daratumumab', { id: 'd2', inFocus: false })],
    });
    expect(run(s, 'order-select').map((f) => f.subject)).toEqual(['MedicationRequest/d1']);
    const { nb, en } = renderBoth(run(s, 'order-select'), 'order-select');
    expect(en[0]?.summary).toContain('Refractory to: Lenalidomid');
    expect(nb[0]?.detail).toContain('Eksponert, ikke refraktær');
  });

  it('matches drugs by ATC OID and RxNorm (FHIR via buildSnapshot)', () => {
    const admin = (id: string, coding: { system: string; code: string }, at: string) => ({
      resourceType: 'MedicationAdministration',
      id,
      status: 'completed',
      subject: { reference: 'Patient/p1' },
      effectiveDateTime: at,
      medicationCodeableConcept: { coding: [coding] },
    });
    const s = buildSnapshot(
      {
        patientId: 'p1',
        resources: {
          conditions: [{ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C90.0' }] } }],
          medicationAdministrations: [
            admin('a1', { system: 'urn:oid:2.16.578.1.12.4.1.1.7180', code: 'L04AX04' }, '2026-01-01'),
            admin('a2', { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '342369' }, '2026-06-01'),
          ],
          observations: [
            {
              resourceType: 'Observation',
              id: 'p',
              status: 'final',
              subject: { reference: 'Patient/p1' },
              code: { coding: [{ system: 'urn:heme-cds:local', code: 'myeloma-progression' }] },
              effectiveDateTime: '2026-07-31',
              valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA9633-4' }] },
            },
          ],
        },
        medications: [],
        draftOrders: [],
        unavailable: [],
      } as never,
      loadTerminology(),
      NOW,
    );
    expect(run(s)[0]).toMatchObject({ outcome: 'fired', variant: 'default', criteriaMet: ['refractory'] });
  });

  it('renders every kind of finding in both languages', () => {
    const stopped = medication('bortezomib', { date: '2025-03-01', status: 'stopped', id: 'btz' });
    const cases: [PatientSnapshot, string][] = [
      [snap({ administrations: lenCourse(), codedObservations: codedByConcept(progression('2026-07-01')) }), 'Refractory to: Lenalidomid'],
      [snap({ administrations: lenCourse(), codedObservations: codedByConcept(progression('2026-09-01')) }), 'Not refractory: exposed to Lenalidomid'],
      [snap({ medications: [stopped], codedObservations: codedByConcept(progression('2026-07-01')) }), 'Cannot evaluate refractoriness: last dose unknown for bortezomib'],
      [snap({ medications: [stopped], administrations: lenCourse(), codedObservations: codedByConcept(progression('2026-07-01')) }), 'Refractory to: Lenalidomid'],
    ];
    for (const [s, text] of cases) {
      const { nb, en } = renderBoth(run(s), 'patient-view');
      expect(en[0]?.summary).toContain(text);
      expect(nb[0]?.summary).toMatch(/efrakt/);
    }
  });
});
