-- Census campaigns (SQLite dialect; keep in step with ../postgres/0005_census_campaigns.sql).
--
-- A campaign sends one published questionnaire version to a universe of Comuni. Each invited
-- Comune has one invitation row; it keeps the comune's name, province and region as they were
-- when invited (the 2021 census invited Comuni that have merged since), the contact addresses
-- used, the secret link (only its SHA-256 is stored) and the dates the tracking counts:
-- invited, opened, started, submitted. A Comune's answers are one response row (a draft until
-- submitted), always tied to the form version it answers.

CREATE TABLE census_campaigns (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    form_version_id  BIGINT  NOT NULL REFERENCES census_form_versions (id),
    -- how the universe was chosen (JSON: {"kind": "all"} or {"kind": "regions", "codes": […]} …)
    universe         TEXT    NOT NULL DEFAULT '{}',
    -- 'YYYY-MM-DD'
    opens_on         TEXT    NOT NULL,
    deadline         TEXT    NOT NULL,
    -- draft | open | closed
    status           TEXT    NOT NULL DEFAULT 'draft',
    reminders        BIGINT  NOT NULL DEFAULT 2,
    reminder_days    BIGINT  NOT NULL DEFAULT 7,
    accept_late      BIGINT  NOT NULL DEFAULT 1,
    created_by       BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at       BIGINT  NOT NULL,
    closed_at        BIGINT
);

CREATE TABLE census_invitations (
    id                INTEGER PRIMARY KEY,
    campaign_id       BIGINT  NOT NULL REFERENCES census_campaigns (id) ON DELETE CASCADE,
    -- ISTAT code of the comune, and its name, province and region when invited
    comune_code       TEXT    NOT NULL,
    comune_name       TEXT    NOT NULL,
    province_code     TEXT    NOT NULL,
    region_code       TEXT    NOT NULL,
    email             TEXT,
    pec               TEXT,
    -- SHA-256 (hex) of the secret link's token; NULL until a link is issued
    token_hash        TEXT,
    token_expires_at  BIGINT,
    token_revoked_at  BIGINT,
    invited_at        BIGINT,
    opened_at         BIGINT,
    started_at        BIGINT,
    submitted_at      BIGINT,
    reminders_sent    BIGINT  NOT NULL DEFAULT 0,
    last_reminder_at  BIGINT,
    CONSTRAINT census_invitations_comune UNIQUE (campaign_id, comune_code),
    CONSTRAINT census_invitations_token UNIQUE (token_hash)
);
CREATE INDEX census_invitations_region_idx ON census_invitations (campaign_id, region_code, province_code);

CREATE TABLE census_responses (
    id               INTEGER PRIMARY KEY,
    invitation_id    BIGINT  NOT NULL REFERENCES census_invitations (id) ON DELETE CASCADE,
    form_version_id  BIGINT  NOT NULL REFERENCES census_form_versions (id),
    -- argine_domain::census::answers::Answers as JSON
    answers          TEXT    NOT NULL,
    -- draft | submitted
    status           TEXT    NOT NULL,
    -- web | import | synthetic
    source           TEXT    NOT NULL,
    revision         BIGINT  NOT NULL DEFAULT 1,
    updated_at       BIGINT  NOT NULL,
    submitted_at     BIGINT,
    CONSTRAINT census_responses_invitation UNIQUE (invitation_id)
);
