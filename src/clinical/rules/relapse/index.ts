import type { Rule } from '../../types.js';
import { belantamabCupPriorCd38 } from './belantamab-cup-prior-cd38.js';
import { belantamabEyeSafety } from './belantamab-eye-safety.js';
import { regimenDoseIsaKd } from './regimen-dose-isa-kd.js';
import { regimenDoseBelantamab } from './regimen-dose-belantamab.js';
import { regimenDosePcd } from './regimen-dose-pcd.js';
import { bispecificStepupSchedule } from './bispecific-stepup-schedule.js';
import { bispecificNoDoseDuringCrs } from './bispecific-no-dose-during-crs.js';
import { bispecificNoStartDuringInfection } from './bispecific-no-start-during-infection.js';
import { bispecificPremedication } from './bispecific-premedication.js';
import { bispecificVaccinationTiming } from './bispecific-vaccination-timing.js';
import { crsTocilizumabReadiness } from './crs-tocilizumab-readiness.js';
import { venetoclaxT1114Only } from './venetoclax-t1114-only.js';
import { line2Regimen } from './line2-regimen.js';
import { line3Regimen } from './line3-regimen.js';
import { line4BispecificEligibility } from './line4-bispecific-eligibility.js';

// Catalogue A.7 relapse lines and regimen-specific rules. The rules of this area, in catalogue order.
export const relapseRules: Rule[] = [
  line2Regimen,
  belantamabCupPriorCd38,
  regimenDoseIsaKd,
  regimenDoseBelantamab,
  belantamabEyeSafety,
  line3Regimen,
  regimenDosePcd,
  line4BispecificEligibility,
  bispecificStepupSchedule,
  bispecificNoDoseDuringCrs,
  bispecificNoStartDuringInfection,
  bispecificPremedication,
  bispecificVaccinationTiming,
  crsTocilizumabReadiness,
  venetoclaxT1114Only,
];
