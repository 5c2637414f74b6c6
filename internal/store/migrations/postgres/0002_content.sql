-- Content analysis and compliance (issue 3): every message carries how its
-- body encodes, what it says, and which body policy was applied.
ALTER TABLE messages ADD COLUMN characters BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN non_gsm TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN sentiment DOUBLE PRECISION;
ALTER TABLE messages ADD COLUMN sentiment_label TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN keyword TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN body_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN body_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN country TEXT NOT NULL DEFAULT '';

CREATE INDEX messages_keyword ON messages (keyword, created_at DESC, id DESC) WHERE keyword <> '';
