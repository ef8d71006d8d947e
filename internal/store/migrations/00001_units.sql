-- +goose Up
-- Administrative units (SPEC §2). A unit is identified by its code and its validity:
-- reforms reuse codes under new names, so rows are retired (valid_to), never deleted.
CREATE TABLE units (
    id          {{.ID}},
    code        VARCHAR(10)  NOT NULL,
    level       VARCHAR(10)  NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    name        VARCHAR(200) NOT NULL,
    kind        VARCHAR(100) NOT NULL,
    parent_code VARCHAR(10),
    path        VARCHAR(40)  NOT NULL,
    valid_from  DATE         NOT NULL,
    valid_to    DATE,
    created_at  {{.Time}}    NOT NULL,
    updated_at  {{.Time}}    NOT NULL
);
CREATE UNIQUE INDEX units_code_valid_from ON units (code, valid_from);
-- At most one current unit per code.
CREATE UNIQUE INDEX units_code_current ON units (code) WHERE valid_to IS NULL;
CREATE INDEX units_parent_current ON units (parent_code, code) WHERE valid_to IS NULL;

-- +goose Down
DROP TABLE units;
