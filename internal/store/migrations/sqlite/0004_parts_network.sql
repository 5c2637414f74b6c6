-- Multipart messages and networks (issue 4): per-part states of a message,
-- the part a receipt is about, and what is known of the recipient's network.
ALTER TABLE messages ADD COLUMN parts TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN part_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN mcc TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN mnc TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN number_type TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN part_id TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN part_index INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN part_count INTEGER NOT NULL DEFAULT 0;

CREATE INDEX messages_carrier ON messages (carrier, created_at DESC, id DESC) WHERE carrier <> '';
