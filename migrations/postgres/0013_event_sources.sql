-- Event sources per tenant: an admin adds one in chat and gets its own URL
-- (`/hooks/{kind}/{id}`) and secret; its events start only that tenant's rituals. The secret is
-- sealed with CADENCE_ENCRYPTION_KEYS when set. A rotated secret keeps the previous one valid
-- until `previous_until`, so the source's sender can be updated without losing deliveries.
CREATE TABLE event_sources (
    id              TEXT   PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    kind            TEXT   NOT NULL,
    secret          TEXT   NOT NULL,
    previous_secret TEXT,
    previous_until  BIGINT,
    created_by      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    rotated_at      BIGINT,
    FOREIGN KEY (created_by, tenant_id) REFERENCES people (id, tenant_id)
);
CREATE INDEX event_sources_by_tenant ON event_sources (tenant_id, kind);

-- The tenant an event's source belongs to; none for the deployment's own sources, whose events
-- may start rituals in any tenant the deployment serves.
ALTER TABLE inbox ADD COLUMN tenant_id BIGINT;
