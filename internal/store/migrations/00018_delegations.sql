-- +goose Up
-- Delegation (SPEC §13): a reviewer or approver lets another user of the same unit act in
-- the role they hold there, for a period of days (valid_from to valid_until, both
-- included, Vietnam dates), until revoked. Rights come from a row only while its period
-- runs, it is not revoked, the delegator still holds the role at the unit and the delegate
-- still holds some role there (internal/delegation, read when a session's grants load).
-- Dates are written as YYYY-MM-DD text on SQLite, dates on PostgreSQL, and compared with
-- YYYY-MM-DD.
CREATE TABLE delegations (
    id           {{.ID}},
    from_user_id {{.BigInt}}  NOT NULL REFERENCES users (id),
    to_user_id   {{.BigInt}}  NOT NULL REFERENCES users (id),
    role         VARCHAR(32)  NOT NULL,
    unit_code    VARCHAR(10)  NOT NULL,
    unit_path    VARCHAR(40)  NOT NULL,
    valid_from   DATE         NOT NULL,
    valid_until  DATE         NOT NULL,
    created_at   {{.Time}}    NOT NULL,
    revoked_at   {{.Time}},
    revoked_by   {{.BigInt}}  REFERENCES users (id),
    CHECK (from_user_id <> to_user_id),
    CHECK (valid_from <= valid_until)
);
-- A session's grants: the delegations a user received that still run.
CREATE INDEX delegations_to ON delegations (to_user_id, valid_until);
-- The delegator's page, and the overlap check of a new delegation.
CREATE INDEX delegations_from ON delegations (from_user_id, role, unit_code, valid_until);
-- An admin's view of the delegations at the units of their province.
CREATE INDEX delegations_unit_path ON delegations (unit_path, id);

-- Who acted on whose behalf: the delegator's username when the actor took the action only
-- through a delegation (none when the actor holds the role in their own right), and the
-- delegation. Existing entries were all taken in the actor's own right.
ALTER TABLE nomination_history ADD COLUMN on_behalf_of VARCHAR(64);
ALTER TABLE nomination_history ADD COLUMN delegation_id {{.BigInt}};

-- +goose Down
ALTER TABLE nomination_history DROP COLUMN delegation_id;
ALTER TABLE nomination_history DROP COLUMN on_behalf_of;
DROP TABLE delegations;
