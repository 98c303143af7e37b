-- Conversations in Slack threads and DMs (issue 18). One row per place a conversation happens:
-- a channel thread the bot answered, a DM channel (thread '' — DMs answer at top level), or an
-- AI-app thread (kind 'assistant', recorded when Slack starts it). A follow-up resolves against
-- what the last answer was about: its entities, the evidence it cited, the answer itself, and a
-- clarifying question still waiting for a reply. The version is the issue number's slot so
-- parallel branches adding migrations do not collide.

CREATE TABLE conversations (
  channel                 text NOT NULL,
  thread                  text NOT NULL,
  kind                    text NOT NULL DEFAULT 'thread' CHECK (kind IN ('thread', 'dm', 'assistant')),
  -- What the last answer was about (bot/agent Entities), redacted like every stored answer.
  entities                jsonb,
  -- The evidence lines the last answer cited, with their sources and kinds.
  evidence                jsonb NOT NULL DEFAULT '[]'::jsonb,
  gathered_at             timestamptz,
  previous_answer         jsonb,
  last_investigation_id   text,
  -- A clarifying question waiting for its reply: the question asked and each choice's question.
  pending_clarification   jsonb,
  -- Earlier turns, oldest first, at most ten: the question and the answer's gist.
  turns                   jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at              timestamptz NOT NULL,
  PRIMARY KEY (channel, thread)
);
