-- Issue 24: records of internal topics are counted per topic apart from
-- the business topics (Stats.Internal), in the same table, flagged.
ALTER TABLE topics ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
