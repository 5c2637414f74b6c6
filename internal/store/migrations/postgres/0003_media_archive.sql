-- The compliance media archive: one row per attachment of a message, with
-- the content address of the archived bytes or the reason they are not.
CREATE TABLE media_archive (
    message_id   BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    url          TEXT    NOT NULL,
    sha256       TEXT    NOT NULL DEFAULT '',
    content_type TEXT    NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    fetched_at   BIGINT NOT NULL,
    error        TEXT    NOT NULL DEFAULT '',
    attempts     BIGINT NOT NULL DEFAULT 0,
    final        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (message_id, position)
);

-- Finds messages with attachments without scanning those without.
CREATE INDEX messages_with_media ON messages (id) WHERE media <> '';
