-- Accounts. Emails are stored lower-cased by the HTTP role, so a plain unique index suffices.
CREATE TABLE users (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text        NOT NULL UNIQUE,
    password_hash text        NOT NULL,
    display_name  text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('student', 'teacher', 'admin')),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE courses (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    teacher_id  uuid        NOT NULL REFERENCES users (id),
    title       text        NOT NULL,
    subject     text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Keyset pagination of GET /courses?subject= walks (subject, id); a teacher's courses by teacher_id.
CREATE INDEX courses_subject_id ON courses (subject, id);
CREATE INDEX courses_teacher_id ON courses (teacher_id);

-- Refresh tokens are stored as SHA-256 hashes; a family is one login's chain of rotations, so a
-- reused old token can revoke every token descended from the same login.
CREATE TABLE refresh_tokens (
    token_hash bytea       PRIMARY KEY,
    family_id  uuid        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issued_at  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);

CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
