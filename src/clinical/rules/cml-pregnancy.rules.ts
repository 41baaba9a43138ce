import type { Rule } from '../types.js';

// Catalogue A.13 CML in pregnancy and ropeginterferon: the rules of this area, in catalogue order.
export const cmlPregnancyRules: Rule[] = [];
