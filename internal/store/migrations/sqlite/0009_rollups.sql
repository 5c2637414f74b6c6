-- Rollups (issue 7): figures per time bucket and dimension, kept up to date
-- incrementally (internal/store/rollup.go, docs/insight.md).
--
-- The queue: ids of messages whose figures may have changed, appended by the
-- transaction that changed them (insert-only: no contention) and drained by
-- the roller.
CREATE TABLE rollup_queue (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL,
    queued_at  INTEGER NOT NULL
);

-- A series is one combination of dimension values at one level of detail
-- (level 0: account, provider, direction; 1: + country; 2: + country and
-- carrier; 3: + sender, country and carrier), optionally for one tag.
-- Dimensions a level does not keep are ''.
CREATE TABLE rollup_series (
    id        INTEGER PRIMARY KEY,
    level     INTEGER NOT NULL,
    account   TEXT    NOT NULL,
    provider  TEXT    NOT NULL,
    direction TEXT    NOT NULL,
    sender    TEXT    NOT NULL,
    country   TEXT    NOT NULL,
    carrier   TEXT    NOT NULL,
    tag_key   TEXT    NOT NULL,
    tag_value TEXT    NOT NULL,
    UNIQUE (level, tag_key, tag_value, account, provider, direction, country, carrier, sender)
);

-- What each message last added to the cells, so a change subtracts exactly
-- that before adding the new figures. Times are milliseconds; NULL: none.
CREATE TABLE rollup_contributions (
    message_id        INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    series_id         INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    tags              TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT '',
    error_code        TEXT    NOT NULL DEFAULT '',
    segments          INTEGER NOT NULL DEFAULT 0,
    cost_micros       INTEGER NOT NULL DEFAULT 0,
    queued_sent_ms    INTEGER,
    sent_delivered_ms INTEGER,
    converted_ms      INTEGER,
    response_ms       INTEGER,
    opt_out           INTEGER NOT NULL DEFAULT 0
);

-- The cells: merged figures of one series in one bucket (grain 1 minute,
-- 2 hour, 3 day; bucket: its start in Unix microseconds, UTC). Sketches are
-- insight.Sketch encodings; errors is "code\tcount" lines.
CREATE TABLE rollup_cells (
    series_id             INTEGER NOT NULL,
    grain                 INTEGER NOT NULL,
    bucket                INTEGER NOT NULL,
    messages              INTEGER NOT NULL DEFAULT 0,
    n_none                INTEGER NOT NULL DEFAULT 0,
    n_accepted            INTEGER NOT NULL DEFAULT 0,
    n_scheduled           INTEGER NOT NULL DEFAULT 0,
    n_queued              INTEGER NOT NULL DEFAULT 0,
    n_sending             INTEGER NOT NULL DEFAULT 0,
    n_sent                INTEGER NOT NULL DEFAULT 0,
    n_partially_delivered INTEGER NOT NULL DEFAULT 0,
    n_delivered           INTEGER NOT NULL DEFAULT 0,
    n_undelivered         INTEGER NOT NULL DEFAULT 0,
    n_failed              INTEGER NOT NULL DEFAULT 0,
    n_read                INTEGER NOT NULL DEFAULT 0,
    n_canceled            INTEGER NOT NULL DEFAULT 0,
    n_receiving           INTEGER NOT NULL DEFAULT 0,
    n_received            INTEGER NOT NULL DEFAULT 0,
    segments              INTEGER NOT NULL DEFAULT 0,
    cost_micros           INTEGER NOT NULL DEFAULT 0,
    converted             INTEGER NOT NULL DEFAULT 0,
    delivered_unconverted INTEGER NOT NULL DEFAULT 0,
    replied               INTEGER NOT NULL DEFAULT 0,
    opt_outs              INTEGER NOT NULL DEFAULT 0,
    errors                TEXT    NOT NULL DEFAULT '',
    queued_sent           BLOB,
    sent_delivered        BLOB,
    created_converted     BLOB,
    response              BLOB,
    PRIMARY KEY (series_id, grain, bucket)
) WITHOUT ROWID;

-- Every message already stored is rolled up by the roller, from the queue.
INSERT INTO rollup_queue (message_id, queued_at)
    SELECT id, CAST(strftime('%s', 'now') AS INTEGER) * 1000000 FROM messages ORDER BY id;
