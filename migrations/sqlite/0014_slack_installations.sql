-- Slack workspaces that installed Cadence through OAuth v2 (`/slack/install`): one row per
-- tenant (a workspace, or an Enterprise Grid organisation for an org-wide install). Tokens are
-- sealed with CADENCE_ENCRYPTION_KEYS when set. With token rotation the bot token expires and
-- the refresh token gets a new one. An uninstalled workspace keeps its row, marked revoked: its
-- data stays until an admin erases it, and nothing more is posted there.
CREATE TABLE slack_installations (
    tenant_id             BIGINT PRIMARY KEY REFERENCES tenants (id),
    team_id               TEXT,
    enterprise_id         TEXT,
    is_enterprise_install BIGINT NOT NULL,
    app_id                TEXT   NOT NULL,
    bot_user_id           TEXT   NOT NULL,
    scope                 TEXT   NOT NULL,
    bot_token             TEXT   NOT NULL,
    refresh_token         TEXT,
    token_expires_at      BIGINT,
    installed_by          TEXT,
    installed_at          BIGINT NOT NULL,
    revoked_at            BIGINT
);

-- The `state` of each install started at `/slack/install`: single use, expiring. A replica
-- other than the one that started the install may finish it.
CREATE TABLE oauth_states (
    nonce      TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
