-- Calendar feeds as ritual triggers: the feeds' poll state and the meetings they scheduled.
-- (SQLite.)

-- One row per configured calendar feed (its address stays in configuration, a secret): when it is
-- next fetched, what the last answer's validators were (for a conditional GET), and a lease so
-- that one replica fetches it at a time. attempts counts failed fetches in a row, for backoff.
CREATE TABLE ics_feeds (
    id            INTEGER PRIMARY KEY,
    name          TEXT   NOT NULL UNIQUE,
    due_at        BIGINT NOT NULL,
    lease_until   BIGINT,
    attempts      BIGINT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    -- When the feed last answered with a body, and which rituals it was matched against then:
    -- a 304 is trusted only while both are fresh.
    fetched_at    BIGINT,
    rituals_seen  TEXT,
    last_status   BIGINT,
    last_error    TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX ics_feeds_due ON ics_feeds (due_at);

-- One upcoming meeting of a feed for one ritual whose trigger picks it: the prompt is due at
-- due_at (the meeting's start or end, less the ritual's lead time). The key is the event's UID
-- and, for an instance of a series, its original start (RECURRENCE-ID), so a moved instance
-- keeps its row. state: 'scheduled', 'cancelled' or 'prompted' (never scheduled again).
CREATE TABLE feed_instances (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    ritual_id   BIGINT NOT NULL,
    feed        TEXT   NOT NULL,
    instance    TEXT   NOT NULL,
    title       TEXT   NOT NULL,
    moment_at   BIGINT NOT NULL,
    due_at      BIGINT NOT NULL,
    state       TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (ritual_id, feed, instance),
    FOREIGN KEY (ritual_id, tenant_id) REFERENCES rituals (id, tenant_id)
);
CREATE INDEX feed_instances_by_feed ON feed_instances (feed, state);
