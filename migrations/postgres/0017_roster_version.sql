-- A tenant's roster version: bumped by the database itself whenever one of its teams or team
-- memberships is written, by any replica. A server may keep a channel's team and roles in
-- memory for the decisions typed there; the writer refuses a decision whose author was
-- authorised against an older version, so a cached roster can never let through a decision
-- the stored one would refuse.
ALTER TABLE tenants ADD COLUMN roster_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION cadence_bump_roster_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE tenants SET roster_version = roster_version + 1 WHERE id = OLD.tenant_id;
        RETURN OLD;
    END IF;
    UPDATE tenants SET roster_version = roster_version + 1 WHERE id = NEW.tenant_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER teams_roster AFTER INSERT OR UPDATE OR DELETE ON teams
    FOR EACH ROW EXECUTE FUNCTION cadence_bump_roster_version();
CREATE TRIGGER team_members_roster AFTER INSERT OR UPDATE OR DELETE ON team_members
    FOR EACH ROW EXECUTE FUNCTION cadence_bump_roster_version();
