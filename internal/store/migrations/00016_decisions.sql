-- +goose Up
-- One decision, many dossiers (SPEC §13). A provincial decision recognises one or more
-- nominations; its number is unique in the province with case and spacing ignored
-- (number_key is the number folded by store.CompactLower, compactLower here). Each
-- recognition under it carries certificate_number "<number>-<n>": certificates is the
-- last n handed out, raised under the decision row's lock (recognition.Service.Issue).
-- A recognition keeps copies of its decision's number, date, signer and signer title (a
-- decision is never edited), so its lists, counters and registry still read one table.
CREATE TABLE decisions (
    id            {{.ID}},
    province_code VARCHAR(10)  NOT NULL,
    number        VARCHAR(64)  NOT NULL,
    number_key    VARCHAR(64)  NOT NULL,
    decision_date DATE         NOT NULL,
    signer        VARCHAR(200) NOT NULL,
    signer_title  VARCHAR(32)  NOT NULL CHECK (signer_title IN ('Chủ tịch', 'Phó Chủ tịch')),
    certificates  INTEGER      NOT NULL DEFAULT 0,
    created_by    {{.BigInt}}  REFERENCES users (id),
    created_at    {{.Time}}    NOT NULL
);
CREATE UNIQUE INDEX decisions_number ON decisions (province_code, number_key);
CREATE INDEX decisions_province_date ON decisions (province_code, decision_date);

-- The recognitions issued so far: one decision per province and folded number, with the
-- number, date and signer of its first recognition (the lowest id) and the approver who
-- issued that one as its author (none for rows without such history); its recognitions
-- are numbered 1, 2, … in the order of their ids. The keys are folded once, into a
-- scratch table, so grouping them is a join on an index, not a fold per pair of rows.
CREATE TABLE decision_keys_tmp (
    recognition_id {{.BigInt}} NOT NULL,
    province_code  VARCHAR(10) NOT NULL,
    number_key     VARCHAR(64) NOT NULL
);
INSERT INTO decision_keys_tmp (recognition_id, province_code, number_key)
SELECT id, province_code, {{compactLower "decision_number"}} FROM recognitions;
CREATE INDEX decision_keys_tmp_key ON decision_keys_tmp (province_code, number_key, recognition_id);
CREATE INDEX decision_keys_tmp_recognition ON decision_keys_tmp (recognition_id);

INSERT INTO decisions (province_code, number, number_key, decision_date, signer, signer_title, certificates, created_by, created_at)
SELECT r.province_code, r.decision_number, g.number_key, r.decision_date, r.signer, 'Chủ tịch', g.n,
    (SELECT h.actor_id FROM nomination_history h WHERE h.nomination_id = r.nomination_id
        AND h.action IN ('approve', 'record') ORDER BY h.id LIMIT 1),
    r.created_at
FROM (SELECT province_code, number_key, MIN(recognition_id) AS first_id, COUNT(*) AS n
      FROM decision_keys_tmp GROUP BY province_code, number_key) g
JOIN recognitions r ON r.id = g.first_id
ORDER BY r.id;

-- SQLite adds a NOT NULL column only with a default; 0 references no decision, so a row
-- left without one fails the foreign key check that ends the migration (and every later
-- insert that forgets it fails the enforced key). PostgreSQL adds it nullable, fills it,
-- then sets NOT NULL.
{{if .SQLite}}
ALTER TABLE recognitions ADD COLUMN decision_id INTEGER NOT NULL DEFAULT 0 REFERENCES decisions (id);
{{else}}
ALTER TABLE recognitions ADD COLUMN decision_id BIGINT REFERENCES decisions (id);
{{end}}
ALTER TABLE recognitions ADD COLUMN certificate_number VARCHAR(80) NOT NULL DEFAULT '';
ALTER TABLE recognitions ADD COLUMN signer_title VARCHAR(32) NOT NULL DEFAULT 'Chủ tịch';

UPDATE recognitions SET decision_id = (
    SELECT d.id FROM decision_keys_tmp k
    JOIN decisions d ON d.province_code = k.province_code AND d.number_key = k.number_key
    WHERE k.recognition_id = recognitions.id);
DROP TABLE decision_keys_tmp;
CREATE INDEX recognitions_decision ON recognitions (decision_id, id);
UPDATE recognitions SET certificate_number = (SELECT d.number FROM decisions d WHERE d.id = recognitions.decision_id)
    || '-' || CAST((SELECT COUNT(*) FROM recognitions g WHERE g.decision_id = recognitions.decision_id AND g.id <= recognitions.id) AS VARCHAR(20));
CREATE UNIQUE INDEX recognitions_certificate ON recognitions (decision_id, certificate_number);
{{if not .SQLite}}
ALTER TABLE recognitions ALTER COLUMN decision_id SET NOT NULL;
ALTER TABLE recognitions ALTER COLUMN certificate_number DROP DEFAULT;
{{end}}
-- Several recognitions now share a decision number: uniqueness is the decision's.
DROP INDEX recognitions_decision_number;

-- +goose Down
-- Possible only while no two recognitions of a province share a decision number (the
-- unique index of 00003 comes back). SQLite cannot drop a column that references another
-- table: it rebuilds recognitions as 00010 and 00011 left it.
{{if .SQLite}}
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
    valid_until     DATE,
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
CREATE INDEX recognitions_unit_path ON recognitions (unit_path, id);
CREATE INDEX recognitions_decision_date ON recognitions (province_code, decision_date);
CREATE INDEX recognitions_district_id ON recognitions (district_code, id);
CREATE INDEX recognitions_commune_id ON recognitions (commune_code, id);
CREATE INDEX recognitions_progress ON recognitions (campaign_id, decision_date, district_code, commune_code, type) WHERE revoked_at IS NULL;
CREATE INDEX recognitions_titles ON recognitions (type, decision_date, unit_path) WHERE revoked_at IS NULL;
{{else}}
DROP INDEX recognitions_certificate;
DROP INDEX recognitions_decision;
ALTER TABLE recognitions DROP COLUMN signer_title;
ALTER TABLE recognitions DROP COLUMN certificate_number;
ALTER TABLE recognitions DROP COLUMN decision_id;
{{end}}
CREATE UNIQUE INDEX recognitions_decision_number ON recognitions (province_code, decision_number);
DROP TABLE decisions;
