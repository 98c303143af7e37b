-- Alerts from Alertmanager and PagerDuty (issue 21). One row per alert identity (source +
-- fingerprint): a repeat delivery finds its row and updates the thread of the investigation it
-- started instead of posting anew. The version is the issue number so parallel branches adding
-- migrations do not collide.

CREATE TABLE alerts (
  id                 text PRIMARY KEY,
  source             text NOT NULL CHECK (source IN ('alertmanager', 'pagerduty')),
  fingerprint        text NOT NULL,
  channel            text NOT NULL,
  name               text NOT NULL,
  status             text NOT NULL CHECK (status IN ('firing', 'resolved')),
  labels             jsonb NOT NULL DEFAULT '{}'::jsonb,
  annotations        jsonb NOT NULL DEFAULT '{}'::jsonb,
  url                text,
  starts_at          timestamptz,
  ends_at            timestamptz,
  fire_count         integer NOT NULL DEFAULT 1,
  first_seen_at      timestamptz NOT NULL,
  last_seen_at       timestamptz NOT NULL,
  resolved_at        timestamptz,
  -- The latest investigation it started; its row (written by the worker) holds the thread.
  investigation_id   text,
  -- The storm window it was summarised in instead of investigated.
  suppressed_window  timestamptz,
  UNIQUE (source, fingerprint)
);
CREATE INDEX alerts_suppressed_idx ON alerts (channel, suppressed_window) WHERE suppressed_window IS NOT NULL;

-- Per channel and minute: investigations started, alerts summarised instead, and the one summary message.
CREATE TABLE alert_windows (
  channel          text NOT NULL,
  window_start     timestamptz NOT NULL,
  investigations   integer NOT NULL DEFAULT 0,
  suppressed       integer NOT NULL DEFAULT 0,
  summary_claimed  boolean NOT NULL DEFAULT false,
  summary_ts       text,
  PRIMARY KEY (channel, window_start)
);
