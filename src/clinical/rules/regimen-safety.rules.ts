import type { Rule } from '../types.js';

// Catalogue A.7 regimen safety (belantamab, bispecifics, venetoclax): the rules of this area, in catalogue order.
export const regimenSafetyRules: Rule[] = [];
