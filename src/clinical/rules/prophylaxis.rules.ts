import type { Rule } from '../types.js';

// Catalogue A.9 prophylaxis and premedication: the rules of this area, in catalogue order.
export const prophylaxisRules: Rule[] = [];
