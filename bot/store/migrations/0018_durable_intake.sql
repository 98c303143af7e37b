-- Durable intake (issue 18): the Slack receiver stores a question before it acknowledges it, and
-- a relay enqueues what is stored but not yet on the queue. The intake key (Slack event id or
-- slash-command trigger) makes a redelivered event a no-op; the job column holds the queue job
-- exactly as it will be enqueued. The stream ts lets a later worker replace a half-streamed
-- answer; the settled time says the status message no longer shows "Looking into it". The
-- heartbeat says a worker is on the question right now, so the relay never re-enqueues a question
-- that is still being worked on.

ALTER TABLE investigations ADD COLUMN intake_key text;
ALTER TABLE investigations ADD COLUMN job jsonb;
ALTER TABLE investigations ADD COLUMN enqueued_at timestamptz;
ALTER TABLE investigations ADD COLUMN slack_stream_ts text;
ALTER TABLE investigations ADD COLUMN slack_status_settled_at timestamptz;
ALTER TABLE investigations ADD COLUMN worker_heartbeat_at timestamptz;
-- The attempt that is posting the answer: two attempts of one job (a stalled lock, a recovered
-- job) never post two answers; a claim older than a minute is taken over.
ALTER TABLE investigations ADD COLUMN answer_claimed_by text;
ALTER TABLE investigations ADD COLUMN answer_claimed_at timestamptz;
CREATE UNIQUE INDEX investigations_intake_key_idx ON investigations (intake_key);
CREATE INDEX investigations_unenqueued_idx ON investigations (started_at)
  WHERE job IS NOT NULL AND enqueued_at IS NULL;
CREATE INDEX investigations_open_idx ON investigations (started_at)
  WHERE status IN ('queued', 'running');
