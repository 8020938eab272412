-- Census reports and open data (sqlite dialect; keep in step with ../postgres/0008_reports.sql).
--
-- Report templates are plain text the secretariat edits in the browser. Every save is a new
-- version (never updated, never deleted): a build records the exact text it was made from. A
-- template name without versions is one of the templates shipped with argine.
--
-- A build is one generation of a report from a campaign's clean answers: queued by the web
-- page (or the demo), worked by the job queue, with its progress, and when done its files
-- (PDF, HTML, XLSX annex, the open-data package) and every published value by key
-- (argine_domain::report::Report::figures as JSON), so the next build lists what changed.
-- Publishing a build puts its open-data package on the public download page; withdrawing it
-- takes it down (the row stays).

CREATE TABLE report_templates (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (name <> ''),
    body        TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX report_templates_name_idx ON report_templates (name, id);

CREATE TABLE report_builds (
    id               INTEGER PRIMARY KEY,
    campaign_id      BIGINT  NOT NULL REFERENCES census_campaigns (id) ON DELETE CASCADE,
    template_name    TEXT    NOT NULL,
    -- NULL: the shipped template of that name
    template_version BIGINT  REFERENCES report_templates (id) ON DELETE SET NULL,
    template_body    TEXT    NOT NULL,
    report_date      TEXT    NOT NULL,
    -- queued | running | done | failed
    status           TEXT    NOT NULL,
    -- stages finished, of argine_web::reports::STAGES
    progress         BIGINT  NOT NULL DEFAULT 0,
    error            TEXT    NOT NULL DEFAULT '',
    title            TEXT    NOT NULL DEFAULT '',
    pages            BIGINT  NOT NULL DEFAULT 0,
    tables           BIGINT  NOT NULL DEFAULT 0,
    figures          BIGINT  NOT NULL DEFAULT 0,
    -- {key: value} of every published value
    values_json      TEXT    NOT NULL DEFAULT '{}',
    requested_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at       BIGINT  NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT,
    published_at     BIGINT,
    published_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    publisher_ipa    TEXT    NOT NULL DEFAULT '',
    publisher_name   TEXT    NOT NULL DEFAULT '',
    withdrawn_at     BIGINT,
    withdrawn_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX report_builds_campaign_idx ON report_builds (campaign_id, template_name, id);

CREATE TABLE report_files (
    build_id    BIGINT  NOT NULL REFERENCES report_builds (id) ON DELETE CASCADE,
    -- rapporto.pdf, rapporto.html, allegato.xlsx; the open-data package under dati/
    name        TEXT    NOT NULL,
    media_type  TEXT    NOT NULL,
    size        BIGINT  NOT NULL,
    sha256      TEXT    NOT NULL,
    content     BLOB    NOT NULL,
    PRIMARY KEY (build_id, name)
);
