-- Per-workspace settings an admin chooses in chat (`/cadence settings`): the channel where
-- L&D receives commissions and over-budget requests, the currency budgets are kept in, and what
-- happens to an allocation over budget (refused, or sent to L&D as a request).
CREATE TABLE workspace_settings (
    tenant_id   BIGINT PRIMARY KEY REFERENCES tenants (id),
    ld_channel  TEXT,
    currency    TEXT   NOT NULL,
    over_budget TEXT   NOT NULL CHECK (over_budget IN ('refuse', 'request')),
    updated_at  BIGINT NOT NULL
);
