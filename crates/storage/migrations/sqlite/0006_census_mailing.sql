-- Census mailing and follow-up (sqlite dialect; keep in step with ../postgres/0006_census_mailing.sql).
--
-- An invitation keeps its secret link encrypted with the field keyring (the hash alone cannot
-- be put in an e-mail), so that reminders carry the same link as the invitation. Every
-- invitation or reminder e-mail is one row of census_mailings, tied to the job that sends it
-- (the job says whether it went out, failed, or is being retried). The contact log records
-- the secretariat's follow-up of a Comune: calls, e-mails, PEC, and their outcome.

ALTER TABLE census_invitations ADD COLUMN link_secret TEXT;

CREATE TABLE census_mailings (
    id             INTEGER PRIMARY KEY,
    invitation_id  BIGINT  NOT NULL REFERENCES census_invitations (id) ON DELETE CASCADE,
    -- invitation | reminder
    kind           TEXT    NOT NULL,
    -- 0 for the invitation, 1… for the reminders
    seq            BIGINT  NOT NULL,
    -- pec | email
    channel        TEXT    NOT NULL,
    job_id         BIGINT,
    created_at     BIGINT  NOT NULL,
    CONSTRAINT census_mailings_seq UNIQUE (invitation_id, seq)
);

CREATE TABLE census_contacts (
    id             INTEGER PRIMARY KEY,
    invitation_id  BIGINT  NOT NULL REFERENCES census_invitations (id) ON DELETE CASCADE,
    -- phone | email | pec | visit | other
    channel        TEXT    NOT NULL,
    -- reached | no_answer | promised | refused | wrong_contact | other
    outcome        TEXT    NOT NULL,
    note           TEXT    NOT NULL DEFAULT '',
    created_by     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX census_contacts_invitation_idx ON census_contacts (invitation_id, created_at);
