-- +goose Up
-- The SHA-256 of the canonical request a nomination's Idempotency-Key was first used with,
-- so a replay with another body is refused instead of answered with the first result.
-- NULL for nominations created before: their replays are not compared.
ALTER TABLE nominations ADD COLUMN idempotency_hash VARCHAR(64);

-- +goose Down
ALTER TABLE nominations DROP COLUMN idempotency_hash;
