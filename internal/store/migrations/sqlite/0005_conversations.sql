-- Conversations (issue 5): every message between two numbers of an account,
-- keyed by the normalized pair (our number, their number).
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY,
    provider        TEXT    NOT NULL,
    account         TEXT    NOT NULL,
    our_number      TEXT    NOT NULL,
    their_number    TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    last_message_at INTEGER NOT NULL,
    outbound_count  INTEGER NOT NULL DEFAULT 0,
    inbound_count   INTEGER NOT NULL DEFAULT 0,
    opted_out       INTEGER NOT NULL DEFAULT 0,
    opted_out_at    INTEGER,
    opt_out_reason  TEXT    NOT NULL DEFAULT '',
    UNIQUE (provider, account, our_number, their_number)
);
CREATE INDEX conversations_activity ON conversations (last_message_at DESC, id DESC);
CREATE INDEX conversations_their ON conversations (their_number, last_message_at DESC);

ALTER TABLE messages ADD COLUMN conversation_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN reply_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN response_time_ms INTEGER;
ALTER TABLE messages ADD COLUMN recipient_opted_out INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_conversation ON messages (conversation_id, created_at DESC, id DESC) WHERE conversation_id <> 0;
