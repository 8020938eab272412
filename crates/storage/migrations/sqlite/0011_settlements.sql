-- The settlement registry (sqlite dialect; keep in step with ../postgres/0011_settlements.sql).
--
-- A settlement is a place where foreign farm workers live, followed over years: formal
-- (foresterie, alberghi diffusi, SAI/CAS places, structures run by public or private bodies)
-- or informal (occupied farmhouses or buildings, shacks, tents, caravans, containers). Its
-- state over time is a series of observations — each census answer, field visit, report or
-- imported row adds one — so the registry shows the trend instead of overwriting it.
--
-- The exact position (lon/lat, optional area) of an informal settlement is shown only to the
-- roles allowed to see it (argine_domain::access: ViewSettlementLocations); everything else
-- sees its Comune. `position_source` says where the point comes from: `comune` (the Comune's
-- centroid: the census gives no coordinates), `gps` (taken by a device on site), `mappa`
-- (placed by hand), `import`.

CREATE TABLE settlements (
    id              INTEGER PRIMARY KEY,
    -- informal | formal
    kind            TEXT    NOT NULL,
    -- argine_domain::settlements::SettlementType codes
    settlement_type TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    comune_code     TEXT    NOT NULL,
    lon             DOUBLE PRECISION,
    lat             DOUBLE PRECISION,
    position_source TEXT    NOT NULL DEFAULT 'comune',
    -- GeoJSON geometry of the area, if drawn
    area            TEXT    NOT NULL DEFAULT '',
    owner           TEXT    NOT NULL DEFAULT '',
    year_formed     BIGINT,
    -- active | cleared | closed
    status          TEXT    NOT NULL DEFAULT 'active',
    -- census matching key: `<comune>:<normalised name>:<n>` (the n-th settlement of that name
    -- in the Comune), so a later census wave finds the same settlement instead of adding one
    match_key       TEXT    NOT NULL DEFAULT '',
    created_by      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX settlements_comune_idx ON settlements (comune_code, id);
CREATE INDEX settlements_match_idx ON settlements (match_key);

CREATE TABLE settlement_observations (
    id            INTEGER PRIMARY KEY,
    settlement_id BIGINT  NOT NULL REFERENCES settlements (id) ON DELETE CASCADE,
    -- ISO date
    observed_on   TEXT    NOT NULL,
    -- censimento | visita | segnalazione | import
    source        TEXT    NOT NULL,
    -- where it came from, unique when set: `census:<campaign>:<invitation>:<repeat>[<i>]`
    source_ref    TEXT,
    people        BIGINT,
    -- si | no | nd
    women         TEXT    NOT NULL DEFAULT 'nd',
    minors        TEXT    NOT NULL DEFAULT 'nd',
    families      TEXT    NOT NULL DEFAULT 'nd',
    -- space-separated service codes present (acqua elettr igien rifiuti trasporti sanita …)
    services      TEXT    NOT NULL DEFAULT '',
    distance_km   DOUBLE PRECISION,
    -- space-separated risk codes (incendi sgomberi …)
    risks         TEXT    NOT NULL DEFAULT '',
    -- stabile | stagionale | ''
    nature        TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    lon           DOUBLE PRECISION,
    lat           DOUBLE PRECISION,
    created_by    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT  NOT NULL,
    CONSTRAINT settlement_observations_source_key UNIQUE (source_ref)
);
CREATE INDEX settlement_observations_idx ON settlement_observations (settlement_id, observed_on);
