import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { AuditRecord, Storage } from './types.js';

// Hook responses must not wait for, or fail because of, the audit database: records are queued and
// written in the background with retries. The queue is bounded so a long database outage cannot
// exhaust memory; what has to be dropped is counted in metrics (never silently). Whatever has
// queued up while the previous write ran goes out in one statement, so under load the database
// work per hook call shrinks instead of growing into a backlog.
export class AuditWriter {
  private queue: AuditRecord[] = [];
  private running: Promise<void> | undefined;
  private retryDelayMs = 100;
  /** Records at the front of the queue that the current write holds. */
  private inFlight = 0;

  constructor(
    private readonly storage: Pick<Storage, 'writeAudits'>,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly maxQueue = 10_000,
    private readonly maxBatch = 200,
  ) {}

  enqueue(record: AuditRecord): void {
    if (this.queue.length >= this.maxQueue) {
      // The oldest record not held by the write in progress (that one may already be stored).
      this.queue.splice(Math.min(this.inFlight, this.queue.length - 1), 1);
      this.metrics.auditWrites.inc({ outcome: 'dropped' });
      this.logger.error({ event: 'audit.dropped' }, 'audit queue full; oldest record dropped');
    }
    this.queue.push(record);
    this.metrics.auditQueue.set(this.queue.length);
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      this.inFlight = batch.length;
      try {
        await this.storage.writeAudits(batch);
        this.queue.splice(0, batch.length);
        this.retryDelayMs = 100;
        this.metrics.auditWrites.inc({ outcome: 'ok' }, batch.length);
      } catch {
        this.metrics.auditWrites.inc({ outcome: 'retry' });
        this.logger.warn({ event: 'audit.retry', queued: this.queue.length }, 'audit write failed; will retry');
        await new Promise((r) => setTimeout(r, this.retryDelayMs).unref());
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
      } finally {
        this.inFlight = 0;
      }
      this.metrics.auditQueue.set(this.queue.length);
    }
  }

  /** Waits until the queue is empty or the timeout passes; true when everything was written. */
  async drain(timeoutMs = 5000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.queue.length > 0 || this.running) {
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  get pending(): number {
    return this.queue.length;
  }
}
