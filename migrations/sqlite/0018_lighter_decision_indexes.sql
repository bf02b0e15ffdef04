-- Every decision is written through these indexes on the acknowledgement path, so each one costs
-- every command. `decisions_by_subject` repeats the leading columns of `decisions_by_subject_time`,
-- which serves every lookup it served. Undos and ritual decisions are a small share of the log:
-- their indexes now hold only the rows that have the column, and every query that uses them
-- compares the column with `=` or asks for `IS NOT NULL`, which is what lets the planner use a
-- partial index. (A SQLite database is served by one process, which runs this before serving.)
DROP INDEX decisions_by_subject;
DROP INDEX decisions_by_reverted;
CREATE INDEX decisions_by_reverted ON decisions (reverts_decision_id)
    WHERE reverts_decision_id IS NOT NULL;
DROP INDEX decisions_by_occurrence;
CREATE INDEX decisions_by_occurrence ON decisions (tenant_id, occurrence_id)
    WHERE occurrence_id IS NOT NULL;
