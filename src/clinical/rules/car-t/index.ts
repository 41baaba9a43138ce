import type { Rule } from '../../types.js';
import { cartBloodSmear } from './cart-blood-smear.js';

// Catalogue A.8 CAR-T selection when capacity is limited. The rules of this area, in catalogue order.
export const carTRules: Rule[] = [
  cartBloodSmear,
];
