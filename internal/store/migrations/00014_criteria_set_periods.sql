-- +goose Up
-- Criteria sets by period (SPEC §12): a nomination takes the newest published set of its
-- type and province valid on its creation date (a record: on its decision date). The
-- national set changes with each programme period (19 criteria for 2021–2025, 10 for
-- 2026–2030). Sets published before periods existed were used for every date, records of
-- 2012 included, so they stay valid for every date: from 2000-01-01, before any record
-- ntmflow holds, and open-ended. valid_to is the last day, inclusive; NULL while open.
ALTER TABLE criteria_sets ADD COLUMN valid_from DATE NOT NULL DEFAULT '2000-01-01';
ALTER TABLE criteria_sets ADD COLUMN valid_to DATE;

-- +goose Down
ALTER TABLE criteria_sets DROP COLUMN valid_to;
ALTER TABLE criteria_sets DROP COLUMN valid_from;
