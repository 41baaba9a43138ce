import type { Rule } from '../../types.js';
import { vaccineCart } from './vaccine-cart.js';
import { vaccineLiveContraindication } from './vaccine-live-contraindication.js';

// Catalogue A.11 vaccination. The rules of this area, in catalogue order.
export const vaccinationRules: Rule[] = [
  vaccineLiveContraindication,
  vaccineCart,
];
