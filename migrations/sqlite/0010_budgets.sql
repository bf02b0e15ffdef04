-- Team budgets per quarter (`/cadence budget`), what allocations drew from them, and the
-- allocations over budget sent to L&D as requests. Every row names the decision that wrote it,
-- so an undo finds what to take back.

-- A team's budgets for one quarter; NULL is "not set" (unlimited). The latest standing
-- `budget` decisions for the team and quarter say what they are.
CREATE TABLE team_budgets (
    team_id     BIGINT NOT NULL,
    quarter     TEXT   NOT NULL,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    hours_centi BIGINT CHECK (hours_centi >= 0),
    spend       BIGINT CHECK (spend >= 0),
    decision_id BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (team_id, quarter),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);

-- What each allocation drew, from the budget of the quarter it was made in (hours in
-- hundredths, spend in whole currency units), whether or not a budget was set then.
CREATE TABLE budget_draws (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id),
    team_id     BIGINT NOT NULL,
    quarter     TEXT   NOT NULL,
    drawn       TEXT   NOT NULL CHECK (drawn IN ('hours', 'spend')),
    amount      BIGINT NOT NULL CHECK (amount >= 0),
    decision_id BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);
CREATE INDEX budget_draws_by_team ON budget_draws (tenant_id, team_id, quarter);

-- Allocations over budget waiting for L&D, and how they were answered.
CREATE TABLE budget_requests (
    decision_id        BIGINT PRIMARY KEY,
    tenant_id          BIGINT NOT NULL REFERENCES tenants (id),
    team_id            BIGINT NOT NULL,
    status             TEXT   NOT NULL CHECK (status IN ('requested', 'approved', 'declined')),
    answer_decision_id BIGINT,
    updated_at         BIGINT NOT NULL,
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id),
    FOREIGN KEY (decision_id, tenant_id) REFERENCES decisions (id, tenant_id),
    FOREIGN KEY (answer_decision_id, tenant_id) REFERENCES decisions (id, tenant_id)
);
CREATE INDEX budget_requests_by_team ON budget_requests (tenant_id, team_id, status);

-- The weekly cap on a person's learning hours is read from the allocations themselves, approved
-- over-budget ones included.
CREATE INDEX learning_hours_by_person ON learning_hours (tenant_id, person_id, period_kind, period_label);
