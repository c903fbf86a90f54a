-- CSV exports of a course (the export job): one row per finished file, its bytes in chunks of
-- about 256 KiB, so neither the job that writes it nor the route that streams it ever holds the
-- whole file. job_id is the export job's id: a second attempt of the same job conflicts on it
-- instead of writing a second file. No foreign key to jobs: job retention
-- (LEARNGRID_JOB_RETENTION_DAYS) may delete the job before the file expires, and the file must
-- stay downloadable until expires_at.
CREATE TABLE export_files (
    job_id     uuid        PRIMARY KEY,
    owner_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id  uuid,
    kind       text        NOT NULL CHECK (kind IN ('gradebook', 'answers')),
    filename   text        NOT NULL,
    rows       bigint      NOT NULL DEFAULT 0,
    bytes      bigint      NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
-- Retention deletes files by expiry (their chunks go with them).
CREATE INDEX export_files_expires ON export_files (expires_at);

CREATE TABLE export_chunks (
    job_id uuid    NOT NULL REFERENCES export_files (job_id) ON DELETE CASCADE,
    seq    integer NOT NULL CHECK (seq >= 0),
    data   bytea   NOT NULL,
    PRIMARY KEY (job_id, seq)
);
