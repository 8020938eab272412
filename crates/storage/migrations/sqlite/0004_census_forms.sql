-- Census questionnaires (SQLite dialect; keep in step with ../postgres/0004_census_forms.sql).
--
-- A questionnaire is an XLSForm (the ODK/KoboToolbox standard). `census_forms` holds one row per
-- XLSForm `form_id`; every import adds a version. A version never changes once stored: its
-- source workbook, its parsed definition and its number stay as they were, so every response
-- can say exactly which questions it answered. Publishing only stamps `published_at` (once).

CREATE TABLE census_forms (
    id          INTEGER PRIMARY KEY,
    -- the XLSForm settings.form_id, e.g. 'incas_2021'
    form_key    TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    created_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at  BIGINT  NOT NULL,
    CONSTRAINT census_forms_key UNIQUE (form_key)
);

CREATE TABLE census_form_versions (
    id             INTEGER PRIMARY KEY,
    form_id        BIGINT  NOT NULL REFERENCES census_forms (id),
    -- the XLSForm settings.version (a form cannot hold two versions with the same number)
    version        TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    -- the workbook as uploaded, and its SHA-256 (hex)
    source         BLOB    NOT NULL,
    source_sha256  TEXT    NOT NULL,
    -- the parsed form (argine_domain::census::xlsform::Form as JSON)
    definition     TEXT    NOT NULL,
    questions      BIGINT  NOT NULL,
    published_at   BIGINT,
    published_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at     BIGINT  NOT NULL,
    CONSTRAINT census_form_versions_version UNIQUE (form_id, version)
);
CREATE INDEX census_form_versions_form_idx ON census_form_versions (form_id);
