-- Front-line case work (sqlite dialect; keep in step with ../postgres/0013_cases.sql).
--
-- People met by outreach teams and listening points, and their cases. Privacy is in the
-- schema:
-- * identity fields (names, birth date, phone, documents) exist only encrypted, in
--   `persons.identity_ct`, under the person's own data key; that key is stored wrapped by the
--   deployment's keyring (`wrapped_key`, envelope encryption; rotating the keyring rewraps the
--   keys without touching the data). Free texts about the person (employment, assessment
--   evidence, reasons, plan, notes) are encrypted with the same key (`*_ct` columns). Every
--   ciphertext is bound to its table, column and row.
-- * duplicates across organisations are found through blind indexes (keyed HMAC of
--   normalised values, `person_blind_index`), which reveal nothing without the key.
-- * erasing or anonymising a person destroys the wrapped key and the ciphertexts; the coded
--   columns (sex, age band, nationality, sector, Comune, stages, outcomes, dates) remain, so
--   the indicators do not change.

CREATE TABLE persons (
    id               INTEGER PRIMARY KEY,
    -- pseudonymous code shown on screens and used on the phone (argine_domain::cases::pseudonym)
    code             TEXT    NOT NULL,
    owner_org        BIGINT  NOT NULL REFERENCES organisations (id),
    wrapped_key      TEXT    NOT NULL DEFAULT '',
    identity_ct      TEXT    NOT NULL DEFAULT '',
    -- argine_domain::cases::{Sex, AgeBand} codes; nationality ISO 3166-1 alpha-3
    sex              TEXT    NOT NULL DEFAULT 'unknown',
    age_band         TEXT    NOT NULL DEFAULT 'unknown',
    nationality      TEXT    NOT NULL DEFAULT '',
    -- ISO 639 codes, comma separated
    languages        TEXT    NOT NULL DEFAULT '',
    -- argine_domain::cases::ResidenceStatus code and the permit's expiry (YYYY-MM-DD)
    residence_status TEXT    NOT NULL DEFAULT 'unknown',
    permit_expiry    TEXT,
    -- sector code (agriculture, construction, …); employer and conditions encrypted
    sector           TEXT    NOT NULL DEFAULT '',
    employment_ct    TEXT    NOT NULL DEFAULT '',
    -- where the person was met
    comune_code      TEXT    NOT NULL DEFAULT '',
    -- the outreach session the contact came from, if any
    outreach_session BIGINT,
    created_by       BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    anonymised_at    BIGINT,
    CONSTRAINT persons_code_key UNIQUE (code)
);
CREATE INDEX persons_owner_idx ON persons (owner_org, id);

CREATE TABLE person_blind_index (
    person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    -- argine_domain::cases::blind::BlindKind code
    kind      TEXT   NOT NULL,
    digest    TEXT   NOT NULL,
    PRIMARY KEY (person_id, kind)
);
CREATE INDEX person_blind_digest_idx ON person_blind_index (digest, kind);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    person_id       BIGINT  NOT NULL REFERENCES persons (id),
    owner_org       BIGINT  NOT NULL REFERENCES organisations (id),
    -- argine_domain::cases::Stage; the stage before closing is kept to reopen
    stage           TEXT    NOT NULL DEFAULT 'contact',
    stage_before    TEXT,
    -- latest assessment outcome (argine_domain::cases::Outcome)
    outcome         TEXT,
    -- formal identification, recorded by the body that does it
    formal_outcome  TEXT,
    formal_org      BIGINT  REFERENCES organisations (id),
    formal_on       TEXT,
    comune_code     TEXT    NOT NULL DEFAULT '',
    opened_by       BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    opened_at       BIGINT  NOT NULL,
    closed_at       BIGINT,
    close_reason    TEXT,
    -- when a closed case is anonymised by the retention job
    retention_until BIGINT,
    updated_at      BIGINT  NOT NULL,
    CONSTRAINT cases_person_key UNIQUE (person_id)
);
CREATE INDEX cases_owner_idx ON cases (owner_org, stage, id);
CREATE INDEX cases_retention_idx ON cases (retention_until);

CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    person_id     BIGINT  NOT NULL REFERENCES persons (id),
    -- argine_domain::cases::consent::Purpose codes, comma separated
    purposes      TEXT    NOT NULL,
    -- argine_domain::cases::FieldGroup codes shared with the recipients
    fields        TEXT    NOT NULL DEFAULT '',
    -- organisation ids, comma separated
    recipients    TEXT    NOT NULL DEFAULT '',
    -- the language it was explained in (ISO 639) and the cultural mediator who explained it
    language      TEXT    NOT NULL,
    mediator      TEXT    NOT NULL DEFAULT '',
    given_on      TEXT    NOT NULL,
    recorded_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    recorded_at   BIGINT  NOT NULL,
    withdrawn_at  BIGINT,
    withdrawn_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX consents_person_idx ON consents (person_id);

CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    case_id     BIGINT  NOT NULL REFERENCES cases (id),
    checklist   TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    outcome     TEXT    NOT NULL,
    -- how many indicators were found present
    present     BIGINT  NOT NULL,
    -- answers with evidence and the reasoning (argine_domain::cases::checklist::Assessment), encrypted
    answers_ct  TEXT    NOT NULL,
    org_id      BIGINT  NOT NULL REFERENCES organisations (id),
    assessed_by BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    assessed_at BIGINT  NOT NULL
);
CREATE INDEX assessments_case_idx ON assessments (case_id, id);

