-- Where a long job got to, written in the same transaction as the work it describes: an attempt
-- that dies midway leaves the checkpoint of the last chunk it committed, and the next attempt
-- goes on from there (a roster import: the next row and the counts so far).
ALTER TABLE jobs ADD COLUMN checkpoint jsonb;
