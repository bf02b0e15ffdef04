-- no-transaction
-- Platforms, outbox operations and job kinds are validated in Rust, so that a new platform,
-- operation or job type needs no table rebuild; decisions can be reverted by an undo and carry
-- the idempotency key of the click or form that made them. (SQLite.)
--
-- SQLite cannot drop a CHECK constraint in place, and `tenants` is referenced by every table, so
-- the rebuild runs with foreign keys off (which SQLite allows only outside a transaction) and
-- checks them all before committing.

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE tenants_v4 (
    id          INTEGER PRIMARY KEY,
    platform    TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    name        TEXT,
    created_at  BIGINT  NOT NULL,
    UNIQUE (platform, external_id)
);
INSERT INTO tenants_v4 SELECT id, platform, external_id, name, created_at FROM tenants;
DROP TABLE tenants;
ALTER TABLE tenants_v4 RENAME TO tenants;

CREATE TABLE outbox_v4 (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    idempotency_key TEXT   NOT NULL UNIQUE,
    platform        TEXT   NOT NULL,
    operation       TEXT   NOT NULL,
    channel_id      TEXT   NOT NULL,
    target_message  TEXT,
    card            TEXT   NOT NULL,
    occurrence_id   BIGINT,
    state           TEXT   NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    message_id      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    FOREIGN KEY (occurrence_id, tenant_id) REFERENCES occurrences (id, tenant_id)
);
INSERT INTO outbox_v4 SELECT id, tenant_id, idempotency_key, platform, operation, channel_id,
    target_message, card, occurrence_id, state, attempts, next_attempt_at, lease_until,
    last_error, message_id, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE jobs_v4 (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    kind        TEXT   NOT NULL,
    subject_id  BIGINT NOT NULL,
    spec        TEXT,
    due_at      BIGINT NOT NULL,
    lease_until BIGINT,
    attempts    BIGINT NOT NULL,
    last_error  TEXT,
    last_run_at BIGINT,
    done_at     BIGINT,
    created_at  BIGINT NOT NULL,
    UNIQUE (kind, subject_id)
);
INSERT INTO jobs_v4 SELECT id, tenant_id, kind, subject_id, spec, due_at, lease_until, attempts,
    last_error, last_run_at, done_at, created_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v4 RENAME TO jobs;
CREATE INDEX jobs_due ON jobs (done_at, due_at);

-- An undo names the decision it reverts; reads leave reverted decisions out.
ALTER TABLE decisions ADD COLUMN reverts_decision_id BIGINT;
CREATE INDEX decisions_by_reverted ON decisions (reverts_decision_id);
CREATE INDEX decisions_by_actor ON decisions (tenant_id, actor_person_id, created_at);

-- A click or form submission is recorded once, however often the platform delivers it.
ALTER TABLE decisions ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX decisions_by_idempotency_key ON decisions (tenant_id, idempotency_key);

COMMIT;
PRAGMA foreign_key_check;
PRAGMA foreign_keys = ON;
