import { snapshot } from '../support/snapshot-factory.test-support.js';
import { B_CRITERIA, assessBone, boneCriterion } from './mde-bone.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { loadTerminology } from '../../terminology/concepts.js';

describe('mde-bone (≥ 1 osteolytic lesion ≥ 5 mm on low-dose CT / X-ray)', () => {
  it.each([
    [[4.9], 'not-met'],
    [[5], 'met'],
    [[3, 12], 'met'],
    [[], 'not-met'],
  ])('lesions %j mm -> %s', (sizes, status) => {
    expect(boneCriterion({ lesionSizesMm: sizes, equivocal: false }).status).toBe(status);
  });

  it('an equivocal finding is not met and asks for a repeat in 3–6 months', () => {
    expect(boneCriterion({ lesionSizesMm: [8], equivocal: true })).toMatchObject({ status: 'not-met', notMet: ['b-equivocal-repeat'] });
  });

  it('imaging is not coded (C-4): from a snapshot B is always unknown, never inferred', () => {
    expect(assessBone(snapshot())).toMatchObject({ status: 'unknown', missing: ['obs:lowdose-ct-lesions'] });
  });
});

describe('coded low-dose CT finding (C-4), read through the snapshot builder', () => {
  const NOW_ = new Date('2026-11-22T10:00:00Z');
  const snap = (answer: { system: string; code: string }, field: 'value' | 'interpretation' = 'value') =>
    buildSnapshot(
      {
        patientId: 'p1',
        resources: {
          observations: [
            {
              resourceType: 'Observation',
              id: 'ct',
              status: 'final',
              subject: { reference: 'Patient/p1' },
              code: { coding: [{ system: 'urn:heme-cds:local', code: 'lowdose-ct-lytic-lesions' }] },
              effectiveDateTime: '2026-11-01T09:00:00+01:00',
              ...(field === 'value'
                ? { valueCodeableConcept: { coding: [answer] } }
                : { valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA9633-4' }] }, interpretation: [{ coding: [answer] }] }),
            },
          ],
        },
        medications: [],
        draftOrders: [],
        unavailable: [],
      } as never,
      loadTerminology(),
      NOW_,
    );
  const at = { now: NOW_ };
  it('Present: one or more lytic lesions ≥ 5 mm → B met', () => {
    expect(assessBone(snap({ system: 'http://loinc.org', code: 'LA9633-4' }), at).status).toBe('met');
  });
  it('Absent → B not met', () => {
    expect(assessBone(snap({ system: 'http://loinc.org', code: 'LA9634-2' }), at).status).toBe('not-met');
  });
  it('equivocal (interpretation IND) → not met, repeat in 3–6 months', () => {
    const r = assessBone(snap({ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'IND' }, 'interpretation'), at);
    expect(r).toMatchObject({ status: 'not-met', notMet: [B_CRITERIA.equivocal] });
  });
  it('a finding taken after treatment started does not classify', () => {
    const s = snap({ system: 'http://loinc.org', code: 'LA9633-4' });
    expect(assessBone(s, { now: NOW_, therapyStart: new Date('2026-10-01T00:00:00Z') }).status).toBe('unknown');
  });
});
