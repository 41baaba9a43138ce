import { ajv, describeErrors, isStorableText, result } from './ajv.js';
import type { ValidationResult } from './ajv.js';

// Feedback bodies (CDS Hooks 2.0 §Feedback, cds-hooks-conformance.md §4, checks F01-F05).
// Accepted beyond the letter of the spec, because real clients send it:
// - `overrideReason.reason` without `display` (the CDS Hooks sandbox);
// - Epic's `overrideReasons`, as one override-reason object or an array of them;
// - any additional properties on an item (EHR extensions).

// Feedback is stored for good (until FEEDBACK_RETENTION_DAYS): sizes are those of real EHR feedback,
// so a body of the largest allowed items stays small (FEEDBACK_BODY_LIMIT_BYTES caps the whole).
const MAX_ITEMS = 20;
const nonEmpty = { type: 'string', minLength: 1, maxLength: 200 } as const;

const overrideReason = {
  type: 'object',
  properties: {
    reason: {
      type: 'object',
      required: ['code', 'system'],
      properties: { code: nonEmpty, system: nonEmpty, display: { type: 'string', maxLength: 500 } },
    },
    userComment: { type: 'string', maxLength: 2000 },
  },
  // cds-fb-3: an override reason says something.
  anyOf: [
    { required: ['reason'], properties: { reason: {} } },
    { required: ['userComment'], properties: { userComment: {} } },
  ],
} as const;

const feedbackItem = {
  type: 'object',
  required: ['card', 'outcome', 'outcomeTimestamp'],
  properties: {
    card: nonEmpty,
    outcome: { type: 'string', enum: ['accepted', 'overridden'] },
    outcomeTimestamp: { type: 'string', format: 'date-time' },
    acceptedSuggestions: {
      type: 'array',
      maxItems: MAX_ITEMS,
      items: { type: 'object', required: ['id'], properties: { id: nonEmpty } },
    },
    overrideReason,
    overrideReasons: {
      anyOf: [overrideReason, { type: 'array', minItems: 1, maxItems: MAX_ITEMS, items: overrideReason }],
    },
  },
  // cds-fb-2: an acceptance names what was accepted.
  if: { required: ['outcome'], properties: { outcome: { const: 'accepted' } } },
  then: { required: ['acceptedSuggestions'], properties: { acceptedSuggestions: { type: 'array', minItems: 1 } } },
} as const;

const feedbackBody = {
  type: 'object',
  required: ['feedback'],
  properties: { feedback: { type: 'array', minItems: 1, maxItems: MAX_ITEMS, items: feedbackItem } },
} as const;

const validateFeedbackSchema = ajv.compile<FeedbackBody>(feedbackBody);

export function validateFeedback(body: unknown): ValidationResult {
  if (!validateFeedbackSchema(body)) return result(describeErrors(validateFeedbackSchema.errors));
  // RFC 3339 admits forms (a leap second, a space separator) that Date cannot always represent;
  // an item that would store an Invalid Date is rejected here rather than by the database.
  const errors: string[] = [];
  body.feedback.forEach((item, i) => {
    if (Number.isNaN(Date.parse(item.outcomeTimestamp))) errors.push(`/feedback/${i}/outcomeTimestamp must be a representable date-time`);
    // What is stored of the item (normaliseFeedbackItem) must be text the database accepts.
    const stored = normaliseFeedbackItem(item);
    const texts = [stored.card, ...stored.acceptedSuggestions, stored.userComment, stored.overrideReason?.code, stored.overrideReason?.system, stored.overrideReason?.display];
    if (texts.some((t) => t !== undefined && !isStorableText(t))) errors.push(`/feedback/${i} must not contain NUL characters or lone surrogates`);
  });
  return result(errors);
}

interface OverrideReasonInput {
  reason?: { code: string; system: string; display?: string };
  userComment?: string;
}

/** One item of a body validateFeedback accepted. */
export interface FeedbackItem {
  card: string;
  outcome: 'accepted' | 'overridden';
  outcomeTimestamp: string;
  acceptedSuggestions?: { id: string }[];
  overrideReason?: OverrideReasonInput;
  overrideReasons?: OverrideReasonInput | OverrideReasonInput[];
  [extension: string]: unknown;
}

export interface FeedbackBody {
  feedback: FeedbackItem[];
}

export interface NormalisedFeedback {
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions: string[];
  overrideReason?: { code?: string; system?: string; display?: string };
  userComment?: string;
  outcomeTimestamp: Date;
}

/**
 * One shape for storage whichever spelling the client used. The spec's `overrideReason` wins over
 * Epic's `overrideReasons`; from an array the first reason and the first comment are kept.
 */
export function normaliseFeedbackItem(item: FeedbackItem): NormalisedFeedback {
  const candidates: OverrideReasonInput[] = [];
  if (item.overrideReason) candidates.push(item.overrideReason);
  if (Array.isArray(item.overrideReasons)) candidates.push(...item.overrideReasons);
  else if (item.overrideReasons) candidates.push(item.overrideReasons);

  const reason = candidates.find((c) => c.reason)?.reason;
  const userComment = candidates.find((c) => typeof c.userComment === 'string' && c.userComment.trim() !== '')?.userComment;

  const out: NormalisedFeedback = {
    card: item.card,
    outcome: item.outcome,
    acceptedSuggestions: (item.acceptedSuggestions ?? []).map((s) => s.id),
    outcomeTimestamp: new Date(item.outcomeTimestamp),
  };
  if (reason) {
    out.overrideReason = { code: reason.code, system: reason.system };
    if (reason.display) out.overrideReason.display = reason.display;
  }
  if (userComment !== undefined) out.userComment = userComment;
  return out;
}
