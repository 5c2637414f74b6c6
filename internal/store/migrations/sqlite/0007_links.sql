-- Tracked links: a short code standing for a stored URL, tied to the
-- message whose body carries it once that message exists.
CREATE TABLE links (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
-- Codes are drawn at random; a collision fails here and is drawn again.
CREATE UNIQUE INDEX links_code ON links (code);
CREATE INDEX links_message ON links (message_id, position) WHERE message_id IS NOT NULL;

-- Every request for a link: a person's click or a preview fetcher's.
CREATE TABLE link_visits (
    id         INTEGER PRIMARY KEY,
    link_id    INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    user_agent TEXT    NOT NULL DEFAULT '',
    ip_hash    TEXT    NOT NULL DEFAULT '',
    preview    INTEGER NOT NULL DEFAULT 0
);
-- Serves the counts and the first-click check.
CREATE INDEX link_visits_link ON link_visits (link_id, preview, ip_hash);

-- Settings the tracker generates once and keeps, e.g. the address-hash salt.
CREATE TABLE link_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
