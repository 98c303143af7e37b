-- A model without a configured price has an unknown cost: stored as NULL, never as 0 (free).

ALTER TABLE investigations ALTER COLUMN cost_usd DROP NOT NULL;
