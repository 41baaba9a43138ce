import type { Rule } from '../../types.js';
import { mgusFollowup } from './mgus-followup.js';
import { mgusRereferralTrigger } from './mgus-rereferral-trigger.js';
import { mgusAlWarningSigns } from './mgus-al-warning-signs.js';
import { followupSmmPlasmacytoma } from './followup-smm-plasmacytoma.js';

// Catalogue A.3 follow-up of MGUS, smouldering myeloma and plasmacytoma. The rules of this area, in catalogue order.
export const followupRules: Rule[] = [
  mgusFollowup,
  mgusRereferralTrigger,
  mgusAlWarningSigns,
  followupSmmPlasmacytoma,
];
