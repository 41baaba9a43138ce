import type { Rule } from '../types.js';
import { thromboprophylaxisImid } from './thromboprophylaxis-imid.js';
import { vzvProphylaxisStopCd4 } from './vzv-prophylaxis-stop-cd4.js';
import { pjpProphylaxis } from './pjp-prophylaxis.js';
import { ivigSubstitution } from './ivig-substitution.js';
import { antifungalGcsfCartBispecific } from './antifungal-gcsf-cart-bispecific.js';
import { cmvHbvScreening } from './cmv-hbv-screening.js';
import { premedCd38 } from './premed-cd38.js';

// Catalogue A.9 prophylaxis and premedication: the rules of this area, in catalogue order.
// `vzv-prophylaxis` (second in the catalogue) is registered in index.ts itself.
export const prophylaxisRules: Rule[] = [thromboprophylaxisImid, vzvProphylaxisStopCd4, pjpProphylaxis, ivigSubstitution, antifungalGcsfCartBispecific, cmvHbvScreening, premedCd38];
