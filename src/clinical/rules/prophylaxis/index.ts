import type { Rule } from '../../types.js';
import { thromboprophylaxisImid } from './thromboprophylaxis-imid.js';
import { vzvProphylaxis } from './vzv-prophylaxis.js';
import { vzvProphylaxisStopCd4 } from './vzv-prophylaxis-stop-cd4.js';
import { pjpProphylaxis } from './pjp-prophylaxis.js';
import { ivigSubstitution } from './ivig-substitution.js';
import { antifungalGcsfCartBispecific } from './antifungal-gcsf-cart-bispecific.js';
import { cmvHbvScreening } from './cmv-hbv-screening.js';
import { premedCd38 } from './premed-cd38.js';

// Catalogue A.9 supportive care: prophylaxis and premedication. The rules of this area, in catalogue order.
export const prophylaxisRules: Rule[] = [
  thromboprophylaxisImid,
  vzvProphylaxis,
  vzvProphylaxisStopCd4,
  pjpProphylaxis,
  ivigSubstitution,
  antifungalGcsfCartBispecific,
  cmvHbvScreening,
  premedCd38,
];
