import type { Rule } from '../types.js';
import { stageIss } from './stage-iss.js';
import { vzvProphylaxis } from './vzv-prophylaxis.js';

// Every rule the service runs, in catalogue order (A.4 staging, A.9 supportive care). The order is
// the evaluation order, which keeps findings (and cards within an indicator) deterministic.
export const allRules: Rule[] = [stageIss, vzvProphylaxis];

export const ruleById: ReadonlyMap<string, Rule> = new Map(allRules.map((r) => [r.id, r]));
