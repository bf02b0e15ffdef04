-- The module library (issue 14): modules have a state — commissioned (a manager's request, not
-- yet accepted), proposed, approved (fit for tracks), retired — a level they aim at, the time
-- they were retired, and a title that is unique in the workspace, matched ignoring case and
-- spacing (`name_key`, as capabilities and teams are). (PostgreSQL.)
--
-- States are validated in Rust (`domain::library::ModuleState`), as 0004 did for platforms, so a
-- step the commission workflow adds needs no schema change. The old 'available' rows become
-- 'approved'; 'commissioned' rows keep their state. Titles already in the table get their key
-- here, lower-cased with runs of spaces made one (every key written from now on is Rust's
-- `name_key`); should two rows of a workspace share a title, the later ones keep it but are
-- keyed `<key> #<id>`, so the migration never fails on data and never drops a row.

ALTER TABLE modules DROP CONSTRAINT modules_status_check;
UPDATE modules SET status = 'approved' WHERE status = 'available';

ALTER TABLE modules ADD COLUMN name_key TEXT;
ALTER TABLE modules ADD COLUMN level TEXT
    CHECK (level IS NULL OR level IN ('learning', 'practising', 'mastery'));
ALTER TABLE modules ADD COLUMN retired_at BIGINT;
ALTER TABLE modules ADD CONSTRAINT modules_hours_centi_check
    CHECK (hours_centi IS NULL OR hours_centi >= 0);

WITH keyed AS (
    SELECT m.id, m.tenant_id,
        lower(trim(replace(replace(replace(m.title, '  ', ' '), '  ', ' '), '  ', ' '))) AS k
    FROM modules m
)
UPDATE modules SET name_key =
    CASE WHEN EXISTS (SELECT 1 FROM keyed e WHERE e.tenant_id = keyed.tenant_id
                      AND e.k = keyed.k AND e.id < keyed.id)
         THEN keyed.k || ' #' || keyed.id ELSE keyed.k END
FROM keyed WHERE keyed.id = modules.id;

ALTER TABLE modules ALTER COLUMN name_key SET NOT NULL;
ALTER TABLE modules ADD CONSTRAINT modules_tenant_id_name_key_key UNIQUE (tenant_id, name_key);
ALTER TABLE modules ADD CONSTRAINT modules_id_tenant_id_key UNIQUE (id, tenant_id);
CREATE INDEX modules_by_capability ON modules (tenant_id, capability_id);
