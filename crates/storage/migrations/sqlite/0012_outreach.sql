-- The service directory and outreach (sqlite dialect; keep in step with ../postgres/0012_outreach.sql).
--
-- The directory follows Open Referral HSDS 3.0: an organisation (the `organisations` table)
-- offers services; a service is offered at locations (`service_at_location`), each with its
-- opening hours by weekday. A listening point (sportello di ascolto) is a service at a location
-- flagged `listening_point`. Every directory row carries a UUID (`uuid`) for the HSDS export.
--
-- Outreach: itinerant teams (unità mobili) with their members (users), mediators, languages
-- and route (dated stops in a Comune, optionally at a settlement of the registry); outreach
-- sessions (uscite) of a team or at a listening point, with ANONYMOUS contact counts only:
-- rows of (sex, age band, nationality, sector, count). Nothing here names or describes a
-- person; an individual record is opened in the case pages, never here. `client_uuid` makes a
-- sync from a phone idempotent: the same offline record sent twice is one session.

-- The HSDS identifier of an organisation that lists services (assigned with its first one).
CREATE TABLE organisation_uuids (
    org_id  BIGINT NOT NULL PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    uuid    TEXT   NOT NULL,
    CONSTRAINT organisation_uuids_uuid_key UNIQUE (uuid)
);

CREATE TABLE services (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT    NOT NULL,
    org_id       BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- argine_domain::outreach::ServiceKind codes
    kind         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    -- who may use it (HSDS eligibility_description)
    eligibility  TEXT    NOT NULL DEFAULT '',
    -- space-separated ISO 639-1 codes of the languages the service is offered in
    languages    TEXT    NOT NULL DEFAULT '',
    -- work contacts of the service (never of its beneficiaries)
    email        TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    url          TEXT    NOT NULL DEFAULT '',
    -- active | inactive
    status       TEXT    NOT NULL DEFAULT 'active',
    created_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    CONSTRAINT services_uuid_key UNIQUE (uuid)
);
CREATE INDEX services_org_idx ON services (org_id);

CREATE TABLE service_locations (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT    NOT NULL,
    org_id       BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    address      TEXT    NOT NULL DEFAULT '',
    -- ISTAT code of the Comune
    comune_code  TEXT    NOT NULL,
    lon          DOUBLE PRECISION,
    lat          DOUBLE PRECISION,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT service_locations_uuid_key UNIQUE (uuid)
);
CREATE INDEX service_locations_comune_idx ON service_locations (comune_code);

CREATE TABLE service_at_location (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT    NOT NULL,
    service_id      BIGINT  NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    location_id     BIGINT  NOT NULL REFERENCES service_locations (id) ON DELETE CASCADE,
    -- 1: a fixed listening point (sportello) with opening hours
    listening_point BIGINT  NOT NULL DEFAULT 0,
    note            TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    CONSTRAINT service_at_location_uuid_key UNIQUE (uuid),
    CONSTRAINT service_at_location_pair_key UNIQUE (service_id, location_id)
);

-- Opening hours (HSDS schedule): one row per opening interval of a weekday (1 = Monday).
CREATE TABLE service_schedules (
    id                     INTEGER PRIMARY KEY,
    service_at_location_id BIGINT  NOT NULL REFERENCES service_at_location (id) ON DELETE CASCADE,
    weekday                BIGINT  NOT NULL,
    -- HH:MM, local time
    opens_at               TEXT    NOT NULL,
    closes_at              TEXT    NOT NULL
);
CREATE INDEX service_schedules_sal_idx ON service_schedules (service_at_location_id, weekday);

CREATE TABLE outreach_teams (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT    NOT NULL,
    org_id       BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- the directory service the team delivers, if listed
    service_id   BIGINT  REFERENCES services (id) ON DELETE SET NULL,
    name         TEXT    NOT NULL,
    -- ISTAT code of the Comune the team is based in (decides who coordinates it)
    comune_code  TEXT    NOT NULL,
    -- space-separated ISO 639-1 codes
    languages    TEXT    NOT NULL DEFAULT '',
    -- how many cultural mediators go out with the team, and for which languages (free text of
    -- the team's organisation, e.g. "2: punjabi, arabo")
    mediators    TEXT    NOT NULL DEFAULT '',
    created_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT outreach_teams_uuid_key UNIQUE (uuid)
);

CREATE TABLE outreach_team_members (
    team_id  BIGINT NOT NULL REFERENCES outreach_teams (id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);

-- A team's route: where it goes on which day.
CREATE TABLE outreach_route_stops (
    id            INTEGER PRIMARY KEY,
    team_id       BIGINT  NOT NULL REFERENCES outreach_teams (id) ON DELETE CASCADE,
    -- ISO date
    visit_on      TEXT    NOT NULL,
    comune_code   TEXT    NOT NULL,
    settlement_id BIGINT  REFERENCES settlements (id) ON DELETE SET NULL,
    place         TEXT    NOT NULL DEFAULT '',
    -- HH:MM-HH:MM or ''
    hours         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outreach_route_stops_idx ON outreach_route_stops (team_id, visit_on);

CREATE TABLE outreach_sessions (
    id             INTEGER PRIMARY KEY,
    -- generated by the client (a phone offline): the idempotency key of sync
    client_uuid    TEXT    NOT NULL,
    org_id         BIGINT  NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- exactly one of team_id and desk_id (a listening point: service_at_location)
    team_id        BIGINT  REFERENCES outreach_teams (id) ON DELETE SET NULL,
    desk_id        BIGINT  REFERENCES service_at_location (id) ON DELETE SET NULL,
    -- ISO date
    held_on        TEXT    NOT NULL,
    comune_code    TEXT    NOT NULL,
    settlement_id  BIGINT  REFERENCES settlements (id) ON DELETE SET NULL,
    lon            DOUBLE PRECISION,
    lat            DOUBLE PRECISION,
    -- space-separated need codes heard (argine_domain::outreach::NEEDS)
    needs          TEXT    NOT NULL DEFAULT '',
    needs_note     TEXT    NOT NULL DEFAULT '',
    -- web | offline | api
    source         TEXT    NOT NULL DEFAULT 'web',
    created_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at     BIGINT  NOT NULL,
    CONSTRAINT outreach_sessions_client_uuid_key UNIQUE (client_uuid)
);
CREATE INDEX outreach_sessions_org_idx ON outreach_sessions (org_id, held_on);

-- Anonymous contact counts: how many people of a (sex, age band, nationality, sector) were met.
CREATE TABLE outreach_contacts (
    session_id   BIGINT NOT NULL REFERENCES outreach_sessions (id) ON DELETE CASCADE,
    -- f | m | x | nd
    sex          TEXT   NOT NULL,
    -- u18 | 18_24 | 25_34 | 35_44 | 45_54 | 55_plus | nd
    age_band     TEXT   NOT NULL,
    -- ISO 3166-1 alpha-2, or ND
    nationality  TEXT   NOT NULL,
    -- argine_domain::outreach::SECTORS
    sector       TEXT   NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (session_id, sex, age_band, nationality, sector)
);

-- Materials given: leaflets in a language, kits…
CREATE TABLE outreach_materials (
    session_id  BIGINT NOT NULL REFERENCES outreach_sessions (id) ON DELETE CASCADE,
    material    TEXT   NOT NULL,
    -- ISO 639-1 code for leaflets, '' otherwise
    language    TEXT   NOT NULL DEFAULT '',
    quantity    BIGINT NOT NULL,
    PRIMARY KEY (session_id, material, language)
);
