import type { Rule } from '../types.js';
import { classifyActiveMyeloma } from './classify-active-myeloma.js';
import { classifySmouldering } from './classify-smouldering.js';
import { classifyMgus } from './classify-mgus.js';
import { classifySolitaryPlasmacytoma } from './classify-solitary-plasmacytoma.js';
import { classifyPlasmaCellLeukaemia } from './classify-plasma-cell-leukaemia.js';
import { hypercalcaemiaTreatment } from './hypercalcaemia-treatment.js';

// Catalogue A.1 classification (mde-*, classify-*), A.10 hypercalcaemia-treatment: the rules of this area, in catalogue order.
// The mde-* assessments are not Rules: they only feed the classify-* cards (contract item 8).
export const classificationRules: Rule[] = [
  classifyActiveMyeloma,
  classifySmouldering,
  classifyMgus,
  classifySolitaryPlasmacytoma,
  classifyPlasmaCellLeukaemia,
  hypercalcaemiaTreatment,
];
