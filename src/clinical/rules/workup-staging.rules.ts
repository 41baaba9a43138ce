import type { Rule } from '../types.js';
import { pcdIgmMyelomaVsWaldenstrom } from './pcd-igm-myeloma-vs-waldenstrom.js';
import { pcdAlAmyloidScreen } from './pcd-al-amyloid-screen.js';
import { workupLevel } from './workup-level.js';
import { fishIssAllPatients } from './fish-iss-all-patients.js';
import { stageRiss } from './stage-riss.js';
import { riskImsImwg2024 } from './risk-ims-imwg-2024.js';

// Catalogue A.1 pcd-*, A.2 work-up, A.4 R-ISS and IMS-IMWG risk: the rules of this area, in catalogue order.
export const workupStagingRules: Rule[] = [pcdIgmMyelomaVsWaldenstrom, pcdAlAmyloidScreen, workupLevel, fishIssAllPatients, stageRiss, riskImsImwg2024];
