-- Case work indicators and the case list at scale (`argine bench cases`, docs/PERFORMANCE.md).

-- The person's coded attributes copied on the case, kept by the triggers below: the indicators
-- count cases by sex, age band and nationality from one index, without joining every case to
-- its person.
ALTER TABLE cases ADD COLUMN person_sex TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE cases ADD COLUMN person_age_band TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE cases ADD COLUMN person_nationality TEXT NOT NULL DEFAULT '';
UPDATE cases SET (person_sex, person_age_band, person_nationality) =
    (SELECT sex, age_band, nationality FROM persons p WHERE p.id = cases.person_id);

CREATE TRIGGER cases_person_attrs_ins AFTER INSERT ON cases
BEGIN
    UPDATE cases SET (person_sex, person_age_band, person_nationality) =
        (SELECT sex, age_band, nationality FROM persons p WHERE p.id = NEW.person_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER cases_person_attrs_upd AFTER UPDATE OF person_id ON cases
BEGIN
    UPDATE cases SET (person_sex, person_age_band, person_nationality) =
        (SELECT sex, age_band, nationality FROM persons p WHERE p.id = NEW.person_id)
    WHERE id = NEW.id;
END;
CREATE TRIGGER persons_case_attrs AFTER UPDATE OF sex, age_band, nationality ON persons
BEGIN
    UPDATE cases SET person_sex = NEW.sex, person_age_band = NEW.age_band, person_nationality = NEW.nationality
    WHERE person_id = NEW.id;
END;

-- Each indicator is one walk of a covering index in the order of its groups (no sort, no table
-- read); the period and the territory are read from the index's later columns.
CREATE INDEX cases_stats_stage_idx ON cases (stage, outcome, opened_at, comune_code);
CREATE INDEX cases_stats_person_idx ON cases (person_sex, person_age_band, person_nationality, opened_at, comune_code);
CREATE INDEX cases_stats_closed_idx ON cases (close_reason, closed_at, comune_code);
-- A referral's territory is its case's Comune.
CREATE INDEX cases_comune_idx ON cases (id, comune_code);
CREATE INDEX referrals_stats_idx ON referrals (to_org, status, created_at, case_id);
CREATE INDEX referrals_accepted_idx ON referrals (status, created_at, responded_at, case_id);
-- Contacts in a period, and in a territory (the province is the first three digits).
CREATE INDEX persons_created_idx ON persons (created_at);
CREATE INDEX persons_province_created_idx ON persons (SUBSTR(comune_code, 1, 3), created_at, comune_code);

-- The case list by stage walks the cases of that stage newest first (`ListPlan::Walk`).
CREATE INDEX cases_stage_updated_idx ON cases (stage, updated_at DESC, id DESC);
