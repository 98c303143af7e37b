-- RCA documents (issue 16): the structured document with its review state, every edit as a
-- version (who, when, which fields changed), an access log of page reads and edits, and the
-- structured result of each tool call, so a draft is built from what the bot actually saw.
-- Numbered after the issue so parallel schema changes do not collide.

ALTER TABLE tool_calls ADD COLUMN result jsonb;

ALTER TABLE rcas DROP CONSTRAINT rcas_status_check;
ALTER TABLE rcas ADD CONSTRAINT rcas_status_check CHECK (status IN ('draft', 'in_review', 'published'));
ALTER TABLE rcas ADD COLUMN document jsonb;
ALTER TABLE rcas ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE rcas ADD COLUMN mode text NOT NULL DEFAULT 'triage' CHECK (mode IN ('triage', 'model'));
ALTER TABLE rcas ADD COLUMN severity text NOT NULL DEFAULT 'unknown';
ALTER TABLE rcas ADD COLUMN team text;
ALTER TABLE rcas ADD COLUMN service text;
ALTER TABLE rcas ADD COLUMN channel text;
ALTER TABLE rcas ADD COLUMN incident_at timestamptz;
ALTER TABLE rcas ADD COLUMN minutes_to_detect integer;
ALTER TABLE rcas ADD COLUMN minutes_to_recover integer;
ALTER TABLE rcas ADD COLUMN published_at timestamptz;
ALTER TABLE rcas ADD COLUMN slack_ts text;
CREATE INDEX rcas_team_incident_idx ON rcas (team, incident_at DESC);

CREATE TABLE rca_versions (
  rca_id      text NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
  version     integer NOT NULL,
  edited_by   text NOT NULL,
  edited_at   timestamptz NOT NULL DEFAULT now(),
  status      text NOT NULL,
  changes     jsonb NOT NULL DEFAULT '[]'::jsonb,
  document    jsonb NOT NULL,
  PRIMARY KEY (rca_id, version)
);

CREATE TABLE rca_access_log (
  id          bigserial PRIMARY KEY,
  rca_id      text,
  reader      text NOT NULL,
  action      text NOT NULL CHECK (action IN ('read', 'edit', 'publish', 'export', 'refused')),
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rca_access_log_rca_idx ON rca_access_log (rca_id, at DESC);
