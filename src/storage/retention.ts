import type { Logger } from 'pino';
import type { Storage } from './types.js';

// The service deletes what it no longer needs by itself: at start and then every hour, audit rows
// older than AUDIT_RETENTION_DAYS, feedback older than FEEDBACK_RETENTION_DAYS and used JWT ids
// JTI_RETENTION_DAYS after their expiry. Every replica runs it; the deletes are idempotent.

export const PURGE_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionDays {
  auditRetentionDays: number;
  feedbackRetentionDays: number;
  jtiRetentionDays: number;
}

export function startRetention(
  storage: Pick<Storage, 'purge'>,
  days: RetentionDays,
  logger: Logger,
  opts: { intervalMs?: number; clock?: () => Date } = {},
): { stop(): void; purgeNow(): Promise<void> } {
  const clock = opts.clock ?? (() => new Date());
  let running: Promise<void> | undefined;
  const purgeNow = (): Promise<void> => {
    running ??= (async () => {
      const now = clock().getTime();
      try {
        const n = await storage.purge({
          auditBefore: new Date(now - days.auditRetentionDays * DAY_MS),
          feedbackBefore: new Date(now - days.feedbackRetentionDays * DAY_MS),
          jtiExpiredBefore: new Date(now - days.jtiRetentionDays * DAY_MS),
        });
        if (n.audit + n.feedback + n.jti > 0) logger.info({ event: 'retention.purged', ...n }, 'old records deleted');
      } catch (err) {
        logger.warn({ event: 'retention.failed', code: (err as { code?: string }).code }, 'retention purge failed; retried at the next interval');
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const first = setTimeout(() => void purgeNow(), 0);
  const timer = setInterval(() => void purgeNow(), opts.intervalMs ?? PURGE_INTERVAL_MS);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
    purgeNow,
  };
}
