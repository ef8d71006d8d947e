-- +goose Up
-- Commune titles (SPEC §11): three more recognition types, whose criteria sets have
-- validity_years 0 and whose recognitions have no expiry (valid_until NULL).
-- SQLite cannot alter a constraint, so it rebuilds both tables the documented way (new
-- table, copy, drop, rename, indexes); Store.Migrate runs migrations on a connection
-- without foreign_keys and checks them afterwards, as that procedure requires.
{{if .SQLite}}
CREATE TABLE criteria_sets_new (
    id                   {{.ID}},
    type                 VARCHAR(32)  NOT NULL CHECK (type IN ('model_garden', 'model_residential_area', 'ntm_commune', 'advanced_ntm_commune', 'model_ntm_commune')),
    version              INTEGER      NOT NULL,
    name                 VARCHAR(200) NOT NULL,
    province_code        VARCHAR(10)  NOT NULL,
    min_score            DOUBLE PRECISION NOT NULL,
    all_required         {{.Bool}}    NOT NULL,
    validity_years       INTEGER      NOT NULL,
    required_attachments {{.JSON}}    NOT NULL,
    criteria             {{.JSON}}    NOT NULL,
    published_at         {{.Time}}    NOT NULL,
    published_by         {{.BigInt}}  REFERENCES users (id)
);
INSERT INTO criteria_sets_new (id, type, version, name, province_code, min_score, all_required, validity_years,
    required_attachments, criteria, published_at, published_by)
SELECT id, type, version, name, province_code, min_score, all_required, validity_years,
    required_attachments, criteria, published_at, published_by FROM criteria_sets;
DROP TABLE criteria_sets;
ALTER TABLE criteria_sets_new RENAME TO criteria_sets;
CREATE UNIQUE INDEX criteria_sets_type_province_version ON criteria_sets (type, province_code, version);

CREATE TABLE recognitions_new (
    id              {{.ID}},
    nomination_id   {{.BigInt}}  NOT NULL REFERENCES nominations (id),
    type            VARCHAR(32)  NOT NULL,
    commune_code    VARCHAR(10)  NOT NULL,
    district_code   VARCHAR(10)  NOT NULL,
    province_code   VARCHAR(10)  NOT NULL,
    unit_path       VARCHAR(40)  NOT NULL,
    campaign_id     {{.BigInt}}  REFERENCES campaigns (id),
    title           VARCHAR(300) NOT NULL,
    owner_name      VARCHAR(200) NOT NULL DEFAULT '',
    village         VARCHAR(200) NOT NULL DEFAULT '',
    decision_number VARCHAR(64)  NOT NULL,
    decision_date   DATE         NOT NULL,
    signer          VARCHAR(200) NOT NULL,
    valid_until     DATE,
    revoked_at      {{.Time}},
    revoke_reason   TEXT         NOT NULL DEFAULT '',
    created_at      {{.Time}}    NOT NULL
);
INSERT INTO recognitions_new (id, nomination_id, type, commune_code, district_code, province_code, unit_path, campaign_id,
    title, owner_name, village, decision_number, decision_date, signer, valid_until, revoked_at, revoke_reason, created_at)
SELECT id, nomination_id, type, commune_code, district_code, province_code, unit_path, campaign_id,
    title, owner_name, village, decision_number, decision_date, signer, valid_until, revoked_at, revoke_reason, created_at
FROM recognitions;
DROP TABLE recognitions;
ALTER TABLE recognitions_new RENAME TO recognitions;
CREATE UNIQUE INDEX recognitions_nomination ON recognitions (nomination_id);
CREATE UNIQUE INDEX recognitions_decision_number ON recognitions (province_code, decision_number);
CREATE INDEX recognitions_unit_path ON recognitions (unit_path, id);
CREATE INDEX recognitions_decision_date ON recognitions (province_code, decision_date);
CREATE INDEX recognitions_district_id ON recognitions (district_code, id);
CREATE INDEX recognitions_commune_id ON recognitions (commune_code, id);
CREATE INDEX recognitions_progress ON recognitions (campaign_id, decision_date, district_code, commune_code, type) WHERE revoked_at IS NULL;
{{else}}
ALTER TABLE criteria_sets DROP CONSTRAINT criteria_sets_type_check;
ALTER TABLE criteria_sets ADD CONSTRAINT criteria_sets_type_check
    CHECK (type IN ('model_garden', 'model_residential_area', 'ntm_commune', 'advanced_ntm_commune', 'model_ntm_commune'));
