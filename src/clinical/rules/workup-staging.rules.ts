import type { Rule } from '../types.js';

// Catalogue A.1 pcd-*, A.2 work-up, A.4 R-ISS and IMS-IMWG risk: the rules of this area, in catalogue order.
export const workupStagingRules: Rule[] = [];
