import { migrate as runMigrations, type Migration } from './migrations.js';
import type { AuditRecord, FeedbackRecord, RetentionCutoffs, Storage } from './types.js';
import type { Executor } from './executor.js';

// PGlite and pg differ only in how a query is sent; everything else, all SQL included, lives
// here once. Parameters are passed as text or JSON with explicit casts so both drivers'
// serialisers see the same values.

/** One feedback row joined to the audit row of the card it is about (support, statistics). */
export interface FeedbackWithAudit {
  cardUuid: string;
  outcome: string;
  receivedAt: Date;
  /** Undefined when the card is not in this database's audit. */
  audit?: {
    hookInstance: string;
    serviceId: string;
    at: Date;
    ruleId: string;
    topicCode: string;
    indicator: string;
  };
}

const PING_TIMEOUT_MS = 1000;

interface AuditRow {
  at: Date;
  service_id: string;
  hook: string;
  hook_instance: string;
  client_iss: string | null;
  patient_pseudonym: string;
  prefetch_from_client: string[];
  prefetch_fetched: string[];
  prefetch_unavailable: string[];
  durations_ms: Record<string, number>;
  outcome: string;
  http_status: number;
  cards: AuditRecord['cards'];
}

interface FeedbackRow {
  service_id: string;
  card_uuid: string;
  outcome: FeedbackRecord['outcome'];
  accepted_suggestions: string[];
  override_reason: FeedbackRecord['overrideReason'] | null;
  user_comment: string | null;
  outcome_timestamp: Date;
  client_iss: string | null;
}

interface FeedbackAuditRow {
  card_uuid: string;
  outcome: string;
  received_at: Date;
  hook_instance: string | null;
  service_id: string | null;
  at: Date | null;
  rule_id: string | null;
  topic_code: string | null;
  indicator: string | null;
}

export class SqlStorage implements Storage {
  constructor(
    private readonly db: Executor,
    private readonly migrations?: Migration[],
    /** Runs after the database is closed (the embedded database's file modes). */
    private readonly afterClose?: () => Promise<void>,
  ) {}

