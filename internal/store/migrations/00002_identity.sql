-- +goose Up
-- Accounts, role grants at units, and sessions (SPEC §3). Passwords and session tokens are
-- stored only as hashes.
CREATE TABLE users (
    id            {{.ID}},
    username      VARCHAR(64)  NOT NULL,
    full_name     VARCHAR(200) NOT NULL,
    locale        VARCHAR(5)   NOT NULL DEFAULT 'vi',
    password_hash VARCHAR(255) NOT NULL,
    disabled      {{.Bool}}    NOT NULL DEFAULT {{.False}},
    is_demo       {{.Bool}}    NOT NULL DEFAULT {{.False}},
    last_seen_at  {{.Time}},
    created_at    {{.Time}}    NOT NULL,
    updated_at    {{.Time}}    NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (username);

CREATE TABLE role_grants (
    id         {{.ID}},
    user_id    {{.BigInt}}  NOT NULL REFERENCES users (id),
    role       VARCHAR(32) NOT NULL,
    unit_code  VARCHAR(10) NOT NULL,
    unit_path  VARCHAR(40) NOT NULL,
    created_at {{.Time}}   NOT NULL
);
CREATE UNIQUE INDEX role_grants_user_role_unit ON role_grants (user_id, role, unit_code);
CREATE INDEX role_grants_unit_path ON role_grants (unit_path);

CREATE TABLE sessions (
    id           {{.ID}},
    token_hash   VARCHAR(64)  NOT NULL,
    user_id      {{.BigInt}}  NOT NULL REFERENCES users (id),
    created_at   {{.Time}}    NOT NULL,
    last_seen_at {{.Time}}    NOT NULL,
    expires_at   {{.Time}}    NOT NULL,
    client_ip    VARCHAR(64)  NOT NULL DEFAULT '',
    user_agent   VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE role_grants;
DROP TABLE users;
