import type { Rule } from '../types.js';
import { belantamabCupPriorCd38 } from './belantamab-cup-prior-cd38.js';
import { bispecificStepupSchedule } from './bispecific-stepup-schedule.js';
import { bispecificNoStartDuringInfection } from './bispecific-no-start-during-infection.js';
import { bispecificPremedication } from './bispecific-premedication.js';
import { venetoclaxT1114Only } from './venetoclax-t1114-only.js';

// Catalogue A.7 regimen safety (belantamab, bispecifics, venetoclax): the rules of this area, in catalogue order.
export const regimenSafetyRules: Rule[] = [
  belantamabCupPriorCd38,
  bispecificStepupSchedule,
  bispecificNoStartDuringInfection,
  bispecificPremedication,
  venetoclaxT1114Only,
];
