-- The scheduler's durable jobs, scheduled rituals, per-team digest schedules, App Home views in
-- the outbox, and Teams conversation references for proactive posts. (SQLite.)

-- One row per recurring or one-off job. A recurring job (a team's digest, a scheduled ritual)
-- keeps one row whose due_at moves forward after each run; a one-off job (a nudge) gets done_at.
-- A claim holds a lease; a claim whose lease ran out may be taken by another worker.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    kind        TEXT   NOT NULL CHECK (kind IN ('digest', 'ritual', 'nudge')),
    -- The team (digest), ritual (ritual) or occurrence (nudge) the job is about.
    subject_id  BIGINT NOT NULL,
    -- The schedule and time zone due_at was computed from; a change recomputes it.
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
CREATE INDEX jobs_due ON jobs (done_at, due_at);

-- A ritual may run on a schedule (five-field cron in the team's time zone) as well as on events;
-- its prompt then goes out prompt_before_minutes ahead of the scheduled time.
ALTER TABLE rituals ADD COLUMN schedule TEXT;
ALTER TABLE rituals ADD COLUMN prompt_before_minutes BIGINT NOT NULL DEFAULT 0;

-- The team's digest schedule; NULL means the default (Mondays 09:00), 'off' means none.
ALTER TABLE teams ADD COLUMN digest_schedule TEXT;

-- SQLite cannot change a CHECK constraint in place: rebuild the outbox to accept App Home views.
CREATE TABLE outbox_v3 (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    idempotency_key TEXT   NOT NULL UNIQUE,
    platform        TEXT   NOT NULL CHECK (platform IN ('slack', 'teams')),
    operation       TEXT   NOT NULL
        CHECK (operation IN ('post', 'update', 'ephemeral', 'open_view', 'publish_home')),
    channel_id      TEXT   NOT NULL,
    -- update: the platform id of the message to replace; ephemeral: the user who sees it;
    -- open_view: the trigger id of the click that opens the form; publish_home: the user.
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
INSERT INTO outbox_v3 SELECT id, tenant_id, idempotency_key, platform, operation, channel_id,
    target_message, card, occurrence_id, state, attempts, next_attempt_at, lease_until,
    last_error, message_id, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v3 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Where Cadence can post in Teams without being spoken to first: the conversation reference
-- from the latest activity or installation event in each conversation.
CREATE TABLE conversation_refs (
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    conversation_id TEXT   NOT NULL,
    service_url     TEXT   NOT NULL,
    bot_id          TEXT   NOT NULL,
    conversation_type TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id)
);

-- The digest reads a week of level decisions per team member to tell the change since last week.
CREATE INDEX decisions_by_subject_time ON decisions (tenant_id, subject_person_id, created_at);

-- The digest and App Home count a team's waiting track requests.
CREATE INDEX track_enrolments_by_team ON track_enrolments (tenant_id, team_id, status);

-- A team's members, found by tenant and team: without it, a read naming both walks every
-- member of the tenant on SQLite (which has no statistics to prefer the primary key).
CREATE INDEX team_members_by_team ON team_members (tenant_id, team_id);
