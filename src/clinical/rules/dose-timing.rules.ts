import type { Rule } from '../types.js';

// Catalogue A.6 dose and timing, stem-cell harvest: the rules of this area, in catalogue order.
export const doseTimingRules: Rule[] = [];
