-- Census data control: queries to a Comune (sqlite dialect; keep in step with
-- ../postgres/0010_census_queries.sql).
--
-- When a value looks wrong the secretariat can ask the Comune instead of guessing: a query is
-- a message to the Comune's address (PEC first, else e-mail, as the campaign's mailing) with a
-- secret link of its own, `/richiesta/{token}`. The Comune's response link cannot serve: it
-- stops working when the campaign closes, and data control mostly happens after closing. As
-- for the response links, only the SHA-256 of the token is stored; the token itself travels
-- only in the (encrypted) e-mail job.
--
-- A query is usually about a data-control issue — rule, subject and fingerprint as in
-- census_issue_decisions (0007) — but may be free (rule ''). `path` is the question it asks
-- about (argine_domain::census::engine::FieldPath as text, '' for none): the Comune may
-- propose a value for it, which the secretariat can apply as a correction (source
-- `ricontatto`, census_corrections). Status: open → answered (the Comune wrote back; it may
-- edit its answer until the query is closed) → closed, by the secretariat, either with the
-- correction made from the answer (outcome `corrected`, correction_id) or without change
-- (outcome `unchanged`, with a note). Nothing is deleted.

CREATE TABLE census_queries (
    id              INTEGER PRIMARY KEY,
    campaign_id     BIGINT  NOT NULL REFERENCES census_campaigns (id) ON DELETE CASCADE,
    invitation_id   BIGINT  NOT NULL REFERENCES census_invitations (id) ON DELETE CASCADE,
    -- the issue it is about; rule '' for a free query
    rule            TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL DEFAULT '',
    fingerprint     TEXT    NOT NULL DEFAULT '',
    -- the question asked about ('' for none)
    path            TEXT    NOT NULL DEFAULT '',
    message         TEXT    NOT NULL CHECK (message <> ''),
    -- pec | email: where the message went (the address is the invitation's)
    channel         TEXT    NOT NULL,
    -- the e-mail job (its state is shown with the query)
    job_id          BIGINT,
    created_by      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT  NOT NULL,
    -- SHA-256 (hex) of the link's token, and until when the link works
    token_hash      TEXT    NOT NULL,
    expires_at      BIGINT  NOT NULL,
    opened_at       BIGINT,
    -- open | answered | closed
    status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
    answer          TEXT,
    -- the value the Comune proposes for `path` (NULL: none)
    proposed_value  TEXT,
    answered_at     BIGINT,
    -- SHA-256 of the link the answer came through
    answer_link     TEXT,
    closed_at       BIGINT,
    closed_by       BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    -- corrected | unchanged
    outcome         TEXT,
    close_note      TEXT    NOT NULL DEFAULT '',
    correction_id   BIGINT  REFERENCES census_corrections (id) ON DELETE SET NULL,
    CONSTRAINT census_queries_token UNIQUE (token_hash)
);
CREATE INDEX census_queries_campaign_idx ON census_queries (campaign_id, status, id);
CREATE INDEX census_queries_invitation_idx ON census_queries (invitation_id, id);
