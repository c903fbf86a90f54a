-- Retention deletes finished jobs by age (LEARNGRID_AI_JOB_RETENTION_DAYS): an index on just those.
CREATE INDEX ai_jobs_finished ON ai_jobs (finished_at) WHERE finished_at IS NOT NULL;
