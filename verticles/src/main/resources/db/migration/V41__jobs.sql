-- One durable queue for every kind of background work (AI generation, email, roster imports,
-- exports, bulk assignments). A kind's runner on any node with the owning role claims a job with
-- FOR UPDATE SKIP LOCKED and holds it under a lease that it renews while the attempt runs; a job
-- whose node died is claimed again once leased_until has passed. lease_token fences completion:
-- only the current lease holder's update matches, so a job finishes exactly once. A job that used
-- up its attempts stays 'failed' with its last error: the dead letter.
CREATE TABLE jobs (
    id             uuid        PRIMARY KEY,
    owner_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9-]{0,39}$'),
    status         text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    -- Higher first within a kind: a password-reset email overtakes a roster's set-password emails.
    priority       smallint    NOT NULL DEFAULT 0,
    -- input->'secrets' (e.g. a reset token an email carries) is dropped once the job has finished.
    input          jsonb       NOT NULL,
    result         jsonb,
    error          text,
    attempts       integer     NOT NULL DEFAULT 0,
    max_attempts   integer     NOT NULL CHECK (max_attempts >= 1),
    run_after      timestamptz NOT NULL DEFAULT now(),
    lease_owner    text,
    lease_token    uuid,
    leased_until   timestamptz,
    progress_done  bigint,
    progress_total bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);

INSERT INTO jobs (id, owner_id, kind, status, input, result, error, attempts, max_attempts, run_after,
                  lease_owner, lease_token, leased_until, created_at, finished_at)
SELECT id, owner_id, kind, status, input, result, error, attempts, max_attempts, run_after,
       lease_owner, lease_token, leased_until, created_at, finished_at
FROM ai_jobs;

DROP TABLE ai_jobs;

-- Claims, the queue bound and the gauges scan only unfinished jobs of one kind, in claim order.
CREATE INDEX jobs_unfinished ON jobs (kind, status, priority DESC, run_after) WHERE status IN ('queued', 'running');
-- Renewals, progress and completion find a job by its claim.
CREATE UNIQUE INDEX jobs_lease ON jobs (lease_token) WHERE lease_token IS NOT NULL;
-- Retention deletes finished jobs by age (LEARNGRID_JOB_RETENTION_DAYS).
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
