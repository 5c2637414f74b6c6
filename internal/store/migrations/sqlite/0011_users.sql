-- Console users (issue 8), their sessions and failed sign-ins. Times are
-- Unix microseconds. A session is found by the SHA-256 of its cookie's
-- token (hex), never by the token itself; csrf_token is the synchronizer
-- token of its forms. Failures are kept per e-mail, known or not, so the
-- lockout answers the same for both.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT    NOT NULL,
    at    INTEGER NOT NULL
);

CREATE INDEX login_failures_email ON login_failures (email, at);
