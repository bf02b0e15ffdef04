-- A tenant's roster version: bumped by the database itself whenever one of its teams or team
-- memberships is written, by any process. A server may keep a channel's team and roles in
-- memory for the decisions typed there; the writer refuses a decision whose author was
-- authorised against an older version, so a cached roster can never let through a decision
-- the stored one would refuse.
ALTER TABLE tenants ADD COLUMN roster_version BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER teams_roster_insert AFTER INSERT ON teams BEGIN
    UPDATE tenants SET roster_version = roster_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER teams_roster_update AFTER UPDATE ON teams BEGIN
    UPDATE tenants SET roster_version = roster_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER teams_roster_delete AFTER DELETE ON teams BEGIN
    UPDATE tenants SET roster_version = roster_version + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER team_members_roster_insert AFTER INSERT ON team_members BEGIN
    UPDATE tenants SET roster_version = roster_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER team_members_roster_update AFTER UPDATE ON team_members BEGIN
    UPDATE tenants SET roster_version = roster_version + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER team_members_roster_delete AFTER DELETE ON team_members BEGIN
    UPDATE tenants SET roster_version = roster_version + 1 WHERE id = OLD.tenant_id;
END;
