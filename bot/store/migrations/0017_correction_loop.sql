-- The correction loop (issue 17): a correction is captured once per Slack view (or thread
-- message), waits for its author to confirm the proposed skill change, and then follows its
-- skills pull request: open -> proposed -> merged, or discarded. Each investigation keeps a
-- redacted snapshot of what it gathered, from which the regression scenario is written.

ALTER TABLE corrections DROP CONSTRAINT corrections_status_check;
UPDATE corrections SET status = 'proposed' WHERE status = 'skill_pr_opened';
UPDATE corrections SET status = 'discarded' WHERE status = 'dismissed';
ALTER TABLE corrections ADD CONSTRAINT corrections_status_check
  CHECK (status IN ('open', 'proposed', 'merged', 'discarded'));
-- The Slack view id of the modal submit, or `message:<channel>:<ts>` of a thread reply.
ALTER TABLE corrections ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX corrections_idempotency_idx ON corrections (idempotency_key) WHERE idempotency_key IS NOT NULL;
ALTER TABLE corrections ADD COLUMN source text NOT NULL DEFAULT 'modal' CHECK (source IN ('modal', 'thread', 'skill_request'));
ALTER TABLE corrections ADD COLUMN channel text;
ALTER TABLE corrections ADD COLUMN thread text;
ALTER TABLE corrections ADD COLUMN correct_fix text;
-- The proposed change as shown to the author (skill, kind, diff, scenario), frozen at confirm.
ALTER TABLE corrections ADD COLUMN proposal jsonb;
ALTER TABLE corrections ADD COLUMN pull_request_id text REFERENCES pull_requests (id) ON DELETE SET NULL;
-- The skills-repository commit that carried the change (the merge commit).
ALTER TABLE corrections ADD COLUMN merge_sha text;

CREATE TABLE investigation_snapshots (
  investigation_id  text PRIMARY KEY REFERENCES investigations (id) ON DELETE CASCADE,
  snapshot          jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
