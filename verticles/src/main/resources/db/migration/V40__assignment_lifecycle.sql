-- Assignments get a life cycle (API v1.1): a draft is invisible to students, lock_at closes it to
-- answers, and a deleted one (soft, so its answer events stay in the log) leaves every read.
ALTER TABLE assignments
    ADD COLUMN status     text        NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    ADD COLUMN lock_at    timestamptz,
    ADD COLUMN deleted_at timestamptz;

-- Whether the answer came after the assignment's due date, decided when it was graded. On the
-- partitioned parent, so every partition has it; AnswerPartitions creates new months LIKE the
-- parent, so they get it too.
ALTER TABLE answer_events ADD COLUMN late boolean NOT NULL DEFAULT false;

-- The teacher's view of one student's attempts at one assignment walks this, newest first.
CREATE INDEX answer_events_assignment_student ON answer_events (assignment_id, student_id, submitted_at, event_id);
