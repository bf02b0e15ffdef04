-- Pacing and rate-limit state per channel, shared by every replica: the outbox worker reserves a
-- channel here before each paced post, so replicas together post at most once per pacing gap
-- into one channel, and a 429's Retry-After holds the channel for all of them.
CREATE TABLE channel_pacing (
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id),
    platform      TEXT   NOT NULL,
    channel_id    TEXT   NOT NULL,
    -- No post before this (Unix ms): the pacing gap after the last post, or a Retry-After hold.
    next_post_at  BIGINT NOT NULL,
    -- The outbox message being posted now, if any, and when that claim on the channel lapses
    -- should its worker die mid-send.
    posting_id    BIGINT,
    posting_until BIGINT,
    PRIMARY KEY (tenant_id, platform, channel_id)
);
