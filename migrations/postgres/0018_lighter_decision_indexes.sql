-- no-transaction
-- Every decision is written through its table's indexes on the acknowledgement path.
-- `decisions_by_subject` repeats the leading columns of `decisions_by_subject_time`, which serves
-- every lookup it served. Dropped concurrently, outside a transaction, so replicas of the
-- previous version keep reading and writing decisions while it goes (a plain DROP INDEX would
-- lock the table against both). PostgreSQL keeps its full undo and occurrence indexes: making
-- them partial, as on SQLite, would mean rebuilding them, and their cost there is small.
DROP INDEX CONCURRENTLY IF EXISTS decisions_by_subject;
