-- +goose Up
-- The movement's yearly figures (SPEC §11): each Xã's criteria status per year, and each
-- unit's movement report per year. Both carry the unit's path, so a subtree is one prefix
-- match, and are keyed by (unit_code, year): a code reused after a reform is told apart
-- by the year.
CREATE TABLE criteria_status (
    id              {{.ID}},
    unit_code       VARCHAR(10) NOT NULL,
    unit_path       VARCHAR(40) NOT NULL,
    year            INTEGER     NOT NULL,
    criteria_set_id {{.BigInt}} NOT NULL REFERENCES criteria_sets (id),
    met             {{.JSON}}   NOT NULL,
    met_count       INTEGER     NOT NULL CHECK (met_count >= 0),
    status          VARCHAR(16) NOT NULL CHECK (status IN ('reported', 'confirmed')),
    note            TEXT        NOT NULL DEFAULT '',
    version         INTEGER     NOT NULL,
    updated_by      {{.BigInt}} REFERENCES users (id),
    updated_at      {{.Time}}   NOT NULL
);
CREATE UNIQUE INDEX criteria_status_unit_year ON criteria_status (unit_code, year);
-- The aggregate joins a year's statuses to the Xã of a subtree: a covering index, so the
-- join reads the index only.
CREATE INDEX criteria_status_year ON criteria_status (year, unit_code, met_count, status);

-- Money in whole VND and counts as BIGINT, lengths in km as DOUBLE; NULL = not reported.
-- One column per figure, so the children's reports are summed in SQL.
CREATE TABLE movement_reports (
    id                      {{.ID}},
    unit_code               VARCHAR(10) NOT NULL,
    unit_path               VARCHAR(40) NOT NULL,
    year                    INTEGER     NOT NULL,
    capital_central_budget  {{.BigInt}},
    capital_local_budget    {{.BigInt}},
    capital_integrated      {{.BigInt}},
    capital_credit          {{.BigInt}},
    capital_enterprises     {{.BigInt}},
    capital_people          {{.BigInt}},
    people_cash_vnd         {{.BigInt}},
    people_land_m2          {{.BigInt}},
    people_working_days     {{.BigInt}},
    new_road_km             DOUBLE PRECISION,
    concrete_road_km        DOUBLE PRECISION,
    irrigation_water_works  {{.BigInt}},
    electricity_works       {{.BigInt}},
    school_works            {{.BigInt}},
    commune_cultural_houses {{.BigInt}},
    village_cultural_houses {{.BigInt}},
    production_models       {{.BigInt}},
    production_models_vnd   {{.BigInt}},
    version                 INTEGER     NOT NULL,
    updated_by              {{.BigInt}} REFERENCES users (id),
    updated_at              {{.Time}}   NOT NULL
);
CREATE UNIQUE INDEX movement_reports_unit_year ON movement_reports (unit_code, year);
CREATE INDEX movement_reports_year_path ON movement_reports (year, unit_path);

-- The aggregate selects the Xã of a subtree valid in a year, and the earliest list's date
-- stands for the years before it.
CREATE INDEX units_level_kind_path ON units (level, kind, path);
CREATE INDEX units_valid_from ON units (valid_from);
-- Commune titles held at the end of a year: active recognitions of the title types by
-- decision date.
CREATE INDEX recognitions_titles ON recognitions (type, decision_date, unit_path) WHERE revoked_at IS NULL;

-- +goose Down
DROP INDEX recognitions_titles;
DROP INDEX units_valid_from;
DROP INDEX units_level_kind_path;
DROP TABLE movement_reports;
DROP TABLE criteria_status;
