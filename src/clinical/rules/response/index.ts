import type { Rule } from '../../types.js';
import { responseMeasurableDisease } from './response-measurable-disease.js';
import { responseCategory } from './response-category.js';
import { progressionBiochemical } from './progression-biochemical.js';
import { relapseClinical } from './relapse-clinical.js';
import { refractory60Days } from './refractory-60-days.js';
import { mrdSuspectedCr } from './mrd-suspected-cr.js';

// Catalogue A.5 response, progression, relapse, refractoriness. The rules of this area, in catalogue order.
export const responseRules: Rule[] = [
  responseMeasurableDisease,
  responseCategory,
  progressionBiochemical,
  relapseClinical,
  refractory60Days,
  mrdSuspectedCr,
];
