-- Durable AI jobs (question generation, lesson plans). Any node's ai role claims a job with
-- FOR UPDATE SKIP LOCKED and holds it under a lease that it renews while the attempt runs; a job
-- whose node died is claimed again once leased_until has passed. lease_token fences completion:
-- only the current lease holder's update matches, so a job finishes exactly once.
CREATE TABLE ai_jobs (
    id            uuid        PRIMARY KEY,
    owner_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          text        NOT NULL CHECK (kind IN ('questions', 'lesson-plan')),
    status        text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    input         jsonb       NOT NULL,
    result        jsonb,
    error         text,
    attempts      integer     NOT NULL DEFAULT 0,
    max_attempts  integer     NOT NULL CHECK (max_attempts >= 1),
    run_after     timestamptz NOT NULL DEFAULT now(),
    lease_owner   text,
    lease_token   uuid,
    leased_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);

-- Only unfinished jobs are ever scanned (claims, the queue bound, the queued gauge): finished
-- ones stay out of the index however many accumulate.
CREATE INDEX ai_jobs_unfinished ON ai_jobs (status, run_after) WHERE status IN ('queued', 'running');
