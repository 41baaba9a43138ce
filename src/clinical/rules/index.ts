import type { Rule } from '../types.js';
import { stageIss } from './stage-iss.js';
import { vzvProphylaxis } from './vzv-prophylaxis.js';
import { classificationRules } from './classification.rules.js';
import { workupStagingRules } from './workup-staging.rules.js';
import { responseRules } from './response.rules.js';
import { boneVaccineFollowupRules } from './bone-vaccine-followup.rules.js';
import { doseTimingRules } from './dose-timing.rules.js';
import { regimenSafetyRules } from './regimen-safety.rules.js';
import { prophylaxisRules } from './prophylaxis.rules.js';
import { cmlPregnancyRules } from './cml-pregnancy.rules.js';

// Every rule the service runs. Each clinical area lists its rules in its own `*.rules.ts`, in
// catalogue order; this order is the evaluation order, which keeps findings (and cards within an
// indicator) deterministic.
export const allRules: Rule[] = [
  ...classificationRules,
  ...workupStagingRules,
  stageIss,
  ...responseRules,
  ...boneVaccineFollowupRules,
  ...doseTimingRules,
  ...regimenSafetyRules,
  vzvProphylaxis,
  ...prophylaxisRules,
  ...cmlPregnancyRules,
];

export const ruleById: ReadonlyMap<string, Rule> = new Map(allRules.map((r) => [r.id, r]));
