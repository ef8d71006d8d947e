-- +goose Up
-- Campaign targets on the average criteria met per commune (SPEC §11) have fractional
-- bounds (an average of at least 14.5), so min_count and max_count hold real numbers;
-- counts stay whole numbers, which the campaign service checks.
-- PostgreSQL changes the column type (the CHECK constraints carry over). SQLite needs no
-- change: a column declared INTEGER has integer affinity, which stores 14.5 as the REAL
-- 14.5 (only a REAL that is exactly a whole number becomes an INTEGER), so fractional
-- targets are kept exactly and read back as float64; rebuilding the table would change
-- nothing that is stored.
{{if not .SQLite}}
ALTER TABLE campaign_targets
    ALTER COLUMN min_count TYPE DOUBLE PRECISION,
    ALTER COLUMN max_count TYPE DOUBLE PRECISION;
{{end}}

-- +goose Down
-- Going back rounds fractional targets to whole numbers (PostgreSQL casts 14.5 to 14).
{{if not .SQLite}}
ALTER TABLE campaign_targets
    ALTER COLUMN min_count TYPE INTEGER,
    ALTER COLUMN max_count TYPE INTEGER;
{{end}}
