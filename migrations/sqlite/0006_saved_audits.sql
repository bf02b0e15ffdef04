-- Saved attention audits, for chat. (SQLite.)

-- The latest attention audit's proposals, per tenant, for `/cadence audit` in chat: each saved
-- run (`cadence audit … --save --workspace ID`) adds its top three rituals under one saved_at;
-- chat shows the newest run.
CREATE TABLE audit_rituals (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    saved_at    BIGINT NOT NULL,
    -- The audit's window, as the report printed it (e.g. 2026-09-07 to 2026-11-30).
    window_text TEXT   NOT NULL,
    ordinal     BIGINT NOT NULL,
    title       TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    -- Why it was proposed, one reason a line.
    why         TEXT   NOT NULL,
    -- The `ritual add …` line that binds it, without the leading `/cadence`.
    command     TEXT   NOT NULL,
    UNIQUE (tenant_id, saved_at, ordinal)
);