CREATE TABLE referrals (
    id            INTEGER PRIMARY KEY,
    case_id       BIGINT  NOT NULL REFERENCES cases (id),
    from_org      BIGINT  NOT NULL REFERENCES organisations (id),
    to_org        BIGINT  NOT NULL REFERENCES organisations (id),
    -- the service referred to (services directory), if chosen
    service_id    BIGINT,
    consent_id    BIGINT  NOT NULL REFERENCES consents (id),
    -- field groups shared (a subset of the consent's)
    fields        TEXT    NOT NULL,
    reason_ct     TEXT    NOT NULL DEFAULT '',
    -- argine_domain::cases::ReferralStatus
    status        TEXT    NOT NULL DEFAULT 'pending',
    -- answer expected by (YYYY-MM-DD): reminders before, escalation after
    due_on        TEXT    NOT NULL,
    created_by    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT  NOT NULL,
    responded_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    responded_at  BIGINT,
    response_ct   TEXT    NOT NULL DEFAULT '',
    reminded_at   BIGINT,
    escalated_at  BIGINT
);
CREATE INDEX referrals_case_idx ON referrals (case_id, id);
CREATE INDEX referrals_to_idx ON referrals (to_org, status, id);

-- The individual plan (goals with the service and the organisation responsible), tasks with
-- due dates and follow-up notes: the `notes` field group.
CREATE TABLE case_items (
    id           INTEGER PRIMARY KEY,
    case_id      BIGINT  NOT NULL REFERENCES cases (id),
    -- goal | task | followup
    item_kind    TEXT    NOT NULL,
    text_ct      TEXT    NOT NULL,
    -- the organisation responsible (goals, tasks)
    org_id       BIGINT  REFERENCES organisations (id),
    service_id   BIGINT,
    due_on       TEXT,
    done_at      BIGINT,
    created_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX case_items_case_idx ON case_items (case_id, item_kind, id);
CREATE INDEX case_items_due_idx ON case_items (due_on);

-- The timeline across agencies: what happened, by which organisation, never personal values.
CREATE TABLE case_events (
    id       INTEGER PRIMARY KEY,
    case_id  BIGINT  NOT NULL REFERENCES cases (id),
    at       BIGINT  NOT NULL,
    org_id   BIGINT  REFERENCES organisations (id),
    user_id  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    -- opened | stage | assessment | consent | consent_withdrawn | referral | referral_accepted |
    -- referral_declined | referral_withdrawn | formal_identification | item | closed | reopened |
    -- glass | linked | unlinked | anonymised
    kind     TEXT    NOT NULL,
    -- codes and ids only (JSON)
    detail   TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_idx ON case_events (case_id, at, id);

-- "Break the glass": time-limited access to a case outside one's team.
CREATE TABLE glass_access (
    id            INTEGER PRIMARY KEY,
    case_id       BIGINT  NOT NULL REFERENCES cases (id),
    user_id       BIGINT  NOT NULL REFERENCES users (id),
    org_id        BIGINT  NOT NULL REFERENCES organisations (id),
    reason        TEXT    NOT NULL,
    granted_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    reviewed_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at   BIGINT,
    -- justified | unjustified
    review        TEXT,
    review_note   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX glass_access_case_idx ON glass_access (case_id, expires_at);

-- Likely duplicates across organisations, found by the blind indexes. Each owner is told; the
-- records are linked only when both persons' consents allow it.
CREATE TABLE duplicate_signals (
    id          INTEGER PRIMARY KEY,
    person_a    BIGINT  NOT NULL REFERENCES persons (id),
    person_b    BIGINT  NOT NULL REFERENCES persons (id),
    -- blind kinds that matched, comma separated; likely | possible
    kinds       TEXT    NOT NULL,
    likelihood  TEXT    NOT NULL,
    found_at    BIGINT  NOT NULL,
    -- open | linked | dismissed
    status      TEXT    NOT NULL DEFAULT 'open',
    decided_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    decided_at  BIGINT,
    CONSTRAINT duplicate_signals_pair_key UNIQUE (person_a, person_b)
);
CREATE INDEX duplicate_signals_b_idx ON duplicate_signals (person_b);

-- Records of the same person in two organisations, linked with consent (reversible).
CREATE TABLE person_links (
    id          INTEGER PRIMARY KEY,
    signal_id   BIGINT  NOT NULL REFERENCES duplicate_signals (id),
    person_a    BIGINT  NOT NULL REFERENCES persons (id),
    person_b    BIGINT  NOT NULL REFERENCES persons (id),
    consent_a   BIGINT  NOT NULL REFERENCES consents (id),
    consent_b   BIGINT  NOT NULL REFERENCES consents (id),
    linked_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    linked_at   BIGINT  NOT NULL,
    unlinked_by BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    unlinked_at BIGINT
);
CREATE INDEX person_links_a_idx ON person_links (person_a);
CREATE INDEX person_links_b_idx ON person_links (person_b);
