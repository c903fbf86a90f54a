-- One row per AI request the gateway answered (or gave up on mid-stream): who, which model and
-- upstream, tokens, estimated cost (LEARNGRID_AI_PRICES), latency, and whether the cache answered.
-- Written in batches by the persistence role from the ai role's usage messages.
CREATE TABLE ai_usage (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id           uuid,
  model             text        NOT NULL,
  upstream          text,
  purpose           text        NOT NULL,
  prompt_tokens     integer     NOT NULL,
  completion_tokens integer     NOT NULL,
  cost              numeric(14, 6) NOT NULL,
  latency_ms        integer     NOT NULL,
  cached            boolean     NOT NULL,
  streamed          boolean     NOT NULL,
  created_at        timestamptz NOT NULL
);

-- Per-user and per-day reports ("who spent what this week").
CREATE INDEX ai_usage_user_created ON ai_usage (user_id, created_at);
CREATE INDEX ai_usage_created ON ai_usage (created_at);
