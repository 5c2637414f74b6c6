-- Actions (issue 5): what a recipient did with a message, the proof that a
-- delivery receipt alone cannot give. data is the app's free JSON ('' when
-- none); times are Unix microseconds like everywhere else.
CREATE TABLE actions (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    type       TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    data       TEXT    NOT NULL DEFAULT '',
    source     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- A message's actions, oldest first; also finds its first converting action.
CREATE INDEX actions_message ON actions (message_id, at);
-- Actions of one type over time.
CREATE INDEX actions_type_at ON actions (type, at);
