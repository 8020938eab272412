-- The network (SQLite dialect; keep in step with ../postgres/0003_network.sql): people of the
-- organisations, protocols with their parties and documents, working groups with members,
-- meetings, attendance, minutes and decisions; staged organisation imports.
--
-- Dates are 'YYYY-MM-DD' text; meeting times are Europe/Rome wall-clock 'YYYY-MM-DDTHH:MM'
-- text (what people enter and read; iCalendar carries the zone). Territory units use the keys
-- of organisation_units ('comune:020030'); NULL means national. The territory import re-points
-- them when a comune changes code.

ALTER TABLE organisations ADD COLUMN website TEXT;
ALTER TABLE organisations ADD COLUMN ipa_code TEXT;

-- People of the network: professional contacts, not data subjects of case work.
CREATE TABLE network_people (
    id          INTEGER PRIMARY KEY,
    org_id      BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    full_name   TEXT    NOT NULL,
    role_title  TEXT    NOT NULL DEFAULT '',
    email       TEXT,
    phone       TEXT,
    active      BIGINT  NOT NULL DEFAULT 1,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX network_people_org_idx ON network_people (org_id);

CREATE TABLE protocols (
    id           INTEGER PRIMARY KEY,
    title        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    unit         TEXT,
    summary      TEXT    NOT NULL DEFAULT '',
    signed_on    TEXT,
    valid_from   TEXT,
    valid_until  TEXT,
    created_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE TABLE protocol_parties (
    protocol_id      BIGINT NOT NULL REFERENCES protocols (id) ON DELETE CASCADE,
    org_id           BIGINT NOT NULL REFERENCES organisations (id),
    role             TEXT   NOT NULL,
    -- who signed for the organisation, and when (empty until signed)
    signatory_name   TEXT   NOT NULL DEFAULT '',
    signatory_title  TEXT   NOT NULL DEFAULT '',
    signed_on        TEXT,
    PRIMARY KEY (protocol_id, org_id)
);
CREATE INDEX protocol_parties_org_idx ON protocol_parties (org_id);

-- Files attached to records (a protocol's signed text, a meeting's annexes).
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    owner_type    TEXT    NOT NULL,
    owner_id      BIGINT  NOT NULL,
    filename      TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          BIGINT  NOT NULL,
    sha256        TEXT    NOT NULL,
    content       BLOB    NOT NULL,
    uploaded_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at   BIGINT  NOT NULL
);
CREATE INDEX documents_owner_idx ON documents (owner_type, owner_id);

CREATE TABLE working_groups (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    unit         TEXT,
    lead_org_id  BIGINT  REFERENCES organisations (id),
    description  TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE TABLE group_members (
    group_id   BIGINT NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    org_id     BIGINT NOT NULL REFERENCES organisations (id),
    role       TEXT   NOT NULL,
    -- the person who usually represents the organisation (optional)
    delegate   TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (group_id, org_id)
);
CREATE INDEX group_members_org_idx ON group_members (org_id);

CREATE TABLE meetings (
    id              INTEGER PRIMARY KEY,
    group_id        BIGINT  NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    uid             TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    starts_at       TEXT    NOT NULL,
    ends_at         TEXT    NOT NULL,
    place           TEXT    NOT NULL DEFAULT '',
    agenda          TEXT    NOT NULL DEFAULT '',
    minutes         TEXT    NOT NULL DEFAULT '',
    -- draft | approved: approved minutes are frozen
    minutes_status  TEXT    NOT NULL DEFAULT 'draft',
    approved_at     BIGINT,
    approved_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    cancelled       BIGINT  NOT NULL DEFAULT 0,
    sequence        BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    CONSTRAINT meetings_uid_key UNIQUE (uid)
);
CREATE INDEX meetings_group_idx ON meetings (group_id, starts_at);

CREATE TABLE meeting_attendance (
    meeting_id  BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    org_id      BIGINT NOT NULL REFERENCES organisations (id),
    status      TEXT   NOT NULL,
    -- who attended for the organisation
    attendee    TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, org_id)
);

CREATE TABLE meeting_decisions (
    id            INTEGER PRIMARY KEY,
    meeting_id    BIGINT  NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    text          TEXT    NOT NULL,
    owner_org_id  BIGINT  REFERENCES organisations (id),
    due_on        TEXT,
    status        TEXT    NOT NULL DEFAULT 'open',
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX meeting_decisions_meeting_idx ON meeting_decisions (meeting_id);

-- An uploaded file waiting for the user to confirm its import after the dry run.
CREATE TABLE staged_imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename    TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    content     BLOB    NOT NULL,
    created_at  BIGINT  NOT NULL,
    applied_at  BIGINT
);
