import type { Rule } from '../../types.js';
import { hmasCandidacyAge } from './hmas-candidacy-age.js';
import { inductionRegimenCheck } from './induction-regimen-check.js';
import { doseLenalidomideRenal } from './dose-lenalidomide-renal.js';
import { doseDexamethasoneAge } from './dose-dexamethasone-age.js';
import { dexStopAfter12Months } from './dex-stop-after-12-months.js';
import { stemcellHarvestTiming } from './stemcell-harvest-timing.js';
import { daraApheresis4WeekGap } from './dara-apheresis-4-week-gap.js';
import { cd34HarvestThreshold } from './cd34-harvest-threshold.js';
import { cd34MinimumDose } from './cd34-minimum-dose.js';
import { doseMelphalanHmas } from './dose-melphalan-hmas.js';
import { maintenanceLenalidomide } from './maintenance-lenalidomide.js';
import { relapseHmasEligibility } from './relapse-hmas-eligibility.js';
import { alloSctEligibility } from './allo-sct-eligibility.js';
import { primaryRefractory } from './primary-refractory.js';

// Catalogue A.6 first-line treatment, stem-cell harvest, HMAS, maintenance, dose rules. The rules of this area, in catalogue order.
export const firstLineRules: Rule[] = [
  hmasCandidacyAge,
  inductionRegimenCheck,
  doseLenalidomideRenal,
  doseDexamethasoneAge,
  dexStopAfter12Months,
  stemcellHarvestTiming,
  daraApheresis4WeekGap,
  cd34HarvestThreshold,
  cd34MinimumDose,
  doseMelphalanHmas,
  maintenanceLenalidomide,
  alloSctEligibility,
  relapseHmasEligibility,
  primaryRefractory,
];
