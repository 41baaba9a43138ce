import type { Rule } from '../types.js';

// Catalogue A.5 response, progression, relapse, refractoriness, MRD: the rules of this area, in catalogue order.
export const responseRules: Rule[] = [];