ALTER TABLE recognitions ALTER COLUMN valid_until DROP NOT NULL;
{{end}}

-- +goose Down
-- Only possible while no commune title exists: the copy (SQLite) or the constraint
-- (PostgreSQL) refuses the rows that the older schema cannot hold.
{{if .SQLite}}
CREATE TABLE criteria_sets_old (
    id                   {{.ID}},
    type                 VARCHAR(32)  NOT NULL CHECK (type IN ('model_garden', 'model_residential_area')),
    version              INTEGER      NOT NULL,
    name                 VARCHAR(200) NOT NULL,
    province_code        VARCHAR(10)  NOT NULL,
    min_score            DOUBLE PRECISION NOT NULL,
    all_required         {{.Bool}}    NOT NULL,
    validity_years       INTEGER      NOT NULL,
    required_attachments {{.JSON}}    NOT NULL,
    criteria             {{.JSON}}    NOT NULL,
    published_at         {{.Time}}    NOT NULL,
    published_by         {{.BigInt}}  REFERENCES users (id)
);
INSERT INTO criteria_sets_old (id, type, version, name, province_code, min_score, all_required, validity_years,
    required_attachments, criteria, published_at, published_by)
SELECT id, type, version, name, province_code, min_score, all_required, validity_years,
    required_attachments, criteria, published_at, published_by FROM criteria_sets;
DROP TABLE criteria_sets;
ALTER TABLE criteria_sets_old RENAME TO criteria_sets;
CREATE UNIQUE INDEX criteria_sets_type_province_version ON criteria_sets (type, province_code, version);

CREATE TABLE recognitions_old (
    id              {{.ID}},
    nomination_id   {{.BigInt}}  NOT NULL REFERENCES nominations (id),
    type            VARCHAR(32)  NOT NULL,
    commune_code    VARCHAR(10)  NOT NULL,
    district_code   VARCHAR(10)  NOT NULL,
    province_code   VARCHAR(10)  NOT NULL,
    unit_path       VARCHAR(40)  NOT NULL,
    campaign_id     {{.BigInt}}  REFERENCES campaigns (id),
    title           VARCHAR(300) NOT NULL,
    owner_name      VARCHAR(200) NOT NULL DEFAULT '',
    village         VARCHAR(200) NOT NULL DEFAULT '',
    decision_number VARCHAR(64)  NOT NULL,
    decision_date   DATE         NOT NULL,
    signer          VARCHAR(200) NOT NULL,
    valid_until     DATE         NOT NULL,
    revoked_at      {{.Time}},
    revoke_reason   TEXT         NOT NULL DEFAULT '',
    created_at      {{.Time}}    NOT NULL
);
INSERT INTO recognitions_old (id, nomination_id, type, commune_code, district_code, province_code, unit_path, campaign_id,
    title, owner_name, village, decision_number, decision_date, signer, valid_until, revoked_at, revoke_reason, created_at)
SELECT id, nomination_id, type, commune_code, district_code, province_code, unit_path, campaign_id,
    title, owner_name, village, decision_number, decision_date, signer, valid_until, revoked_at, revoke_reason, created_at
FROM recognitions;
DROP TABLE recognitions;
ALTER TABLE recognitions_old RENAME TO recognitions;
CREATE UNIQUE INDEX recognitions_nomination ON recognitions (nomination_id);
CREATE UNIQUE INDEX recognitions_decision_number ON recognitions (province_code, decision_number);
CREATE INDEX recognitions_unit_path ON recognitions (unit_path, id);
CREATE INDEX recognitions_decision_date ON recognitions (province_code, decision_date);
CREATE INDEX recognitions_district_id ON recognitions (district_code, id);
CREATE INDEX recognitions_commune_id ON recognitions (commune_code, id);
CREATE INDEX recognitions_progress ON recognitions (campaign_id, decision_date, district_code, commune_code, type) WHERE revoked_at IS NULL;
{{else}}
ALTER TABLE recognitions ALTER COLUMN valid_until SET NOT NULL;
ALTER TABLE criteria_sets DROP CONSTRAINT criteria_sets_type_check;
ALTER TABLE criteria_sets ADD CONSTRAINT criteria_sets_type_check CHECK (type IN ('model_garden', 'model_residential_area'));
{{end}}
