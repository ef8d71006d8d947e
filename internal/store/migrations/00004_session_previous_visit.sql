-- +goose Up
-- The user's previous visit, kept per session, so the home page can list what happened
-- since then ("since your last visit").
ALTER TABLE sessions ADD COLUMN prev_seen_at {{.Time}};

-- +goose Down
ALTER TABLE sessions DROP COLUMN prev_seen_at;
