import type { Rule } from '../types.js';
import { mgusFollowup } from './mgus-followup.js';
import { mgusRereferralTrigger } from './mgus-rereferral-trigger.js';
import { followupSmmPlasmacytoma } from './followup-smm-plasmacytoma.js';
import { bisphosphonateSchedule } from './bisphosphonate-schedule.js';
import { bisphosphonateDentalCalcium } from './bisphosphonate-dental-calcium.js';
import { denosumabSafety } from './denosumab-safety.js';
import { vaccineLiveContraindication } from './vaccine-live-contraindication.js';

// Catalogue A.10 bone, A.11 vaccines, A.3 follow-up: the rules of this area, in catalogue order.
export const boneVaccineFollowupRules: Rule[] = [
  mgusFollowup,
  mgusRereferralTrigger,
  followupSmmPlasmacytoma,
  bisphosphonateSchedule,
  bisphosphonateDentalCalcium,
  denosumabSafety,
  vaccineLiveContraindication,
];
