import type { Rule } from '../../types.js';
import { stageIss } from './stage-iss.js';
import { stageRiss } from './stage-riss.js';
import { riskImsImwg2024 } from './risk-ims-imwg-2024.js';

// Catalogue A.4 staging and risk. The rules of this area, in catalogue order.
export const stagingRules: Rule[] = [
  stageIss,
  stageRiss,
  riskImsImwg2024,
];
