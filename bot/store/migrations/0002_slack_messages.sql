-- Where an investigation shows up in Slack: the status message updated while it runs and the
-- message holding the answer. A retried job reuses them, so a person sees one status line and
-- exactly one answer even when a job runs twice.

ALTER TABLE investigations ADD COLUMN slack_status_ts text;
ALTER TABLE investigations ADD COLUMN slack_answer_ts text;
