-- Census data control: corrections over raw responses and decisions on issues (sqlite
-- dialect; keep in step with ../postgres/0007_census_corrections.sql).
--
-- A submitted response is the raw data and is never changed by the secretariat. Each
-- correction is a row here: one question of one Comune's response — by its path, e.g.
-- `insediamenti[1]/E3` for the second settlement's people (0-based instance index) — the value
-- it had when corrected, the new value ('' removes the answer), the reason and the source of
-- the right value. Corrections are tied to the invitation (the Comune in the campaign), which a
-- reopened and resubmitted response keeps. A correction is withdrawn by stamping it, never by
-- deleting it: the history stays whole. The clean answers are the raw answers with the active
-- corrections applied in id order (argine_domain::census::clean).
--
-- The data-control rules are run on demand over the clean answers; what is stored is the
-- secretariat's decision on an issue (accepted: the value is right), keyed by rule, Comune and
-- subject (the repeat instance or question the issue is about), with the values it was taken
-- on (a decision holds while they are the same).

CREATE TABLE census_corrections (
    id              INTEGER PRIMARY KEY,
    invitation_id   BIGINT  NOT NULL REFERENCES census_invitations (id) ON DELETE CASCADE,
    -- argine_domain::census::engine::FieldPath as text: `A1`, `insediamenti[1]/E3`
    path            TEXT    NOT NULL,
    old_value       TEXT    NOT NULL,
    new_value       TEXT    NOT NULL,
    reason          TEXT    NOT NULL CHECK (reason <> ''),
    -- telefonata | documento | ricontatto | altro
    source          TEXT    NOT NULL,
    created_by      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT  NOT NULL,
    withdrawn_at    BIGINT,
    withdrawn_by    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    withdraw_reason TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX census_corrections_invitation_idx ON census_corrections (invitation_id, id);

CREATE TABLE census_issue_decisions (
    id            INTEGER PRIMARY KEY,
    campaign_id   BIGINT  NOT NULL REFERENCES census_campaigns (id) ON DELETE CASCADE,
    rule          TEXT    NOT NULL,
    comune_code   TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    -- accepted
    decision      TEXT    NOT NULL,
    -- the issue's values when decided (argine_domain::census::rules::Finding::fingerprint)
    fingerprint   TEXT    NOT NULL,
    note          TEXT    NOT NULL,
    decided_by    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    decided_at    BIGINT  NOT NULL,
    CONSTRAINT census_issue_decisions_key UNIQUE (campaign_id, rule, comune_code, subject)
);
