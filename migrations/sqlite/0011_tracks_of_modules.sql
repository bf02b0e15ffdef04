-- Tracks made of modules (issue 14): a team composes a track from approved modules of the
-- library, in order, with a pace; a person's own pace may differ; finishing a module is
-- recorded once per person and module. Every row names the decision that wrote it.
ALTER TABLE tracks ADD COLUMN team_id BIGINT;
ALTER TABLE tracks ADD COLUMN pace TEXT;
ALTER TABLE track_enrolments ADD COLUMN pace TEXT;

CREATE TABLE track_modules (
    track_id    BIGINT NOT NULL,
    position    BIGINT NOT NULL,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    module_id   BIGINT NOT NULL,
    decision_id BIGINT NOT NULL,
    PRIMARY KEY (track_id, position),
    FOREIGN KEY (track_id, tenant_id) REFERENCES tracks (id, tenant_id),
    FOREIGN KEY (module_id, tenant_id) REFERENCES modules (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);

CREATE TABLE module_completions (
    person_id    BIGINT NOT NULL,
    module_id    BIGINT NOT NULL,
    tenant_id    BIGINT NOT NULL REFERENCES tenants (id),
    decision_id  BIGINT NOT NULL,
    completed_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, module_id),
    FOREIGN KEY (person_id, tenant_id) REFERENCES people (id, tenant_id),
    FOREIGN KEY (module_id, tenant_id) REFERENCES modules (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);
