-- Courses' students. There is no way to leave a course in API v1, so an enrollment, once made,
-- is permanent: readers may cache a positive answer for as long as they like.
CREATE TABLE enrollments (
    course_id   uuid        NOT NULL REFERENCES courses (id),
    student_id  uuid        NOT NULL REFERENCES users (id),
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (course_id, student_id)
);
CREATE INDEX enrollments_student_course ON enrollments (student_id, course_id);

CREATE TABLE assignments (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    course_id      uuid        NOT NULL REFERENCES courses (id),
    title          text        NOT NULL,
    due_at         timestamptz,
    question_count integer     NOT NULL,
    max_points     integer     NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
-- Keyset pagination of a course's assignments walks (course_id, id).
CREATE INDEX assignments_course_id ON assignments (course_id, id);

-- Questions never change once their assignment exists (API v1 has no way to edit them), which is
-- what lets the grader keep them in memory.
CREATE TABLE questions (
    id            uuid    PRIMARY KEY DEFAULT gen_random_uuid(),
    assignment_id uuid    NOT NULL REFERENCES assignments (id),
    position      integer NOT NULL,
    prompt        text    NOT NULL,
    kind          text    NOT NULL CHECK (kind IN ('choice', 'text', 'number')),
    choices       jsonb,
    answer        jsonb   NOT NULL,
    points        integer NOT NULL CHECK (points >= 0),
    UNIQUE (assignment_id, position)
);

-- Every answer ever submitted, graded at submission. Append-only, range-partitioned by month so
-- that old months can be dropped or archived whole (the aggregates below keep their effect).
CREATE TABLE answer_events (
    event_id       uuid        NOT NULL,
    submitted_at   timestamptz NOT NULL,
    student_id     uuid        NOT NULL,
    course_id      uuid        NOT NULL,
    assignment_id  uuid        NOT NULL,
    question_id    uuid        NOT NULL,
    answer         jsonb       NOT NULL,
    correct        boolean     NOT NULL,
    points_awarded integer     NOT NULL,
    PRIMARY KEY (event_id, submitted_at)
) PARTITION BY RANGE (submitted_at);
-- A safety net: a row for a month whose partition was not created ahead still lands somewhere.
CREATE TABLE answer_events_default PARTITION OF answer_events DEFAULT;
CREATE INDEX answer_events_student ON answer_events (student_id, submitted_at);
CREATE INDEX answer_events_assignment ON answer_events (assignment_id, submitted_at);

-- Events not yet folded into the aggregates. Written in the same statement as the event, deleted
-- in the same transaction that folds it: an event is folded exactly once, whichever node does it.
CREATE TABLE pending_events (
    event_id     uuid        PRIMARY KEY,
    submitted_at timestamptz NOT NULL
);
CREATE INDEX pending_events_submitted ON pending_events (submitted_at);

-- A student's standing on one question: attempts, best points, whether any attempt was right.
CREATE TABLE question_scores (
    student_id    uuid        NOT NULL,
    question_id   uuid        NOT NULL,
    assignment_id uuid        NOT NULL,
    course_id     uuid        NOT NULL,
    attempts      integer     NOT NULL,
    correct       boolean     NOT NULL,
    best_points   integer     NOT NULL,
    last_event_at timestamptz NOT NULL,
    PRIMARY KEY (student_id, question_id)
);
CREATE INDEX question_scores_assignment ON question_scores (assignment_id);
CREATE INDEX question_scores_student_course ON question_scores (student_id, course_id);

-- Idempotency-Key: the first response to a (user, key), replayed for retries through any node.
-- The row is written in the same transaction as what it created, so a crash cannot separate them.
CREATE TABLE idempotency_keys (
    user_id      uuid        NOT NULL,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    status       integer     NOT NULL,
    response     jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
