-- The course event outbox: every change a course's event stream shows (an answer, a fold into
-- progress, an enrollment made or ended) is written here in the same transaction as the change,
-- so a stream (GET /courses/{id}/events) and a webhook see exactly what committed, and a client
-- resuming with Last-Event-ID reads what it missed from here. Kept for a few hours (Retention).
--
-- seq is the SSE id: per course, from 1, without gaps. course_event_seqs.last_seq is the counter;
-- a transaction that appends events bumps it and holds its row lock until it commits, so the
-- events of one course become visible in seq order: once seq n is visible, every seq below is.
CREATE TABLE course_event_seqs (
    course_id uuid   PRIMARY KEY,
    last_seq  bigint NOT NULL
);

CREATE TABLE course_events (
    course_id   uuid        NOT NULL,
    seq         bigint      NOT NULL,
    -- The event's id in webhook deliveries (receivers dedupe by it).
    id          uuid        NOT NULL,
    type        text        NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    data        jsonb       NOT NULL,
    PRIMARY KEY (course_id, seq)
);

-- Retention deletes by age.
CREATE INDEX course_events_occurred ON course_events (occurred_at);

-- Admin-managed webhook subscriptions. A delivery is a job of kind 'webhook', queued in the same
-- transaction as the event it carries; the job runs as the webhook's creator (jobs.owner_id).
CREATE TABLE webhooks (
    id              uuid        PRIMARY KEY,
    url             text        NOT NULL,
    events          text[]      NOT NULL,
    secret          text        NOT NULL,
    created_by      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Set when deliveries failed for the whole retry window (or the URL became refused).
    disabled_at     timestamptz,
    disabled_reason text
);

CREATE INDEX webhooks_active ON webhooks (created_at) WHERE disabled_at IS NULL;
