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

CREATE OR REPLACE FUNCTION cadence_refuse_decision_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.tenant_id, NEW.team_id, NEW.kind, NEW.actor_person_id,
            NEW.subject_person_id, NEW.capability_id, NEW.occurrence_id, NEW.channel_id,
            NEW.source, NEW.created_at, NEW.reverts_decision_id, NEW.idempotency_key)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.tenant_id, OLD.team_id, OLD.kind, OLD.actor_person_id,
            OLD.subject_person_id, OLD.capability_id, OLD.occurrence_id, OLD.channel_id,
            OLD.source, OLD.created_at, OLD.reverts_decision_id, OLD.idempotency_key)
       AND EXISTS (SELECT 1 FROM decision_erasures e WHERE e.decision_id = OLD.id
                   AND e.tenant_id = OLD.tenant_id AND e.payload = NEW.payload)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'decisions are append-only';
END
$$;
