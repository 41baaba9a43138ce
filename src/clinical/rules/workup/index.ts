import type { Rule } from '../../types.js';
import { workupLevel } from './workup-level.js';
import { fishIssAllPatients } from './fish-iss-all-patients.js';

// Catalogue A.2 work-up level, diagnostics and imaging. The rules of this area, in catalogue order.
export const workupRules: Rule[] = [
  workupLevel,
  fishIssAllPatients,
];
