// CDS Hooks 2.0 schemas, compiled once when this module loads (one Ajv instance, strict mode).
export type { ValidationResult } from './ajv.js';
export { describeErrors } from './ajv.js';
export type { HookName, HookRequest } from './request.js';
export {
  HOOK_NAMES,
  FHIR_ID_PATTERN,
  RELATIVE_REFERENCE_PATTERN,
  validateHookRequest,
  checkSelectionsInDraftOrders,
} from './request.js';
export { validateCdsResponse, validateHemeResponse, validateDiscovery } from './response.js';
export type { FeedbackBody, FeedbackItem, NormalisedFeedback } from './feedback.js';
export { validateFeedback, normaliseFeedbackItem } from './feedback.js';
