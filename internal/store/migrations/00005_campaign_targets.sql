-- +goose Up
-- Yearly targets of a campaign per unit and recognition type (SPEC §8); max may be open.
CREATE TABLE campaign_targets (
    id          {{.ID}},
    campaign_id {{.BigInt}}  NOT NULL REFERENCES campaigns (id),
    year        INTEGER     NOT NULL,
    unit_code   VARCHAR(10) NOT NULL,
    unit_path   VARCHAR(40) NOT NULL,
    type        VARCHAR(32) NOT NULL,
    min_count   INTEGER     NOT NULL CHECK (min_count >= 0),
    max_count   INTEGER     CHECK (max_count IS NULL OR max_count >= min_count)
);
CREATE UNIQUE INDEX campaign_targets_key ON campaign_targets (campaign_id, year, unit_code, type);

-- Progress counts recognitions of a campaign by decision year inside a unit subtree.
CREATE INDEX recognitions_campaign_date ON recognitions (campaign_id, decision_date);

-- +goose Down
DROP INDEX recognitions_campaign_date;
DROP TABLE campaign_targets;
