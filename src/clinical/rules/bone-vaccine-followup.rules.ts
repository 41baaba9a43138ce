import type { Rule } from '../types.js';

// Catalogue A.10 bone, A.11 vaccines, A.3 follow-up: the rules of this area, in catalogue order.
export const boneVaccineFollowupRules: Rule[] = [];
