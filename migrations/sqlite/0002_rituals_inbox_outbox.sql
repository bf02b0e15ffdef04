-- Rituals and their triggers, the inbox of verified events, occurrences, and the outbox: the
-- only way anything is posted. (SQLite.)

CREATE TABLE rituals (
    id                  INTEGER PRIMARY KEY,
    tenant_id           BIGINT  NOT NULL REFERENCES tenants (id),
    team_id             BIGINT  NOT NULL,
    kind                TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    channel_id          TEXT    NOT NULL,
    -- Post the prompt when the occurrence starts or when it ends.
    prompt_on           TEXT    NOT NULL CHECK (prompt_on IN ('start', 'end')),
    -- What the ritual is expected to produce: 'gaps', 'interventions', 'coaching' or 'none'.
    artefact            TEXT    NOT NULL,
    -- Minutes after the prompt before one nudge; NULL for none.
    nudge_after_minutes BIGINT,
    paused              BIGINT  NOT NULL CHECK (paused IN (0, 1)),
    created_at          BIGINT  NOT NULL,
    UNIQUE (id, tenant_id),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id)
);
CREATE INDEX rituals_by_team ON rituals (tenant_id, team_id);

CREATE TABLE ritual_triggers (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id),
    ritual_id  BIGINT NOT NULL,
    source     TEXT   NOT NULL,
    selector   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (ritual_id, selector),
    FOREIGN KEY (ritual_id, tenant_id) REFERENCES rituals (id, tenant_id)
);
CREATE INDEX ritual_triggers_by_source ON ritual_triggers (source);

-- Verified events as received, keyed by source and delivery id so a retried delivery is
-- recognised. An event belongs to no tenant until it matches a ritual.
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY,
    source       TEXT   NOT NULL,
    delivery_id  TEXT   NOT NULL,
    event        TEXT   NOT NULL,
    received_at  BIGINT NOT NULL,
    processed_at BIGINT,
    matched      BIGINT,
    UNIQUE (source, delivery_id)
);
CREATE INDEX inbox_pending ON inbox (processed_at, id);

-- One instance of a ritual; one per ritual and event subject, however often the event repeats.
CREATE TABLE occurrences (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    ritual_id   BIGINT NOT NULL,
    subject     TEXT   NOT NULL,
    title       TEXT   NOT NULL,
    inbox_id    BIGINT REFERENCES inbox (id),
    happened_at BIGINT NOT NULL,
    artefact_at BIGINT,
    created_at  BIGINT NOT NULL,
    UNIQUE (ritual_id, subject),
    UNIQUE (id, tenant_id),
    FOREIGN KEY (ritual_id, tenant_id) REFERENCES rituals (id, tenant_id)
);
-- A card click reads what was decided in its occurrence.
CREATE INDEX decisions_by_occurrence ON decisions (tenant_id, occurrence_id);

-- Everything Cadence posts, as a neutral card rendered for the platform at send time.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    idempotency_key TEXT   NOT NULL UNIQUE,
    platform        TEXT   NOT NULL CHECK (platform IN ('slack', 'teams')),
    operation       TEXT   NOT NULL CHECK (operation IN ('post', 'update', 'ephemeral', 'open_view')),
    channel_id      TEXT   NOT NULL,
    -- update: the platform id of the message to replace; ephemeral: the user who sees it;
    -- open_view: the trigger id of the click that opens the form.
    target_message  TEXT,
    -- The neutral card (or, for open_view, the form) as JSON.
    card            TEXT   NOT NULL,
    occurrence_id   BIGINT,
    state           TEXT   NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    -- The platform's id of the posted message (Slack ts), to update the card later.
    message_id      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    FOREIGN KEY (occurrence_id, tenant_id) REFERENCES occurrences (id, tenant_id)
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Slack Events API deliveries seen, by event id: Slack retries a delivery it thinks failed, and
-- a retry must be acknowledged without being acted on twice.
CREATE TABLE platform_events (
    platform    TEXT   NOT NULL,
    event_id    TEXT   NOT NULL,
    tenant      TEXT   NOT NULL,
    event_type  TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (platform, event_id)
);
