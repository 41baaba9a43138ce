import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { AuditRecord, Storage } from './types.js';

// Hook responses must not wait for, or fail because of, the audit database: records are queued and
// written in the background with retries. The queue is bounded so a long database outage cannot
// exhaust memory; what has to be dropped is counted in metrics (never silently).
//
// Records are written in batches, one statement each: a statement costs the database about the same
// CPU whether it carries one record or twenty, so a write waits `flushDelayMs` for company, unless a
// full batch is already waiting. A record therefore reaches the database at most flushDelayMs plus
// one write after its answer; audit records are never acknowledged to a client, and drain (SIGTERM)
// writes at once.
export const AUDIT_FLUSH_DELAY_MS = 100;
export class AuditWriter {
  private queue: AuditRecord[] = [];
  private running: Promise<void> | undefined;
  private retryDelayMs = 100;
  /** Records at the front of the queue that the current write holds. */
  private inFlight = 0;
  /** Ends the current wait for company early (drain, full batch). */
  private wake: (() => void) | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'writeAudits'>,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly opts: { maxQueue?: number; maxBatch?: number; flushDelayMs?: number } = {},
  ) {}

  private get maxQueue(): number {
    return this.opts.maxQueue ?? 10_000;
  }

  private get maxBatch(): number {
    return this.opts.maxBatch ?? 200;
  }

  enqueue(record: AuditRecord): void {
    if (this.queue.length >= this.maxQueue) {
      // The oldest record not held by the write in progress (that one may already be stored).
      this.queue.splice(Math.min(this.inFlight, this.queue.length - 1), 1);
      this.metrics.auditWrites.inc({ outcome: 'dropped' });
      this.logger.error({ event: 'audit.dropped' }, 'audit queue full; oldest record dropped');
    }
    this.queue.push(record);
    this.metrics.auditQueue.set(this.queue.length);
    if (this.queue.length - this.inFlight >= this.maxBatch) this.wake?.();
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  private waitForCompany(): Promise<void> {
    const delay = this.opts.flushDelayMs ?? AUDIT_FLUSH_DELAY_MS;
    if (delay <= 0 || this.queue.length >= this.maxBatch) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, delay);
      timer.unref();
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      await this.waitForCompany();
      const batch = this.queue.slice(0, this.maxBatch);
      this.inFlight = batch.length;
      try {
        await this.storage.writeAudits(batch);
        this.queue.splice(0, batch.length);
        this.retryDelayMs = 100;
        this.metrics.auditWrites.inc({ outcome: 'ok' }, batch.length);
      } catch (err) {
        // A record the database refuses (a data or constraint error) would fail its batch on every
        // retry and hold up everything behind it: the batch is then written record by record and
        // each refused record is set aside. Anything else (connection lost) is retried as a batch.
        const progressed = isRecordError(err) && (await this.oneByOne(batch.length));
        if (!progressed) {
          this.metrics.auditWrites.inc({ outcome: 'retry' });
          this.logger.warn({ event: 'audit.retry', queued: this.queue.length }, 'audit write failed; will retry');
          await new Promise((r) => setTimeout(r, this.retryDelayMs).unref());
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
        }
      } finally {
        this.inFlight = 0;
      }
      this.metrics.auditQueue.set(this.queue.length);
    }
  }

  /** Writes the first `count` queued records one at a time; false when a transient error stopped it before any progress. */
  private async oneByOne(count: number): Promise<boolean> {
    let progressed = false;
    for (let i = 0; i < count; i++) {
      const record = this.queue[0];
      if (record === undefined) break;
      this.inFlight = 1;
      try {
        await this.storage.writeAudits([record]);
        this.metrics.auditWrites.inc({ outcome: 'ok' });
      } catch (err) {
        if (!isRecordError(err)) return progressed;
        this.metrics.auditWrites.inc({ outcome: 'rejected' });
        this.logger.error(
          { event: 'audit.rejected', code: (err as { code?: string }).code, serviceId: record.serviceId },
          'audit record refused by the database; set aside',
        );
      }
      this.queue.shift();
      progressed = true;
    }
    return progressed;
  }

  /** Writes what is queued without waiting for company; resolves true once the queue is empty, false at the timeout. */
  async drain(timeoutMs = 5000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.queue.length > 0 || this.running) {
      this.wake?.();
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  get pending(): number {
    return this.queue.length;
  }
}

/**
 * SQLSTATE classes 22 (data exception: NUL, invalid Unicode, bad JSON) and 23 (integrity, e.g. a
 * duplicate card uuid) belong to the record: writing it again can never succeed.
 */
export function isRecordError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
