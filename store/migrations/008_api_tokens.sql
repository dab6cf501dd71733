-- Personal API tokens: a coordinator creates one for a script or a
-- spreadsheet that reads the JSON API. Only the SHA-256 of the secret is
-- kept; the token itself is shown once. A token acts with the current roles
-- of the person who made it, read-only and only on /api/v1/.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    consortium_id INTEGER NOT NULL REFERENCES consortia(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    hash          TEXT    NOT NULL UNIQUE CHECK (length(hash) = 64),
    hint          TEXT    NOT NULL,          -- the first characters, to tell tokens apart
    created_at    TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT,
    revoked_by    INTEGER REFERENCES users(id)
);
CREATE INDEX api_tokens_consortium ON api_tokens(consortium_id, id);
