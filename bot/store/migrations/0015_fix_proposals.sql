-- Fix proposals (issue 15): one row per "Propose fix" on an answer, from plan to Healthy. The
-- state column moves only by compare-and-set, so double clicks, two approvers at once and a
-- worker restarted mid-watch never merge twice, open a second pull request or report twice.

CREATE TABLE fix_proposals (
  id                text PRIMARY KEY,
  investigation_id  text REFERENCES investigations (id) ON DELETE SET NULL,
  channel           text NOT NULL,
  thread            text NOT NULL,
  requested_by      text NOT NULL,
  app_instance      text NOT NULL,
  app_name          text NOT NULL,
  plan              jsonb NOT NULL,
  status            text NOT NULL DEFAULT 'planned'
                    CHECK (status IN ('planned', 'pr_opened', 'approved', 'merged', 'watching', 'healthy',
                                      'failed', 'rejected')),
  pull_request_id   text REFERENCES pull_requests (id) ON DELETE SET NULL,
  approval_id       text REFERENCES approvals (id) ON DELETE SET NULL,
  head_sha          text,
  merge_sha         text,
  approved_by       text,
  watch_deadline    timestamptz,
  stages            jsonb NOT NULL DEFAULT '{}'::jsonb,
  error             text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- At most one live proposal per investigation: a second click finds the first.
CREATE UNIQUE INDEX fix_proposals_live_idx ON fix_proposals (investigation_id)
  WHERE status NOT IN ('failed', 'rejected');
CREATE INDEX fix_proposals_status_idx ON fix_proposals (status, watch_deadline);
