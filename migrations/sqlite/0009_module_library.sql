-- no-transaction
-- The module library (issue 14): modules have a state — commissioned (a manager's request, not
-- yet accepted), proposed, approved (fit for tracks), retired — a level they aim at, the time
-- they were retired, and a title that is unique in the workspace, matched ignoring case and
-- spacing (`name_key`, as capabilities and teams are). (SQLite.)
--
-- States are validated in Rust (`domain::library::ModuleState`), as 0004 did for platforms, so a
-- step the commission workflow adds needs no table rebuild. The old 'available' rows become
-- 'approved'; 'commissioned' rows keep their state. Titles already in the table get their key
-- here, lower-cased with runs of spaces made one (SQLite's lower() folds ASCII letters only;
-- every key written from now on is Rust's `name_key`); should two rows of a workspace share a
-- title, the later ones keep it but are keyed `<key> #<id>`, so the migration never fails on
-- data and never drops a row.
--
-- SQLite cannot drop a CHECK constraint in place, so the table is rebuilt as 0004 rebuilt its
-- tables: foreign keys off (outside a transaction), checked before they are on again.

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE modules_v9 (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    team_id       BIGINT,
    title         TEXT   NOT NULL,
    name_key      TEXT   NOT NULL,
    capability_id BIGINT,
    hours_centi   BIGINT CHECK (hours_centi IS NULL OR hours_centi >= 0),
    budget        BIGINT,
    link          TEXT,
    level         TEXT   CHECK (level IS NULL OR level IN ('learning', 'practising', 'mastery')),
    status        TEXT   NOT NULL,
    decision_id   BIGINT,
    created_at    BIGINT NOT NULL,
    retired_at    BIGINT,
    UNIQUE (tenant_id, name_key),
    UNIQUE (id, tenant_id),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (capability_id, tenant_id) REFERENCES capabilities (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);

WITH keyed AS (
    SELECT m.*, lower(trim(replace(replace(replace(m.title, '  ', ' '), '  ', ' '), '  ', ' '))) AS k
    FROM modules m
)
INSERT INTO modules_v9 (id, tenant_id, team_id, title, name_key, capability_id, hours_centi,
    budget, link, level, status, decision_id, created_at, retired_at)
SELECT keyed.id, keyed.tenant_id, keyed.team_id, keyed.title,
    CASE WHEN EXISTS (SELECT 1 FROM keyed e WHERE e.tenant_id = keyed.tenant_id
                      AND e.k = keyed.k AND e.id < keyed.id)
         THEN keyed.k || ' #' || keyed.id ELSE keyed.k END,
    keyed.capability_id, keyed.hours_centi, keyed.budget, keyed.link, NULL,
    CASE keyed.status WHEN 'available' THEN 'approved' ELSE keyed.status END,
    keyed.decision_id, keyed.created_at, NULL
FROM keyed;

DROP TABLE modules;
ALTER TABLE modules_v9 RENAME TO modules;
CREATE INDEX modules_by_capability ON modules (tenant_id, capability_id);

COMMIT;
PRAGMA foreign_key_check;
PRAGMA foreign_keys = ON;
