import type { Rule } from '../types.js';

// Catalogue A.1 classification (mde-*, classify-*), A.10 hypercalcaemia-treatment: the rules of this area, in catalogue order.
export const classificationRules: Rule[] = [];
