-- Territory: ISTAT regions, provinces (UTS) and comuni, with validity in time (SQLite dialect;
-- keep in step with ../postgres/0002_territory.sql).
--
-- A comune row is one *version* of a comune: a rename, a recoding or a change of province closes
-- the current row (valid_to) and opens a new one; a merger closes the old comuni and points
-- them to their successor. Records elsewhere refer to `comuni.id` of the version current when
-- they were written and are re-pointed by the ISTAT import when a comune changes.
-- Dates are ISO 8601 text (YYYY-MM-DD); valid_to is the last day of validity, NULL = current.

CREATE TABLE regions (
    code        TEXT   PRIMARY KEY,
    name        TEXT   NOT NULL,
    macroarea   TEXT   NOT NULL,
    nuts1       TEXT   NOT NULL,
    nuts2       TEXT   NOT NULL,
    pop_total   BIGINT NOT NULL,
    area_km2    DOUBLE PRECISION NOT NULL
);

CREATE TABLE provinces (
    code          TEXT   PRIMARY KEY,
    name          TEXT   NOT NULL,
    sigla         TEXT   NOT NULL,
    region_code   TEXT   NOT NULL REFERENCES regions (code),
    uts_type      BIGINT NOT NULL,
    uts_label     TEXT   NOT NULL,
    pop_total     BIGINT NOT NULL,
    area_km2      DOUBLE PRECISION NOT NULL,
    active        BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE comuni (
    id             INTEGER PRIMARY KEY,
    istat          TEXT   NOT NULL,
    belfiore       TEXT   NOT NULL,
    name           TEXT   NOT NULL,
    name_other     TEXT   NOT NULL DEFAULT '',
    province_code  TEXT   NOT NULL,
    region_code    TEXT   NOT NULL,
    sigla          TEXT   NOT NULL,
    capoluogo      BIGINT NOT NULL DEFAULT 0,
    nuts3          TEXT   NOT NULL DEFAULT '',
    pop_total      BIGINT NOT NULL DEFAULT 0,
    pop_male       BIGINT NOT NULL DEFAULT 0,
    pop_female     BIGINT NOT NULL DEFAULT 0,
    pop_0_14       BIGINT NOT NULL DEFAULT 0,
    pop_15_64      BIGINT NOT NULL DEFAULT 0,
    pop_65_plus    BIGINT NOT NULL DEFAULT 0,
    lat            DOUBLE PRECISION,
    lon            DOUBLE PRECISION,
    area_km2       DOUBLE PRECISION,
    valid_from     TEXT   NOT NULL,
    valid_to       TEXT,
    -- for a closed version: the version that replaced it (same comune or the merged one)
    successor_id   BIGINT REFERENCES comuni (id),
    change_kind    TEXT,
    change_source  TEXT
);
CREATE UNIQUE INDEX comuni_current_istat_key ON comuni (istat) WHERE valid_to IS NULL;
CREATE INDEX comuni_belfiore_idx ON comuni (belfiore);
CREATE INDEX comuni_province_idx ON comuni (province_code) WHERE valid_to IS NULL;

-- What the loaded reference data is, e.g. vintage = 'ISTAT 2024 + patches 2026-02-21'.
CREATE TABLE territory_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
