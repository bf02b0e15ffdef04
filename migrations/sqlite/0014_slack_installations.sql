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

-- The install `state`s already used. A state carries its own expiry and MAC, so nothing is
-- written when an install starts; this makes each state work once, whichever replica gets the
-- callback. Rows past their expiry are cleared as new ones come.
CREATE TABLE oauth_states_used (
    nonce      TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL
);
