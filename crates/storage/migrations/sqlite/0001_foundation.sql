-- Foundation schema (SQLite dialect). Keep in step with ../postgres/0001_foundation.sql: the
-- storage contract tests run the same code against both.
--
-- Conventions, portable across SQLite and PostgreSQL:
--   * times are Unix seconds (BIGINT) in UTC, except the audit log's human-readable `at`;
--   * flags are 0/1 integers;
--   * secrets are never stored: tokens as SHA-256 hex, passwords as Argon2id PHC strings,
--     TOTP secrets encrypted with the field keyring.

-- Organisations of the network and the territory each one acts on.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    org_type    TEXT    NOT NULL,
    -- 1 = national jurisdiction; otherwise the units in organisation_units (none = nowhere)
    national    BIGINT  NOT NULL DEFAULT 0,
    email       TEXT,
    pec         TEXT,
    phone       TEXT,
    address     TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    CONSTRAINT organisations_name_key UNIQUE (name)
);

-- Jurisdiction units: 'regione:05', 'provincia:020', 'comune:020030'.
CREATE TABLE organisation_units (
    org_id  BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    unit    TEXT   NOT NULL,
    PRIMARY KEY (org_id, unit)
);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    email               TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    org_id              BIGINT  NOT NULL REFERENCES organisations (id),
    -- invited | active | locked | disabled
    status              TEXT    NOT NULL,
    password_hash       TEXT,
    totp_secret_enc     TEXT,
    totp_last_step      BIGINT,
    failed_logins       BIGINT  NOT NULL DEFAULT 0,
    throttled_until     BIGINT  NOT NULL DEFAULT 0,
    locale              TEXT,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX users_org_idx ON users (org_id);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT   NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- One-time MFA recovery codes, hashed; used_at set when spent.
CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT   NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- Server-side sessions. The cookie carries a random secret; only its hash is stored.
CREATE TABLE sessions (
    id_hash       TEXT   PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    mfa_verified  BIGINT NOT NULL DEFAULT 0,
    ip            TEXT   NOT NULL DEFAULT '',
    user_agent    TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Personal access tokens for the API, hashed, scoped and expiring.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT   NOT NULL,
    token_hash    TEXT   NOT NULL,
    scope         TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);

-- Single-use links sent by e-mail: invitations and password resets.
CREATE TABLE one_time_tokens (
    token_hash  TEXT   PRIMARY KEY,
    purpose     TEXT   NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

-- Failed logins per client address, in fixed windows.
CREATE TABLE login_throttle (
    key           TEXT   PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    failures      BIGINT NOT NULL
);

-- Append-only, hash-chained audit log. `seq` is assigned by the writer under the write lock
-- (never reused, never autoincremented by the database) so that gaps reveal deletions.
CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    at             TEXT   NOT NULL,
    at_unix        BIGINT NOT NULL,
    actor_user_id  BIGINT,
    actor_label    TEXT   NOT NULL,
    action         TEXT   NOT NULL,
    outcome        TEXT   NOT NULL,
    record_type    TEXT   NOT NULL,
    record_id      TEXT   NOT NULL,
    personal       BIGINT NOT NULL,
    ip             TEXT   NOT NULL,
    request_id     TEXT   NOT NULL,
    details        TEXT   NOT NULL,
    prev_hash      TEXT   NOT NULL,
    hash           TEXT   NOT NULL
);
CREATE INDEX audit_actor_idx ON audit_log (actor_user_id, seq);
CREATE INDEX audit_action_idx ON audit_log (action, seq);
CREATE INDEX audit_record_idx ON audit_log (record_type, record_id, seq);
CREATE INDEX audit_time_idx ON audit_log (at_unix);

-- Database-backed job queue (outbox): enqueued in the same transaction as the change.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT   NOT NULL,
    payload       TEXT   NOT NULL,
    -- queued | running | done | failed
    status        TEXT   NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    max_attempts  BIGINT NOT NULL,
    run_at        BIGINT NOT NULL,
    locked_until  BIGINT,
    last_error    TEXT,
    dedup_key     TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CONSTRAINT jobs_dedup_key UNIQUE (dedup_key)
);
CREATE INDEX jobs_ready_idx ON jobs (status, run_at);
