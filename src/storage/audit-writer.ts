import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { AuditRecord, Storage } from './types.js';

// Hook responses must not wait for, or fail because of, the audit database: records are queued and
// written in the background with retries. The queue is bounded so a long database outage cannot
// exhaust memory; what has to be dropped is counted in metrics (never silently).
export class AuditWriter {
  private queue: AuditRecord[] = [];
  private running: Promise<void> | undefined;
  private retryDelayMs = 100;

  constructor(
    private readonly storage: Pick<Storage, 'writeAudit'>,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly maxQueue = 10_000,
  ) {}

  enqueue(record: AuditRecord): void {
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
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
      const record = this.queue[0]!;
      try {
        await this.storage.writeAudit(record);
        this.queue.shift();
        this.retryDelayMs = 100;
        this.metrics.auditWrites.inc({ outcome: 'ok' });
      } catch {
        this.metrics.auditWrites.inc({ outcome: 'retry' });
        this.logger.warn({ event: 'audit.retry', queued: this.queue.length }, 'audit write failed; will retry');
        await new Promise((r) => setTimeout(r, this.retryDelayMs).unref());
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
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
