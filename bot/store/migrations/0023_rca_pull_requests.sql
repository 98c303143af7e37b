-- RCA publishing can open a pull request into a postmortems repository (issue 16): record it
-- beside fix and skill pull requests.
ALTER TABLE pull_requests DROP CONSTRAINT pull_requests_kind_check;
ALTER TABLE pull_requests ADD CONSTRAINT pull_requests_kind_check CHECK (kind IN ('fix', 'skill', 'rca'));
