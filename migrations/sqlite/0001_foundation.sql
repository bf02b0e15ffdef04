-- Cadence foundation schema (SQLite). Times are Unix milliseconds in UTC; days are ISO dates.
-- Every row carries tenant_id and every query filters on it; composite foreign keys make the
-- database itself refuse a row that points at another tenant's person, team or capability.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    platform    TEXT    NOT NULL CHECK (platform IN ('slack', 'teams')),
    external_id TEXT    NOT NULL,
    name        TEXT,
    created_at  BIGINT  NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL REFERENCES tenants (id),
    user_id      TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    tz           TEXT,
    created_at   BIGINT  NOT NULL,
    UNIQUE (tenant_id, user_id),
    UNIQUE (id, tenant_id)
);

CREATE TABLE teams (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL REFERENCES tenants (id),
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,
    tz           TEXT    NOT NULL,
    home_channel TEXT,
    created_at   BIGINT  NOT NULL,
    UNIQUE (tenant_id, name_key),
    UNIQUE (id, tenant_id)
);
-- One team per home channel (several teams may have none).
CREATE UNIQUE INDEX teams_by_channel ON teams (tenant_id, home_channel);

-- Managers are members with role 'manager'. Leaving sets left_at, so history stays readable.
CREATE TABLE team_members (
    team_id   BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    role      TEXT   NOT NULL CHECK (role IN ('manager', 'member')),
    joined_at BIGINT NOT NULL,
    left_at   BIGINT,
    PRIMARY KEY (team_id, person_id),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (person_id, tenant_id) REFERENCES people (id, tenant_id)
);
CREATE INDEX team_members_by_person ON team_members (tenant_id, person_id);

CREATE TABLE capabilities (
    id               INTEGER PRIMARY KEY,
    tenant_id        BIGINT NOT NULL REFERENCES tenants (id),
    name             TEXT   NOT NULL,
    name_key         TEXT   NOT NULL,
    description      TEXT,
    family           TEXT,
    mastery_criteria TEXT,
    created_at       BIGINT NOT NULL,
    UNIQUE (tenant_id, name_key),
    UNIQUE (id, tenant_id)
);

-- The append-only decision log. Corrections are new rows; the triggers below refuse edits.
CREATE TABLE decisions (
    id                INTEGER PRIMARY KEY,
    tenant_id         BIGINT NOT NULL REFERENCES tenants (id),
    team_id           BIGINT,
    kind              TEXT   NOT NULL,
    actor_person_id   BIGINT NOT NULL,
    subject_person_id BIGINT,
    capability_id     BIGINT,
    occurrence_id     BIGINT,
    channel_id        TEXT,
    source            TEXT   NOT NULL,
    payload           TEXT   NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (id, tenant_id),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (actor_person_id, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (subject_person_id, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (capability_id, tenant_id) REFERENCES capabilities (id, tenant_id)
);
CREATE INDEX decisions_by_team ON decisions (tenant_id, team_id, created_at);
CREATE INDEX decisions_by_subject ON decisions (tenant_id, subject_person_id);

CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;

CREATE TABLE team_targets (
    team_id       BIGINT NOT NULL,
    capability_id BIGINT NOT NULL,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    target        BIGINT NOT NULL CHECK (target >= 0),
    decision_id   BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (team_id, capability_id),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (capability_id, tenant_id) REFERENCES capabilities (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);

CREATE TABLE team_mastery_criteria (
    team_id       BIGINT NOT NULL,
    capability_id BIGINT NOT NULL,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    criteria      TEXT   NOT NULL,
    decision_id   BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (team_id, capability_id),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (capability_id, tenant_id) REFERENCES capabilities (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);

CREATE TABLE person_levels (
    person_id     BIGINT NOT NULL,
    capability_id BIGINT NOT NULL,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    level         TEXT   NOT NULL CHECK (level IN ('none', 'learning', 'practising', 'mastery')),
    evidence      TEXT,
    set_by        BIGINT NOT NULL,
    decision_id   BIGINT NOT NULL,
    set_at        BIGINT NOT NULL,
    PRIMARY KEY (person_id, capability_id),
    FOREIGN KEY (person_id, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (capability_id, tenant_id) REFERENCES capabilities (id, tenant_id),
    FOREIGN KEY (set_by, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);
CREATE INDEX person_levels_by_capability ON person_levels (tenant_id, capability_id, level);

-- The skill order for a role family in a team; replaced whole by each `sequence` decision.
CREATE TABLE sequence_steps (
    team_id       BIGINT NOT NULL,
    family_key    TEXT   NOT NULL,
    position      BIGINT NOT NULL,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    family        TEXT   NOT NULL,
    capability_id BIGINT NOT NULL,
    decision_id   BIGINT NOT NULL,
    PRIMARY KEY (team_id, family_key, position),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (capability_id, tenant_id) REFERENCES capabilities (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);

CREATE TABLE tracks (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id),
    name       TEXT   NOT NULL,
    name_key   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name_key),
    UNIQUE (id, tenant_id)
);

CREATE TABLE track_enrolments (
    track_id    BIGINT NOT NULL,
    person_id   BIGINT NOT NULL,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    team_id     BIGINT NOT NULL,
    status      TEXT   NOT NULL CHECK (status IN ('requested', 'approved', 'declined')),
    note        TEXT,
    decided_by  BIGINT,
    decision_id BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (track_id, person_id),
    FOREIGN KEY (track_id, tenant_id) REFERENCES tracks (id, tenant_id),
    FOREIGN KEY (person_id, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (decided_by, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);

CREATE TABLE absences (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    person_id   BIGINT NOT NULL,
    starts_on   TEXT   NOT NULL,
    ends_on     TEXT   NOT NULL CHECK (ends_on >= starts_on),
    decision_id BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    FOREIGN KEY (person_id, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);
CREATE INDEX absences_by_person ON absences (tenant_id, person_id, ends_on);

-- The component library: available modules, and commissioned ones still to be built.
CREATE TABLE modules (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    team_id       BIGINT,
    title         TEXT   NOT NULL,
    capability_id BIGINT,
    hours_centi   BIGINT,
    budget        BIGINT,
    link          TEXT,
    status        TEXT   NOT NULL CHECK (status IN ('available', 'commissioned')),
    decision_id   BIGINT,
    created_at    BIGINT NOT NULL,
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (capability_id, tenant_id) REFERENCES capabilities (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);

CREATE TABLE interventions (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    team_id       BIGINT NOT NULL,
    person_id     BIGINT NOT NULL,
    capability_id BIGINT NOT NULL,
    means         TEXT   NOT NULL,
    due_on        TEXT,
    status        TEXT   NOT NULL CHECK (status IN ('planned', 'done', 'cancelled')),
    decision_id   BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (person_id, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (capability_id, tenant_id) REFERENCES capabilities (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);
CREATE INDEX interventions_by_team ON interventions (tenant_id, team_id, status, due_on);

CREATE TABLE learning_hours (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT NOT NULL REFERENCES tenants (id),
    team_id      BIGINT NOT NULL,
    person_id    BIGINT NOT NULL,
    hours_centi  BIGINT NOT NULL CHECK (hours_centi >= 0),
    period_kind  TEXT   NOT NULL CHECK (period_kind IN ('sprint', 'week')),
    period_label TEXT   NOT NULL,
    decision_id  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (person_id, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);
CREATE INDEX learning_hours_by_team ON learning_hours (tenant_id, team_id, period_kind, period_label);
