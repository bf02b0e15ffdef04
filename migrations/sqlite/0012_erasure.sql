-- Erasure (`cadence forget`): a person's personal data is erased while the decision log keeps an
-- anonymised actor and subject. The log stays append-only except for one narrow path: a
-- decision's payload may be replaced by the erased payload recorded for it in
-- `decision_erasures`, with every other column unchanged. Each erasure is itself recorded.
CREATE TABLE decision_erasures (
    decision_id BIGINT NOT NULL,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    person_id   BIGINT NOT NULL,
    payload     TEXT   NOT NULL,
    erased_at   BIGINT NOT NULL,
    PRIMARY KEY (decision_id, person_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id),
    FOREIGN KEY (person_id, tenant_id) REFERENCES people (id, tenant_id)
);

DROP TRIGGER decisions_no_update;
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
WHEN NOT (
    NEW.id = OLD.id AND NEW.tenant_id = OLD.tenant_id AND NEW.team_id IS OLD.team_id
    AND NEW.kind = OLD.kind AND NEW.actor_person_id = OLD.actor_person_id
    AND NEW.subject_person_id IS OLD.subject_person_id AND NEW.capability_id IS OLD.capability_id
    AND NEW.occurrence_id IS OLD.occurrence_id AND NEW.channel_id IS OLD.channel_id
    AND NEW.source = OLD.source AND NEW.created_at = OLD.created_at
    AND NEW.reverts_decision_id IS OLD.reverts_decision_id
    AND NEW.idempotency_key IS OLD.idempotency_key
    AND EXISTS (SELECT 1 FROM decision_erasures e WHERE e.decision_id = OLD.id
                AND e.tenant_id = OLD.tenant_id AND e.payload = NEW.payload)
)
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;
