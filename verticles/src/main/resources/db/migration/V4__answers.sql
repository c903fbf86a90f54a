-- pending_events is a queue: every answer inserts a row and the aggregator deletes it moments
-- later, so the table is nearly empty and its trailing pages are empty again and again. VACUUM
-- would truncate them, and truncating takes an ACCESS EXCLUSIVE lock that stalls every answer
-- insert behind it: keep the pages instead (they are reused at once). Vacuum and analyze it by a
-- fixed number of changed rows rather than a fraction of a table whose size swings by thousands
-- of rows a second.
ALTER TABLE pending_events SET (
    vacuum_truncate = false,
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 5000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 50000
);

-- question_scores is updated in place over and over (each aggregator run bumps the rows of the
-- questions just answered) and none of its indexes cover the updated columns. Free room on each
-- page lets those updates be HOT: the new version stays on the page, no index entry is added, and
-- old versions are pruned without waiting for VACUUM. At 100% fill, a benchmark that updated each
-- row about 40 times left the table 12x and its student index 8x larger, and progress reads 4x slower.
ALTER TABLE question_scores SET (fillfactor = 70);
