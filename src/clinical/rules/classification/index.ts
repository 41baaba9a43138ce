import type { Rule } from '../../types.js';
import { classifyActiveMyeloma } from './classify-active-myeloma.js';
import { classifySmouldering } from './classify-smouldering.js';
import { classifyMgus } from './classify-mgus.js';
import { classifySolitaryPlasmacytoma } from './classify-solitary-plasmacytoma.js';
import { classifyPlasmaCellLeukaemia } from './classify-plasma-cell-leukaemia.js';
import { pcdIgmMyelomaVsWaldenstrom } from './pcd-igm-myeloma-vs-waldenstrom.js';
import { pcdAlAmyloidScreen } from './pcd-al-amyloid-screen.js';

// Catalogue A.1 IMWG disease classification. The mde-* assessments are not Rules: they only feed the classify-* cards (contract item 8). The rules of this area, in catalogue order.
export const classificationRules: Rule[] = [
  classifyActiveMyeloma,
  classifySmouldering,
  classifyMgus,
  classifySolitaryPlasmacytoma,
  classifyPlasmaCellLeukaemia,
  pcdIgmMyelomaVsWaldenstrom,
  pcdAlAmyloidScreen,
];