  async migrate(): Promise<void> {
    await runMigrations(this.db, this.migrations);
  }

  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    const probe = this.db.query<{ ok: number }>('select 1 as ok').then(
      (r) => r.rows[0]?.ok === 1,
      () => false,
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async rememberJti(iss: string, jti: string, expiresAt: Date): Promise<boolean> {
    // The primary key makes this atomic across processes: of two concurrent inserts of the
    // same (iss, jti) exactly one reports a row.
    const r = await this.db.query(
      'insert into jti_seen (iss, jti, expires_at) values ($1, $2, $3::timestamptz) on conflict do nothing',
      [iss, jti, expiresAt.toISOString()],
    );
    return r.rowCount === 1;
  }

  // Retention (runtime.ts runs it on a timer). Used JWT ids are kept past their expiry only for
  // JTI_RETENTION_DAYS: an expired token is refused as expired before its id is looked at.
  async purge(c: RetentionCutoffs): Promise<{ audit: number; feedback: number; jti: number }> {
    const audit = await this.db.query('delete from audit where at < $1::timestamptz', [c.auditBefore.toISOString()]);
    const feedback = await this.db.query('delete from feedback where received_at < $1::timestamptz', [c.feedbackBefore.toISOString()]);
    const jti = await this.db.query('delete from jti_seen where expires_at < $1::timestamptz', [c.jtiExpiredBefore.toISOString()]);
    return { audit: audit.rowCount, feedback: feedback.rowCount, jti: jti.rowCount };
  }

  async writeAudit(record: AuditRecord): Promise<void> {
    await this.writeAudits([record]);
  }

  async writeAudits(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    // One statement for the whole batch (one commit, one WAL flush): under load the audit queue
    // holds several records, and per-statement cost, not row size, is what the database spends.
    // Ids are drawn from the identity sequence up front so the cards can name their audit row;
    // the CTE is referenced twice and calls nextval, so PostgreSQL evaluates it exactly once.
    const rows = records.map((r) => ({
      at: r.at.toISOString(),
      serviceId: r.serviceId,
      hook: r.hook,
      hookInstance: r.hookInstance,
      clientIss: r.clientIss ?? null,
      patientPseudonym: r.patientPseudonym,
      prefetchFromClient: r.prefetchFromClient,
      prefetchFetched: r.prefetchFetched,
      prefetchUnavailable: r.prefetchUnavailable,
      durationsMs: r.durationsMs,
      outcome: r.outcome,
      httpStatus: r.httpStatus,
      cards: r.cards.map((c) => ({ uuid: c.uuid, ruleId: c.ruleId, topicCode: c.topicCode, indicator: c.indicator })),
    }));
    await this.db.query(
      `with input as materialized (
         select s.r, nextval(pg_get_serial_sequence('audit', 'id')) as id
           from (select x.r from jsonb_array_elements($1::jsonb) with ordinality as x(r, ord) order by x.ord) as s
       ),
       a as (
         insert into audit (id, at, service_id, hook, hook_instance, client_iss, patient_pseudonym,
                            prefetch_from_client, prefetch_fetched, prefetch_unavailable,
                            durations_ms, outcome, http_status)
         overriding system value
         select id, (r->>'at')::timestamptz, r->>'serviceId', r->>'hook', r->>'hookInstance', r->>'clientIss',
                r->>'patientPseudonym', r->'prefetchFromClient', r->'prefetchFetched', r->'prefetchUnavailable',
                r->'durationsMs', r->>'outcome', (r->>'httpStatus')::integer
           from input
       )
       insert into audit_cards (card_uuid, audit_id, position, rule_id, topic_code, indicator)
       select c.card->>'uuid', input.id, c.pos, c.card->>'ruleId', c.card->>'topicCode', c.card->>'indicator'
         from input, jsonb_array_elements(input.r->'cards') with ordinality as c(card, pos)`,
      [JSON.stringify(rows)],
    );
  }

  async writeFeedback(records: FeedbackRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const f of records) {
        await tx.query(
          `insert into feedback (service_id, card_uuid, outcome, accepted_suggestions, override_reason,
                                 user_comment, outcome_timestamp, client_iss)
           values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::timestamptz, $8)`,
          [
            f.serviceId,
            f.cardUuid,
            f.outcome,
            JSON.stringify(f.acceptedSuggestions),
            f.overrideReason === undefined ? null : JSON.stringify(f.overrideReason),
            f.userComment ?? null,
            f.outcomeTimestamp.toISOString(),
            f.clientIss ?? null,
          ],
        );
      }
    });
  }

  async feedbackForCard(cardUuid: string): Promise<FeedbackRecord[]> {
    const r = await this.db.query<FeedbackRow>(
      `select service_id, card_uuid, outcome, accepted_suggestions, override_reason, user_comment,
              outcome_timestamp, client_iss
         from feedback where card_uuid = $1 order by id`,
      [cardUuid],
    );
    return r.rows.map((row) => {
      const rec: FeedbackRecord = {
        serviceId: row.service_id,
        cardUuid: row.card_uuid,
        outcome: row.outcome,
        acceptedSuggestions: row.accepted_suggestions,
        outcomeTimestamp: toDate(row.outcome_timestamp),
      };
      if (row.override_reason !== null) rec.overrideReason = row.override_reason;
      if (row.user_comment !== null) rec.userComment = row.user_comment;
      if (row.client_iss !== null) rec.clientIss = row.client_iss;
      return rec;
    });
  }

  async auditForHookInstance(hookInstance: string): Promise<AuditRecord[]> {
    const r = await this.db.query<AuditRow>(
      `select a.at, a.service_id, a.hook, a.hook_instance, a.client_iss, a.patient_pseudonym,
              a.prefetch_from_client, a.prefetch_fetched, a.prefetch_unavailable, a.durations_ms,
              a.outcome, a.http_status,
              coalesce((select jsonb_agg(jsonb_build_object('uuid', c.card_uuid, 'ruleId', c.rule_id,
                                                            'topicCode', c.topic_code, 'indicator', c.indicator)
                                         order by c.position)
                          from audit_cards c where c.audit_id = a.id), '[]'::jsonb) as cards
         from audit a where a.hook_instance = $1 order by a.id`,
      [hookInstance],
    );
    return r.rows.map((row) => {
      const rec: AuditRecord = {
        at: toDate(row.at),
        serviceId: row.service_id,
        hook: row.hook,
        hookInstance: row.hook_instance,
        patientPseudonym: row.patient_pseudonym,
        cards: row.cards,
        prefetchFromClient: row.prefetch_from_client,
        prefetchFetched: row.prefetch_fetched,
        prefetchUnavailable: row.prefetch_unavailable,
        durationsMs: row.durations_ms,
        outcome: row.outcome,
        httpStatus: Number(row.http_status),
      };
      if (row.client_iss !== null) rec.clientIss = row.client_iss;
      return rec;
    });
  }

  /** Feedback for a card joined to its audit row by card uuid (left join: unknown cards keep `audit` undefined). */
  async feedbackWithAudit(cardUuid: string): Promise<FeedbackWithAudit[]> {
    const r = await this.db.query<FeedbackAuditRow>(
      `select f.card_uuid, f.outcome, f.received_at, a.hook_instance, a.service_id, a.at,
              c.rule_id, c.topic_code, c.indicator
         from feedback f
         left join audit_cards c on c.card_uuid = f.card_uuid
         left join audit a on a.id = c.audit_id
        where f.card_uuid = $1
        order by f.id`,
      [cardUuid],
    );
    return r.rows.map((row) => {
      const out: FeedbackWithAudit = {
        cardUuid: row.card_uuid,
        outcome: row.outcome,
        receivedAt: toDate(row.received_at),
      };
      if (row.hook_instance !== null && row.at !== null) {
        out.audit = {
          hookInstance: row.hook_instance,
          serviceId: row.service_id ?? '',
          at: toDate(row.at),
          ruleId: row.rule_id ?? '',
          topicCode: row.topic_code ?? '',
          indicator: row.indicator ?? '',
        };
      }
      return out;
    });
  }

  async close(): Promise<void> {
    await this.db.close();
    await this.afterClose?.();
  }
}

/** The SQL-level join of feedback to audit; only available on the SQL-backed storage. */
export function feedbackWithAudit(storage: Storage, cardUuid: string): Promise<FeedbackWithAudit[]> {
  if (!(storage instanceof SqlStorage)) throw new Error('feedbackWithAudit needs a SqlStorage');
  return storage.feedbackWithAudit(cardUuid);
}

function toDate(v: Date | string): Date {
  return v instanceof Date ? v : new Date(v);
}
