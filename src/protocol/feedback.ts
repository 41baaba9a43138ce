import type { Request, Response } from 'express';
import type { AppDeps, CallLocals } from '../app-deps.js';
import { normaliseFeedbackItem, validateFeedback } from './schemas/index.js';
import type { FeedbackBody } from './schemas/feedback.js';
import { sendError } from './errors.js';
import type { FeedbackRecord } from '../storage/types.js';

// Feedback (CDS Hooks 2.0 §Feedback) is answered 200 only after the rows are durably committed;
// when the database cannot take them the client gets 503 and may retry, so nothing acknowledged is lost.
export function createFeedbackHandler(deps: AppDeps) {
  return async function feedback(req: Request, res: Response<unknown, CallLocals>): Promise<void> {
    const serviceId = String(req.params.id);
    const check = validateFeedback(req.body);
    if (!check.ok) {
      sendError(res, 400, 'invalid feedback', check.errors);
      return;
    }
    const items = (req.body as FeedbackBody).feedback.map(normaliseFeedbackItem);
    const iss = res.locals.auth?.iss;
    const records: FeedbackRecord[] = items.map((item) => ({
      serviceId,
      cardUuid: item.card,
      outcome: item.outcome,
      acceptedSuggestions: item.acceptedSuggestions,
      ...(item.overrideReason ? { overrideReason: item.overrideReason } : {}),
      ...(item.userComment !== undefined ? { userComment: item.userComment } : {}),
      outcomeTimestamp: item.outcomeTimestamp,
      ...(iss ? { clientIss: iss } : {}),
    }));
    try {
      await deps.storage.writeFeedback(records);
    } catch {
      deps.logger.error({ event: 'feedback.write-failed', serviceId, items: records.length }, 'feedback not stored');
      res.set('Retry-After', '5');
      sendError(res, 503, 'feedback could not be stored; retry later');
      return;
    }
    deps.logger.info(
      { event: 'feedback.stored', serviceId, items: records.length, outcomes: records.map((r) => r.outcome) },
      'feedback stored',
    );
    res.status(200).json({ stored: records.length });
  };
}
