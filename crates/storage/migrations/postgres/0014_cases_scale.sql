-- Case work at scale (`argine bench cases`, docs/PERFORMANCE.md).

-- The case list walks one of these in order and stops at the end of the page
-- (`storage::cases::list_cases`); the old index served neither order.
DROP INDEX cases_owner_idx;
CREATE INDEX cases_owner_updated_idx ON cases (owner_org, updated_at DESC, id DESC);
CREATE INDEX cases_owner_stage_idx ON cases (owner_org, stage, updated_at DESC, id DESC);
-- The cases referred to an organisation that holds many referrals are found walking all cases
-- newest first until the page is full (`ListPlan::Walk`).
CREATE INDEX cases_updated_idx ON cases (updated_at DESC, id DESC);

-- Codes compare byte by byte, as on SQLite: a code prefix is a range on the unique index.
ALTER TABLE persons ALTER COLUMN code TYPE TEXT COLLATE "C";

-- A counter that every write to the data behind the case indicators moves, inside the writing
-- transaction: indicators computed at one value of it stay true until it moves, whichever process
-- wrote (`web::cases::indicators`).
CREATE TABLE data_versions (
    name    TEXT   PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('casework', 0);

CREATE FUNCTION casework_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'casework';
    RETURN NULL;
END
$$;
CREATE TRIGGER persons_casework AFTER INSERT OR UPDATE OR DELETE ON persons
    FOR EACH STATEMENT EXECUTE FUNCTION casework_changed();
CREATE TRIGGER cases_casework AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION casework_changed();
CREATE TRIGGER referrals_casework AFTER INSERT OR UPDATE OR DELETE ON referrals
    FOR EACH STATEMENT EXECUTE FUNCTION casework_changed();
CREATE TRIGGER outreach_sessions_casework AFTER INSERT OR UPDATE OR DELETE ON outreach_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION casework_changed();
CREATE TRIGGER outreach_contacts_casework AFTER INSERT OR UPDATE OR DELETE ON outreach_contacts
    FOR EACH STATEMENT EXECUTE FUNCTION casework_changed();
