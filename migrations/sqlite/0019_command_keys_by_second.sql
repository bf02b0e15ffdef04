-- A slash command's idempotency key is `slack-command:{signed second}:{signature}`. Within a
-- second the signatures are random, so a unique index on these keys put each command of a
-- group commit on a page of its own: under load, 30 of the 57 pages a commit wrote. Slack's
-- signature is accepted only within five minutes of its timestamp, so such a key can come
-- again only for a few minutes: the writer remembers the keys it committed for the last
-- seconds, and asks this index, by second (it grows at its end), for the rest
-- (`store/group_commit/replays.rs`). Every other key stays unique in the database. (A SQLite
-- database is served by one process, which runs this before serving.)
DROP INDEX decisions_by_idempotency_key;
CREATE UNIQUE INDEX decisions_by_idempotency_key ON decisions (tenant_id, idempotency_key)
    WHERE substr(idempotency_key, 1, 14) <> 'slack-command:';
CREATE INDEX decisions_by_command_second ON decisions (substr(idempotency_key, 1, 24), tenant_id)
    WHERE substr(idempotency_key, 1, 14) = 'slack-command:';
