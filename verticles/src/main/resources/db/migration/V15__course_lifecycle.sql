-- Course lifecycle (API v1.1): archiving, enrollment policies with a join code, soft deletion.
-- A deleted course keeps its rows (answer events refer to it) and disappears from every read.
ALTER TABLE courses
    ADD COLUMN status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    ADD COLUMN enrollment_policy text NOT NULL DEFAULT 'open' CHECK (enrollment_policy IN ('open', 'code', 'teacher')),
    ADD COLUMN join_code         text,
    ADD COLUMN deleted_at        timestamptz;

-- GET /me/courses of a teacher walks (teacher_id, id) over live courses.
CREATE INDEX courses_teacher_live ON courses (teacher_id, id) WHERE deleted_at IS NULL;
