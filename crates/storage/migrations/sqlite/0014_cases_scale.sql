-- Case work at scale (`argine bench cases`, docs/PERFORMANCE.md).

-- The case list walks one of these in order and stops at the end of the page
-- (`storage::cases::list_cases`); the old index served neither order.
DROP INDEX cases_owner_idx;
CREATE INDEX cases_owner_updated_idx ON cases (owner_org, updated_at DESC, id DESC);
CREATE INDEX cases_owner_stage_idx ON cases (owner_org, stage, updated_at DESC, id DESC);
-- The cases referred to an organisation that holds many referrals are found walking all cases
-- newest first until the page is full (`ListPlan::Walk`).
CREATE INDEX cases_updated_idx ON cases (updated_at DESC, id DESC);

-- A counter that every write to the data behind the case indicators moves, inside the writing
-- transaction: indicators computed at one value of it stay true until it moves, whichever process
-- wrote (`web::cases::indicators`).
CREATE TABLE data_versions (
    name    TEXT   PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('casework', 0);

CREATE TRIGGER persons_casework_ins AFTER INSERT ON persons
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER persons_casework_upd AFTER UPDATE ON persons
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER persons_casework_del AFTER DELETE ON persons
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER cases_casework_ins AFTER INSERT ON cases
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER cases_casework_upd AFTER UPDATE ON cases
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER cases_casework_del AFTER DELETE ON cases
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER referrals_casework_ins AFTER INSERT ON referrals
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER referrals_casework_upd AFTER UPDATE ON referrals
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER referrals_casework_del AFTER DELETE ON referrals
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER outreach_sessions_casework_ins AFTER INSERT ON outreach_sessions
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER outreach_sessions_casework_upd AFTER UPDATE ON outreach_sessions
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER outreach_sessions_casework_del AFTER DELETE ON outreach_sessions
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER outreach_contacts_casework_ins AFTER INSERT ON outreach_contacts
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER outreach_contacts_casework_upd AFTER UPDATE ON outreach_contacts
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
CREATE TRIGGER outreach_contacts_casework_del AFTER DELETE ON outreach_contacts
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'casework'; END;
