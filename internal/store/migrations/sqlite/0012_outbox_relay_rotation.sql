-- The outbox also carries relays (issue 6): a provider's status callback
-- passed on, signed as the provider signs it, to the app's own callback URL
-- given at send time. A relay has no registered endpoint, so a delivery's
-- and an attempt's endpoint_id may be NULL; SQLite cannot drop NOT NULL in
-- place, so both tables are rebuilt (nothing references them).
--
-- Also: indexes for the outbox cleanup (settled deliveries, old attempts,
-- events nothing refers to any more), and the previous secret of an endpoint
-- whose secret was rotated, valid until previous_secret_until (Unix
-- microseconds; 0: none).
CREATE TABLE webhook_deliveries_new (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id     INTEGER REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
INSERT INTO webhook_deliveries_new SELECT id, event_id, endpoint_id, state, attempts, next_attempt_at, claimed_until,
    last_error, updated_at FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id);
-- The cleanup's scan: settled deliveries by age.
CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (updated_at) WHERE state <> 'pending';

CREATE TABLE webhook_attempts_new (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id      INTEGER REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    attempt          INTEGER NOT NULL,
    at               INTEGER NOT NULL,
    status           INTEGER NOT NULL,
    latency_ms       INTEGER NOT NULL,
    response_excerpt TEXT    NOT NULL DEFAULT '',
    error            TEXT    NOT NULL DEFAULT ''
);
INSERT INTO webhook_attempts_new SELECT id, event_id, endpoint_id, attempt, at, status, latency_ms, response_excerpt,
    error FROM webhook_attempts;
DROP TABLE webhook_attempts;
ALTER TABLE webhook_attempts_new RENAME TO webhook_attempts;
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, at);
-- The cleanup removes attempts by age, and deleting an event finds its
-- attempts by event.
CREATE INDEX webhook_attempts_at ON webhook_attempts (at);
CREATE INDEX webhook_attempts_event ON webhook_attempts (event_id);

ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_until INTEGER NOT NULL DEFAULT 0;
