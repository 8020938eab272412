-- Census coding of open answers (sqlite dialect; keep in step with
-- ../postgres/0009_census_coding.sql). Numbered 0009: 0008 is reserved for the reports'
-- tables; the runner applies every missing version in order, so the gap is harmless.
--
-- A campaign has a codebook for each free-text "other" question (`A3_altro`, `D1_altro`…):
-- the rows of census_codes with that campaign and question. A code is a short name
-- (`VICESINDACO`, unique in its codebook) with an Italian label and a description. Codes are
-- retired by stamping them, never deleted: answers coded with one keep it (the assignments
-- reference it, and no function deletes a code).
--
-- A code is assigned to one answer: one question of one Comune's response, by its path
-- (`A3_altro`, `strutture[0]/D1_altro`, as census_corrections.path), with the text it was coded
-- on — the clean value at the time. A code holds while the clean text is, normalised, the same
-- (argine_domain::census::coding::still_applies). Recoding stamps the current assignment as
-- replaced and adds a new one: at most one current assignment per answer, and the history
-- stays whole.

CREATE TABLE census_codes (
    id           INTEGER PRIMARY KEY,
    campaign_id  BIGINT  NOT NULL REFERENCES census_campaigns (id) ON DELETE CASCADE,
    -- the question's name in the questionnaire: A3_altro
    question     TEXT    NOT NULL,
    -- argine_domain::census::coding::CodeName: VICESINDACO
    code         TEXT    NOT NULL,
    label        TEXT    NOT NULL CHECK (label <> ''),
    description  TEXT    NOT NULL DEFAULT '',
    created_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL,
    retired_at   BIGINT,
    retired_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT census_codes_code UNIQUE (campaign_id, question, code)
);

CREATE TABLE census_code_assignments (
    id            INTEGER PRIMARY KEY,
    invitation_id BIGINT  NOT NULL REFERENCES census_invitations (id) ON DELETE CASCADE,
    -- the question (the last segment of path), so that a codebook's answers are found by index
    question      TEXT    NOT NULL,
    -- argine_domain::census::engine::FieldPath as text
    path          TEXT    NOT NULL,
    -- the answer's text when it was coded
    coded_text    TEXT    NOT NULL,
    -- no ON DELETE: a code that was used cannot go
    code_id       BIGINT  NOT NULL REFERENCES census_codes (id),
    assigned_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    assigned_at   BIGINT  NOT NULL,
    replaced_at   BIGINT,
    replaced_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX census_code_assignments_current
    ON census_code_assignments (invitation_id, path) WHERE replaced_at IS NULL;
CREATE INDEX census_code_assignments_code_idx ON census_code_assignments (code_id);
CREATE INDEX census_code_assignments_question_idx ON census_code_assignments (question, invitation_id);
