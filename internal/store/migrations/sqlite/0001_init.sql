-- Messages: one row per message, keyed by provider + account + provider id.
-- Times are Unix microseconds (INTEGER) in both dialects, so latencies are
-- exact and the two stores share their Go code.
CREATE TABLE messages (
    id                     INTEGER PRIMARY KEY,
    provider               TEXT    NOT NULL,
    account                TEXT    NOT NULL,
    provider_id            TEXT    NOT NULL,
    service_id             TEXT    NOT NULL DEFAULT '',
    direction              TEXT    NOT NULL DEFAULT '',
    from_number            TEXT    NOT NULL DEFAULT '',
    to_number              TEXT    NOT NULL DEFAULT '',
    body                   TEXT,
    media                  TEXT    NOT NULL DEFAULT '',
    status                 TEXT    NOT NULL DEFAULT '',
    error_code             TEXT    NOT NULL DEFAULT '',
    segments               INTEGER NOT NULL DEFAULT 0,
    encoding               TEXT    NOT NULL DEFAULT '',
    price                  TEXT    NOT NULL DEFAULT '',
    price_unit             TEXT    NOT NULL DEFAULT '',
    tags                   TEXT    NOT NULL DEFAULT '',
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    reported               INTEGER NOT NULL DEFAULT 0,
    decided_at             INTEGER,
    decided_provider_time  INTEGER,
    accepted_at            INTEGER,
    scheduled_at           INTEGER,
    queued_at              INTEGER,
    sending_at             INTEGER,
    sent_at                INTEGER,
    partially_delivered_at INTEGER,
    delivered_at           INTEGER,
    undelivered_at         INTEGER,
    failed_at              INTEGER,
    read_at                INTEGER,
    canceled_at            INTEGER,
    receiving_at           INTEGER,
    received_at            INTEGER,
    -- provider_id first: the key also serves the provider_id filter.
    UNIQUE (provider_id, provider, account)
);

-- Every list is newest first; each common filter has an index that ends in
-- the sort order so a page is read straight from the index.
CREATE INDEX messages_created ON messages (created_at DESC, id DESC);
CREATE INDEX messages_status ON messages (status, created_at DESC, id DESC);
CREATE INDEX messages_to ON messages (to_number, created_at DESC, id DESC);
CREATE INDEX messages_from ON messages (from_number, created_at DESC, id DESC);
CREATE INDEX messages_error ON messages (error_code, created_at DESC, id DESC) WHERE error_code <> '';

-- Events: the timeline. The unique key makes a repeated callback a no-op.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL,
    error_code    TEXT    NOT NULL DEFAULT '',
    source        TEXT    NOT NULL,
    received_at   INTEGER NOT NULL,
    provider_time INTEGER,
    payload       TEXT    NOT NULL,
    dedupe_key    TEXT    NOT NULL,
    applied       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (message_id, dedupe_key)
);

-- Free key/values for filtering; the message row keeps them as JSON too.
CREATE TABLE message_tags (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    PRIMARY KEY (key, value, message_id)
);
CREATE INDEX message_tags_message ON message_tags (message_id);

-- Requests we refused, bounded: the oldest are dropped.
CREATE TABLE rejected_requests (
    id           INTEGER PRIMARY KEY,
    received_at  INTEGER NOT NULL,
    method       TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    field        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    remote_addr  TEXT    NOT NULL
);

-- API keys, stored only as a SHA-256 hash of the secret.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
