-- +goose Up
-- Scope filters on nominations and recognitions compare the unit code column of the
-- grant's level (province_code, district_code or commune_code) for equality, so each
-- scoped list is one backward index scan ordered by id.
CREATE INDEX nominations_district_id ON nominations (district_code, id);
CREATE INDEX nominations_commune_id ON nominations (commune_code, id);
CREATE INDEX recognitions_district_id ON recognitions (district_code, id);
CREATE INDEX recognitions_commune_id ON recognitions (commune_code, id);

-- Progress counts: covering indexes, so the counts are index-only scans.
DROP INDEX nominations_campaign;
CREATE INDEX nominations_progress ON nominations (campaign_id, status, district_code, commune_code, type);
DROP INDEX recognitions_campaign_date;
CREATE INDEX recognitions_progress ON recognitions (campaign_id, decision_date, district_code, commune_code, type) WHERE revoked_at IS NULL;

-- +goose Down
DROP INDEX recognitions_progress;
CREATE INDEX recognitions_campaign_date ON recognitions (campaign_id, decision_date);
DROP INDEX nominations_progress;
CREATE INDEX nominations_campaign ON nominations (campaign_id, status);
DROP INDEX recognitions_commune_id;
DROP INDEX recognitions_district_id;
DROP INDEX nominations_commune_id;
DROP INDEX nominations_district_id;
