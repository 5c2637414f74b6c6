-- The outbox also carries relays (issue 6): a provider's status callback
-- passed on, signed as the provider signs it, to the app's own callback URL
-- given at send time. A relay has no registered endpoint, so a delivery's
-- and an attempt's endpoint_id may be NULL.
--
-- Also: indexes for the outbox cleanup (settled deliveries, old attempts,
-- events nothing refers to any more), and the previous secret of an endpoint
-- whose secret was rotated, valid until previous_secret_until (Unix
-- microseconds; 0: none).
ALTER TABLE webhook_deliveries ALTER COLUMN endpoint_id DROP NOT NULL;
CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (updated_at) WHERE state <> 'pending';

ALTER TABLE webhook_attempts ALTER COLUMN endpoint_id DROP NOT NULL;
CREATE INDEX webhook_attempts_at ON webhook_attempts (at);
CREATE INDEX webhook_attempts_event ON webhook_attempts (event_id);

ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_until BIGINT NOT NULL DEFAULT 0;
