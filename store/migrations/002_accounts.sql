-- Accounts, roles, sessions, one-time tokens and the audit log.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name           TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL DEFAULT '',  -- '' until a password is set
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
    totp_secret    TEXT    NOT NULL DEFAULT '',  -- base32; '' when no second factor
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL
);

-- A person may hold several roles in a consortium. member_id is set for an
-- IT lead (always) and for a board official of one member.
CREATE TABLE roles (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    consortium_id  INTEGER NOT NULL REFERENCES consortia(id),
    role           TEXT    NOT NULL CHECK (role IN ('coordinator','it_lead','board')),
    member_id      INTEGER REFERENCES members(id),
    CHECK (role <> 'it_lead' OR member_id IS NOT NULL),
    CHECK (role <> 'coordinator' OR member_id IS NULL)
);
CREATE UNIQUE INDEX roles_unique ON roles (user_id, consortium_id, role, IFNULL(member_id, 0));

-- Sessions are stored by the SHA-256 of their id, so a copy of the database
-- does not hand out live sessions.
CREATE TABLE sessions (
    id_hash        TEXT    PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    created_at     TEXT    NOT NULL,
    last_seen_at   TEXT    NOT NULL,
    ip             TEXT    NOT NULL DEFAULT '',
    user_agent     TEXT    NOT NULL DEFAULT '',
    -- 1 while the password was right but the second factor is still due:
    -- such a session opens nothing but the code page.
    pending        INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0,1))
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time links: first-run setup, invitations and password resets. Only
-- the hash of the token is kept.
CREATE TABLE tokens (
    hash           TEXT    PRIMARY KEY,
    purpose        TEXT    NOT NULL CHECK (purpose IN ('setup','invite','reset')),
    email          TEXT    NOT NULL DEFAULT '',
    name           TEXT    NOT NULL DEFAULT '',
    consortium_id  INTEGER REFERENCES consortia(id),
    role           TEXT    NOT NULL DEFAULT '',
    member_id      INTEGER REFERENCES members(id),
    user_id        INTEGER REFERENCES users(id),
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT    NOT NULL,
    expires_at     TEXT    NOT NULL,
    used_at        TEXT
);

-- Append-only in the application: there is no code path that updates or
-- deletes a row.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    user_id        INTEGER,
    actor          TEXT    NOT NULL,   -- email at the time, or 'system'
    consortium_id  INTEGER,
    member_id      INTEGER,
    action         TEXT    NOT NULL,   -- e.g. answer.save, assessment.submit, login.fail
    target         TEXT    NOT NULL DEFAULT '',
    detail         TEXT    NOT NULL DEFAULT '',
    ip             TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (consortium_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
