-- Outbound webhooks (issue 6): endpoints, the outbox of events (one row per
-- event), one delivery per event and endpoint with its retry state, and the
-- log of every attempt. Times are Unix microseconds; claimed_until is the
-- lease of the worker delivering it (0: unclaimed).
CREATE TABLE webhook_endpoints (
    id               INTEGER PRIMARY KEY,
    url              TEXT    NOT NULL,
    secret           TEXT    NOT NULL,
    event_types      TEXT    NOT NULL DEFAULT '',
    enabled          INTEGER NOT NULL DEFAULT 1,
    disabled_reason  TEXT    NOT NULL DEFAULT '',
    consecutive_dead INTEGER NOT NULL DEFAULT 0,
    failing_since    INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE webhook_events (
    id         INTEGER PRIMARY KEY,
    type       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Replays of a time range.
CREATE INDEX webhook_events_created ON webhook_events (created_at);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL,
    UNIQUE (event_id, endpoint_id)
);

-- The claim's scan: pending deliveries by due time, nothing else.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id);

CREATE TABLE webhook_attempts (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    attempt          INTEGER NOT NULL,
    at               INTEGER NOT NULL,
    status           INTEGER NOT NULL,
    latency_ms       INTEGER NOT NULL,
    response_excerpt TEXT    NOT NULL DEFAULT '',
    error            TEXT    NOT NULL DEFAULT ''
);

-- An endpoint's attempt log, newest first.
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, at);
