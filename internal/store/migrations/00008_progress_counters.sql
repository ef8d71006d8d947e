-- +goose Up
-- Progress counters, kept in the same transaction as every status change and recognition,
-- so a progress report reads a few hundred counter rows instead of scanning nominations.
CREATE TABLE nomination_counts (
    campaign_id   {{.BigInt}}  NOT NULL REFERENCES campaigns (id),
    district_code VARCHAR(10) NOT NULL,
    commune_code  VARCHAR(10) NOT NULL,
    type          VARCHAR(32) NOT NULL,
    status        VARCHAR(16) NOT NULL,
    n             INTEGER     NOT NULL,
    PRIMARY KEY (campaign_id, commune_code, type, status)
);
CREATE INDEX nomination_counts_district ON nomination_counts (campaign_id, district_code);

CREATE TABLE recognition_counts (
    campaign_id   {{.BigInt}}  NOT NULL REFERENCES campaigns (id),
    district_code VARCHAR(10) NOT NULL,
    commune_code  VARCHAR(10) NOT NULL,
    type          VARCHAR(32) NOT NULL,
    year          INTEGER     NOT NULL,
    n             INTEGER     NOT NULL,
    PRIMARY KEY (campaign_id, commune_code, type, year)
);
CREATE INDEX recognition_counts_year ON recognition_counts (campaign_id, year);

INSERT INTO nomination_counts (campaign_id, district_code, commune_code, type, status, n)
SELECT campaign_id, district_code, commune_code, type, status, COUNT(*) FROM nominations
WHERE campaign_id IS NOT NULL GROUP BY campaign_id, district_code, commune_code, type, status;

INSERT INTO recognition_counts (campaign_id, district_code, commune_code, type, year, n)
SELECT campaign_id, district_code, commune_code, type, {{yearOf "decision_date"}}, COUNT(*) FROM recognitions
WHERE campaign_id IS NOT NULL AND revoked_at IS NULL
GROUP BY campaign_id, district_code, commune_code, type, {{yearOf "decision_date"}};

-- +goose Down
DROP TABLE recognition_counts;
DROP TABLE nomination_counts;
