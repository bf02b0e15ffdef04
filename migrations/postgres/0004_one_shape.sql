-- Platforms, outbox operations and job kinds are validated in Rust, so that a new platform,
-- operation or job type needs no schema change; decisions can be reverted by an undo and carry
-- the idempotency key of the click or form that made them. (PostgreSQL.)

ALTER TABLE tenants DROP CONSTRAINT tenants_platform_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_platform_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_operation_check;
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;

-- An undo names the decision it reverts; reads leave reverted decisions out.
ALTER TABLE decisions ADD COLUMN reverts_decision_id BIGINT;
CREATE INDEX decisions_by_reverted ON decisions (reverts_decision_id);
CREATE INDEX decisions_by_actor ON decisions (tenant_id, actor_person_id, created_at);

-- A click or form submission is recorded once, however often the platform delivers it.
ALTER TABLE decisions ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX decisions_by_idempotency_key ON decisions (tenant_id, idempotency_key);
