-- +goose Up
-- Which unit each old unit went into at a reform (SPEC §12): one row per old unit and new
-- unit, e.g. 1 July 2025. Units are keyed by code and valid_from, so each side names its
-- version (old_valid_from, new_valid_from): a code reused under a new name is told apart
-- from the unit it used to name. valid_on is the day the new units took effect; a unit
-- that went on unchanged has the same version on both sides, and valid_on says when.
CREATE TABLE unit_successions (
    id             {{.ID}},
    old_code       VARCHAR(10) NOT NULL,
    old_valid_from DATE        NOT NULL,
    new_code       VARCHAR(10) NOT NULL,
    new_valid_from DATE        NOT NULL,
    share          VARCHAR(10) NOT NULL CHECK (share IN ('full', 'partial')),
    valid_on       DATE        NOT NULL,
    created_at     {{.Time}}   NOT NULL,
    updated_at     {{.Time}}   NOT NULL
);
CREATE UNIQUE INDEX unit_successions_key ON unit_successions (old_code, new_code, valid_on);
CREATE INDEX unit_successions_new ON unit_successions (new_code, valid_on);

-- +goose Down
DROP TABLE unit_successions;
