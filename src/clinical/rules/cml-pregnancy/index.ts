import type { Rule } from '../../types.js';
import { cmlTkiPregnancy } from './cml-tki-pregnancy.js';
import { cmlTkiBreastfeeding } from './cml-tki-breastfeeding.js';
import { cmlPregnancyInterferonAlternative } from './cml-pregnancy-interferon-alternative.js';
import { ropegPregnancyNotRecommended } from './ropeg-pregnancy-not-recommended.js';
import { ropegContraception } from './ropeg-contraception.js';
import { ropegBreastfeedingUnknown } from './ropeg-breastfeeding-unknown.js';
import { ropegOfflabelCml } from './ropeg-offlabel-cml.js';
import { cmlPhaseAndTkiStart } from './cml-phase-and-tki-start.js';
import { ropegDoseRangeContext } from './ropeg-dose-range-context.js';

// Catalogue A.13 CML in pregnancy and ropeginterferon alfa-2b (seed [000]). The rules of this area, in catalogue order.
export const cmlPregnancyRules: Rule[] = [
  cmlTkiPregnancy,
  cmlTkiBreastfeeding,
  cmlPregnancyInterferonAlternative,
  ropegPregnancyNotRecommended,
  ropegContraception,
  ropegBreastfeedingUnknown,
  ropegOfflabelCml,
  ropegDoseRangeContext,
  cmlPhaseAndTkiStart,
];
