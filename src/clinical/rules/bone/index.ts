import type { Rule } from '../../types.js';
import { bisphosphonateSchedule } from './bisphosphonate-schedule.js';
import { bisphosphonateDentalCalcium } from './bisphosphonate-dental-calcium.js';
import { denosumabSafety } from './denosumab-safety.js';
import { hypercalcaemiaTreatment } from './hypercalcaemia-treatment.js';
import { anaemiaWorkup } from './anaemia-workup.js';
import { cordCompressionEmergency } from './cord-compression-emergency.js';
import { rtDoseGuidance } from './rt-dose-guidance.js';

// Catalogue A.10 bone disease, hypercalcaemia, anaemia, emergencies. The rules of this area, in catalogue order.
export const boneRules: Rule[] = [
  bisphosphonateSchedule,
  bisphosphonateDentalCalcium,
  denosumabSafety,
  hypercalcaemiaTreatment,
  anaemiaWorkup,
  cordCompressionEmergency,
  rtDoseGuidance,
];
