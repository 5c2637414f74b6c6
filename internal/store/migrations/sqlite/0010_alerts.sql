-- Health alerts (issue 7): a significant degradation of one dimension value
-- (provider, sender, country, carrier or route) on one metric, with the
-- evidence that opened it and the latest evaluation. dim_key is the key in
-- canonical JSON; at most one alert per dimension value and metric is open.
-- Times are Unix microseconds; resolved_at is 0 while open.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    dimension   TEXT    NOT NULL,
    dim_key     TEXT    NOT NULL,
    metric      TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    evidence    TEXT    NOT NULL,
    latest      TEXT    NOT NULL,
    opened_at   INTEGER NOT NULL,
    resolved_at INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
);

CREATE UNIQUE INDEX alerts_one_open ON alerts (dimension, dim_key, metric) WHERE state = 'open';
-- The list's "since" filter: open alerts, and resolved ones by resolution time.
CREATE INDEX alerts_resolved ON alerts (resolved_at);

-- Leases of periodic jobs that one instance at a time runs (the health
-- evaluator): the holder renews its lease; another may take it once it ends.
CREATE TABLE job_leases (
    name   TEXT    PRIMARY KEY,
    holder TEXT    NOT NULL,
    until  INTEGER NOT NULL
);
