-- Editable answer keys (API v1.1: PATCH of a question). Every key a question ever had is kept, so
-- a regrade can be reproduced and audited: question_versions holds (answer, points) per version,
-- questions.key_version names the current one, and each answer event records the version it was
-- graded with. Version 1 is the key the question was created with.
ALTER TABLE questions ADD COLUMN key_version integer NOT NULL DEFAULT 1;

CREATE TABLE question_versions (
    question_id uuid        NOT NULL REFERENCES questions (id),
    version     integer     NOT NULL,
    answer      jsonb       NOT NULL,
    points      integer     NOT NULL,
    changed_by  uuid,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (question_id, version)
);
INSERT INTO question_versions (question_id, version, answer, points, changed_by, changed_at)
SELECT q.id, 1, q.answer, q.points, c.teacher_id, a.created_at
FROM questions q JOIN assignments a ON a.id = q.assignment_id JOIN courses c ON c.id = a.course_id;

-- A metadata-only change on a partitioned table: existing rows read the default without a rewrite.
ALTER TABLE answer_events ADD COLUMN key_version integer NOT NULL DEFAULT 1;
-- The regrade finds a question's events graded with an older key.
CREATE INDEX answer_events_question ON answer_events (question_id, key_version);

-- Regrades still to do. A row is written by the PATCH that changes a key, and by any answer batch
-- that stored an event graded with a key older than the question's (see AnswerBatches); the
-- regrader on any persistence node claims open rows and closes them (docs/operations.md, Regrades).
CREATE TABLE regrades (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id  uuid        NOT NULL REFERENCES questions (id),
    key_version  integer     NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    done_at      timestamptz
);
CREATE INDEX regrades_open ON regrades (requested_at) WHERE done_at IS NULL;
