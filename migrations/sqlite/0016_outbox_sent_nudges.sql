-- The nudges a ritual's occurrence needed, as the organisation's reports count them: without
-- this the count walks every sent message of the window (each with its card) to find the few
-- that are nudges. Partial, so only nudges are indexed and other writes pay nothing for it.
CREATE INDEX outbox_nudges ON outbox (tenant_id, created_at)
    WHERE idempotency_key LIKE 'nudge:%';
