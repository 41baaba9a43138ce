import type { Rule } from '../types.js';
import { classificationRules } from './classification/index.js';
import { workupRules } from './workup/index.js';
import { followupRules } from './followup/index.js';
import { stagingRules } from './staging/index.js';
import { responseRules } from './response/index.js';
import { firstLineRules } from './first-line/index.js';
import { relapseRules } from './relapse/index.js';
import { carTRules } from './car-t/index.js';
import { prophylaxisRules } from './prophylaxis/index.js';
import { boneRules } from './bone/index.js';
import { vaccinationRules } from './vaccination/index.js';
import { cmlPregnancyRules } from './cml-pregnancy/index.js';

// Every rule the service runs, area by area in catalogue order (A.1 ... A.13). This order is the
// evaluation order, which keeps findings (and cards within an indicator) deterministic.
export const allRules: Rule[] = [
  ...classificationRules,
  ...workupRules,
  ...followupRules,
  ...stagingRules,
  ...responseRules,
  ...firstLineRules,
  ...relapseRules,
  ...carTRules,
  ...prophylaxisRules,
  ...boneRules,
  ...vaccinationRules,
  ...cmlPregnancyRules,
];

export const ruleById: ReadonlyMap<string, Rule> = new Map(allRules.map((r) => [r.id, r]));
