-- First schema: investigations and their audit trail, plus the follow-up records
-- (feedback, corrections, approvals, pull requests, RCAs) later features fill in.

CREATE TABLE investigations (
  id              text PRIMARY KEY,
  source          text NOT NULL CHECK (source IN ('slack', 'cli', 'eval', 'api')),
  channel         text,
  thread          text,
  user_id         text,
  question        text NOT NULL,
  status          text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'answered', 'failed', 'clarifying')),
  trace_id        text,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  answer          jsonb,
  error           text,
  model           text,
  input_tokens    integer NOT NULL DEFAULT 0,
  output_tokens   integer NOT NULL DEFAULT 0,
  cached_tokens   integer NOT NULL DEFAULT 0,
  cost_usd        numeric(12, 6) NOT NULL DEFAULT 0
);
CREATE INDEX investigations_channel_started_idx ON investigations (channel, started_at DESC);
CREATE INDEX investigations_thread_idx ON investigations (channel, thread);

CREATE TABLE tool_calls (
  id                bigserial PRIMARY KEY,
  investigation_id  text REFERENCES investigations (id) ON DELETE CASCADE,
  principal         text,
  server            text NOT NULL,
  instance          text,
  tool              text NOT NULL,
  arguments         jsonb NOT NULL DEFAULT '{}'::jsonb,
  outcome           text NOT NULL CHECK (outcome IN ('ok', 'tool_error', 'failed', 'denied')),
  duration_ms       integer NOT NULL,
  error             text,
  trace_id          text,
  called_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tool_calls_investigation_idx ON tool_calls (investigation_id, called_at);

CREATE TABLE feedback (
  id                bigserial PRIMARY KEY,
  investigation_id  text NOT NULL REFERENCES investigations (id) ON DELETE CASCADE,
  user_id           text NOT NULL,
  rating            text NOT NULL CHECK (rating IN ('helpful', 'not_helpful')),
  comment           text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (investigation_id, user_id)
);

CREATE TABLE corrections (
  id                text PRIMARY KEY,
  investigation_id  text NOT NULL REFERENCES investigations (id) ON DELETE CASCADE,
  user_id           text NOT NULL,
  correct_root_cause text NOT NULL,
  details           text,
  skill_name        text,
  status            text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'skill_pr_opened', 'merged', 'dismissed')),
  skill_pr_url      text,
  scenario_path     text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX corrections_status_idx ON corrections (status, created_at DESC);

CREATE TABLE approvals (
  id                text PRIMARY KEY,
  investigation_id  text REFERENCES investigations (id) ON DELETE SET NULL,
  action            text NOT NULL,
  target            jsonb NOT NULL DEFAULT '{}'::jsonb,
  requested_by      text NOT NULL,
  status            text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'used')),
  decided_by        text,
  decided_at        timestamptz,
  expires_at        timestamptz NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approvals_status_idx ON approvals (status, expires_at);

CREATE TABLE pull_requests (
  id                text PRIMARY KEY,
  investigation_id  text REFERENCES investigations (id) ON DELETE SET NULL,
  approval_id       text REFERENCES approvals (id) ON DELETE SET NULL,
  kind              text NOT NULL CHECK (kind IN ('fix', 'skill')),
  provider          text NOT NULL,
  repository        text NOT NULL,
  branch            text NOT NULL,
  number            integer,
  url               text,
  title             text NOT NULL,
  status            text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('draft', 'open', 'merged', 'closed')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rcas (
  id                text PRIMARY KEY,
  investigation_id  text NOT NULL REFERENCES investigations (id) ON DELETE CASCADE,
  title             text NOT NULL,
  body_markdown     text NOT NULL,
  status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  author            text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rcas_investigation_idx ON rcas (investigation_id);
