import { snapshot } from './snapshot-factory.test-support.js';
import { assessBone, boneCriterion } from './mde-bone.js';

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
