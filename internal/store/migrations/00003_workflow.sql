-- +goose Up
-- Criteria sets, campaigns, nominations with their evidence and history, recognitions
-- (SPEC §5–§8). Every nomination row carries the path of its commune so that scope filters
-- are one indexed prefix match.
CREATE TABLE criteria_sets (
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
CREATE UNIQUE INDEX criteria_sets_type_province_version ON criteria_sets (type, province_code, version);

CREATE TABLE campaigns (
    id            {{.ID}},
    name          VARCHAR(300) NOT NULL,
    description   TEXT         NOT NULL DEFAULT '',
    province_code VARCHAR(10)  NOT NULL,
    starts_on     DATE         NOT NULL,
    ends_on       DATE         NOT NULL,
    created_at    {{.Time}}    NOT NULL,
    updated_at    {{.Time}}    NOT NULL
);
CREATE INDEX campaigns_province ON campaigns (province_code);

CREATE TABLE nominations (
    id              {{.ID}},
    type            VARCHAR(32)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    version         INTEGER      NOT NULL,
    commune_code    VARCHAR(10)  NOT NULL,
    district_code   VARCHAR(10)  NOT NULL,
    province_code   VARCHAR(10)  NOT NULL,
    unit_path       VARCHAR(40)  NOT NULL,
    campaign_id     {{.BigInt}}  REFERENCES campaigns (id),
    criteria_set_id {{.BigInt}}  NOT NULL REFERENCES criteria_sets (id),
    title           VARCHAR(300) NOT NULL,
    search_text     TEXT         NOT NULL,
    subject         {{.JSON}}    NOT NULL,
    assessment      {{.JSON}}    NOT NULL,
    review          {{.JSON}},
    self_score      DOUBLE PRECISION NOT NULL DEFAULT 0,
    self_passes     {{.Bool}}    NOT NULL DEFAULT {{.False}},
    created_by      {{.BigInt}}  NOT NULL REFERENCES users (id),
    idempotency_key VARCHAR(100),
    created_at      {{.Time}}    NOT NULL,
    updated_at      {{.Time}}    NOT NULL,
    submitted_at    {{.Time}},
    recognition_id  {{.BigInt}},
    dossier_sha256  VARCHAR(64)  NOT NULL
);
CREATE INDEX nominations_unit_path_id ON nominations (unit_path, id);
CREATE INDEX nominations_province_id ON nominations (province_code, id);
CREATE INDEX nominations_status_id ON nominations (status, id);
CREATE INDEX nominations_campaign ON nominations (campaign_id, status);
CREATE UNIQUE INDEX nominations_idempotency ON nominations (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE attachments (
    id            {{.ID}},
    nomination_id {{.BigInt}}  NOT NULL REFERENCES nominations (id),
    sha256        VARCHAR(64)  NOT NULL,
    size          {{.BigInt}}  NOT NULL,
    content_type  VARCHAR(64)  NOT NULL,
    kind          VARCHAR(16)  NOT NULL CHECK (kind IN ('photo', 'minutes', 'survey', 'other')),
    filename      VARCHAR(255) NOT NULL,
    created_by    {{.BigInt}}  NOT NULL REFERENCES users (id),
    created_at    {{.Time}}    NOT NULL
);
CREATE INDEX attachments_nomination ON attachments (nomination_id);
CREATE INDEX attachments_sha256 ON attachments (sha256);

-- Append-only: the application never updates or deletes these rows.
CREATE TABLE nomination_history (
    id             {{.ID}},
    nomination_id  {{.BigInt}}  NOT NULL REFERENCES nominations (id),
    at             {{.Time}}    NOT NULL,
    actor_id       {{.BigInt}}  NOT NULL REFERENCES users (id),
    actor          VARCHAR(64)  NOT NULL,
    action         VARCHAR(32)  NOT NULL,
    from_status    VARCHAR(16),
    to_status      VARCHAR(16)  NOT NULL,
    comment        TEXT         NOT NULL DEFAULT '',
    details        {{.JSON}},
    dossier_sha256 VARCHAR(64)  NOT NULL
);
CREATE INDEX nomination_history_nomination ON nomination_history (nomination_id, id);
CREATE INDEX nomination_history_at ON nomination_history (at);

CREATE TABLE recognitions (
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
CREATE UNIQUE INDEX recognitions_nomination ON recognitions (nomination_id);
CREATE UNIQUE INDEX recognitions_decision_number ON recognitions (province_code, decision_number);
CREATE INDEX recognitions_unit_path ON recognitions (unit_path, id);
CREATE INDEX recognitions_decision_date ON recognitions (province_code, decision_date);

-- +goose Down
DROP TABLE recognitions;
DROP TABLE nomination_history;
DROP TABLE attachments;
DROP TABLE nominations;
DROP TABLE campaigns;
DROP TABLE criteria_sets;
