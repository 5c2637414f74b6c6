-- The compliance media archive: one row per attachment of a message, with
-- the content address of the archived bytes or the reason they are not.
CREATE TABLE media_archive (
    message_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    url          TEXT    NOT NULL,
    sha256       TEXT    NOT NULL DEFAULT '',
    content_type TEXT    NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    fetched_at   INTEGER NOT NULL,
    error        TEXT    NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    final        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (message_id, position)
);

-- Finds messages with attachments without scanning those without.
CREATE INDEX messages_with_media ON messages (id) WHERE media <> '';
