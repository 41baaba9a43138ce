// One small storage interface with two implementations: embedded PGlite (default, file under
// DATA_DIR) and PostgreSQL (DATABASE_URL). Both run the same SQL migrations.

export interface AuditRecord {
  /** Server time the invocation was received. */
  at: Date;
  serviceId: string;
  hook: string;
  hookInstance: string;
  /** JWT `iss` of the calling client, or undefined when auth is off. */
  clientIss?: string;
  /** HMAC-SHA256 pseudonym of the patient id (never the raw id). */
  patientPseudonym: string;
  /** Cards returned, in response order. */
  cards: { uuid: string; ruleId: string; topicCode: string; indicator: string }[];
  /** Prefetch keys satisfied by the client, and keys fetched from the FHIR server by us. */
  prefetchFromClient: string[];
  prefetchFetched: string[];
  /** Prefetch keys that could not be obtained. */
  prefetchUnavailable: string[];
  /** Duration per stage in milliseconds, e.g. { auth, validate, prefetch, snapshot, rules, render, total }. */
  durationsMs: Record<string, number>;
  /** `ok`, `data-unavailable`, `deadline`, `412`, ... */
  outcome: string;
  httpStatus: number;
}

export interface FeedbackRecord {
  serviceId: string;
  /** Card uuid the feedback is about (joins audit_cards.card_uuid). */
  cardUuid: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions: string[];
  /** Override reason Coding (spec `overrideReason.reason` or Epic's `overrideReasons`), if given. */
  overrideReason?: { code?: string; system?: string; display?: string };
  /** Free-text comment from the user, if given. Stored, never logged. */
  userComment?: string;
  outcomeTimestamp: Date;
  clientIss?: string;
}

export interface Storage {
  /** Runs pending migrations. Idempotent. */
  migrate(): Promise<void>;
  /** True when a trivial query succeeds (readiness). */
  ping(): Promise<boolean>;
  /**
   * Remembers a JWT id until `expiresAt`. Returns false when (iss, jti) was already seen
   * (a replay). Must be atomic across processes sharing the database.
   */
  rememberJti(iss: string, jti: string, expiresAt: Date): Promise<boolean>;
  /** Writes one audit row (and its cards). */
  writeAudit(record: AuditRecord): Promise<void>;
  /** Writes several audit rows (and their cards) in one statement: all or none. */
  writeAudits(records: AuditRecord[]): Promise<void>;
  /** Writes all feedback items in one transaction; resolves only once durable. */
  writeFeedback(records: FeedbackRecord[]): Promise<void>;
  /** Reads back feedback for a card (tests, support). */
  feedbackForCard(cardUuid: string): Promise<FeedbackRecord[]>;
  /** Reads back audit rows for a hookInstance (tests, support). */
  auditForHookInstance(hookInstance: string): Promise<AuditRecord[]>;
  /**
   * Deletes audit rows (with their cards) recorded before `auditBefore`, feedback received before
   * `feedbackBefore`, and used JWT ids that expired before `jtiExpiredBefore`. Returns the counts.
   */
  purge(cutoffs: RetentionCutoffs): Promise<{ audit: number; feedback: number; jti: number }>;
  close(): Promise<void>;
}

export interface RetentionCutoffs {
  auditBefore: Date;
  feedbackBefore: Date;
  jtiExpiredBefore: Date;
}
