-- Initial schema. Runs unchanged on embedded PGlite and on PostgreSQL, so keep to plain
-- PostgreSQL SQL without extensions. No schema qualification: PostgreSQL deployments may
-- place these tables in their own schema via search_path.

-- JWT ids already accepted, kept until the token (plus clock skew) has expired, so a
-- captured token cannot be replayed within its lifetime.
create table jti_seen (
  iss        text        not null,
  jti        text        not null,
  expires_at timestamptz not null,
  primary key (iss, jti)
);
create index jti_seen_expires_at on jti_seen (expires_at);

-- One row per hook invocation. Holds a pseudonym of the patient, never the patient id.
create table audit (
  id                   bigint generated always as identity primary key,
  at                   timestamptz not null,
  service_id           text        not null,
  hook                 text        not null,
  hook_instance        text        not null,
  client_iss           text,
  patient_pseudonym    text        not null,
  prefetch_from_client jsonb       not null default '[]',
  prefetch_fetched     jsonb       not null default '[]',
  prefetch_unavailable jsonb       not null default '[]',
  durations_ms         jsonb       not null default '{}',
  outcome              text        not null,
  http_status          integer     not null
);
create index audit_hook_instance on audit (hook_instance);
create index audit_at on audit (at);

-- Cards returned by an invocation; card_uuid is what the EHR quotes back in feedback.
create table audit_cards (
  card_uuid  text    primary key,
  audit_id   bigint  not null references audit (id) on delete cascade,
  position   integer not null,
  rule_id    text    not null,
  topic_code text    not null,
  indicator  text    not null
);
create index audit_cards_audit_id on audit_cards (audit_id);

-- Feedback is stored even when its card is unknown here (another replica's database, a
-- purged audit row, a misbehaving client), hence no foreign key to audit_cards.
create table feedback (
  id                   bigint generated always as identity primary key,
  received_at          timestamptz not null default now(),
  service_id           text        not null,
  card_uuid            text        not null,
  outcome              text        not null,
  accepted_suggestions jsonb       not null default '[]',
  override_reason      jsonb,
  user_comment         text,
  outcome_timestamp    timestamptz not null,
  client_iss           text
);
create index feedback_card_uuid on feedback (card_uuid);

-- Small persistent key/value store for generated secrets.
create table settings (
  name  text primary key,
  value text not null
);
