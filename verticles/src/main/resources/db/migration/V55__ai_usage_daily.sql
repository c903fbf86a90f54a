-- Usage rolled up as it is recorded, for GET /api/v1/admin/ai/usage: a report reads a few small
-- rows per user, model and day whatever the size of ai_usage (never the raw rows). Maintained in the
-- transaction that inserts the raw rows (AiUsageStore), so they never disagree.
--   ai_usage_daily_models   per UTC day and model: groupBy=model and groupBy=day
--   ai_usage_monthly_users  per UTC month and user: groupBy=user, the whole months of a range
--   ai_usage_weekly_users   per ISO week (from Monday) and user: the whole weeks of the rest
--   ai_usage_daily_users    per UTC day and user: the days left over (at most 6 at each end of a part)
-- A user-by-day table alone made a 90-day report of 1,000 daily users read 90,000 rows (50 ms and
-- more on 2 cores); months, then weeks, then days bring that to at most about 24 rows per user.
-- user_id is null for usage without an owner; NULLS NOT DISTINCT makes that one row like the others.
CREATE TABLE ai_usage_daily_models (
  day               date           NOT NULL,
  model             text           NOT NULL,
  requests          bigint         NOT NULL,
  prompt_tokens     bigint         NOT NULL,
  completion_tokens bigint         NOT NULL,
  cost              numeric(20, 6) NOT NULL,
  PRIMARY KEY (day, model)
);

CREATE TABLE ai_usage_daily_users (
  day               date           NOT NULL,
  user_id           uuid,
  requests          bigint         NOT NULL,
  prompt_tokens     bigint         NOT NULL,
  completion_tokens bigint         NOT NULL,
  cost              numeric(20, 6) NOT NULL,
  CONSTRAINT ai_usage_daily_users_key UNIQUE NULLS NOT DISTINCT (day, user_id)
);

-- month: the first day of the UTC month.
CREATE TABLE ai_usage_monthly_users (
  month             date           NOT NULL,
  user_id           uuid,
  requests          bigint         NOT NULL,
  prompt_tokens     bigint         NOT NULL,
  completion_tokens bigint         NOT NULL,
  cost              numeric(20, 6) NOT NULL,
  CONSTRAINT ai_usage_monthly_users_key UNIQUE NULLS NOT DISTINCT (month, user_id)
);

-- week: the Monday of the ISO week.
CREATE TABLE ai_usage_weekly_users (
  week              date           NOT NULL,
  user_id           uuid,
  requests          bigint         NOT NULL,
  prompt_tokens     bigint         NOT NULL,
  completion_tokens bigint         NOT NULL,
  cost              numeric(20, 6) NOT NULL,
  CONSTRAINT ai_usage_weekly_users_key UNIQUE NULLS NOT DISTINCT (week, user_id)
);

-- The rows recorded before these tables existed.
INSERT INTO ai_usage_daily_models
SELECT (created_at AT TIME ZONE 'UTC')::date, model, count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)
FROM ai_usage GROUP BY 1, 2;
INSERT INTO ai_usage_daily_users
SELECT (created_at AT TIME ZONE 'UTC')::date, user_id, count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)
FROM ai_usage GROUP BY 1, 2;
INSERT INTO ai_usage_monthly_users
SELECT date_trunc('month', day)::date, user_id, sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(cost)
FROM ai_usage_daily_users GROUP BY 1, 2;
INSERT INTO ai_usage_weekly_users
SELECT date_trunc('week', day)::date, user_id, sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(cost)
FROM ai_usage_daily_users GROUP BY 1, 2;
