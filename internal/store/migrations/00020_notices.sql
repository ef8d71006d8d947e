-- +goose Up
-- Public notice and objections (SPEC §13). A criteria set may give notice_days (calendar
-- days, 0 = no notice): endorse then opens a public notice until the endorsement date plus
-- notice_days (Vietnam dates, the last day included), stored on the nomination in the
-- transaction of the endorse, so the public list filters on it in SQL. Sets published
-- before this migration have no notice, as their version said (a published set is never
-- edited); the demo seed publishes the commune-title sets with 15 days.
ALTER TABLE criteria_sets ADD COLUMN notice_days INTEGER NOT NULL DEFAULT 0 CHECK (notice_days >= 0);

-- The last notice the nomination opened (kept after it ends, for the record); it runs
-- while the nomination is endorsed and today is on or before it. Stored as YYYY-MM-DD text
-- on SQLite, a date on PostgreSQL; compared with YYYY-MM-DD.
ALTER TABLE nominations ADD COLUMN notice_until DATE;
-- The public list: endorsed nominations whose notice runs today, newest first.
CREATE INDEX nominations_notice ON nominations (notice_until, id) WHERE notice_until IS NOT NULL;

-- Anyone's objection to a nomination during its notice. name and contact are the
-- objector's own words (possibly empty) and are shown only to those who answer
-- objections; the client address is never stored, only its keyed hash (HMAC-SHA-256 with
-- the server secret, identity.Service.ClientHash), which the rate limit is keyed on.
-- response, resolved_at and resolved_by are set once, when a reviewer or the approver
-- answers it; an objection without an answer holds up the approval.
CREATE TABLE objections (
    id            {{.ID}},
    nomination_id {{.BigInt}}   NOT NULL REFERENCES nominations (id),
    name          VARCHAR(200)  NOT NULL DEFAULT '',
    contact       VARCHAR(200)  NOT NULL DEFAULT '',
    body          TEXT          NOT NULL,
    addr_hash     VARCHAR(64)   NOT NULL,
    created_at    {{.Time}}     NOT NULL,
    response      TEXT,
    resolved_at   {{.Time}},
    resolved_by   {{.BigInt}}   REFERENCES users (id),
    resolver      VARCHAR(64),
    CHECK ((response IS NULL) = (resolved_at IS NULL))
);
CREATE INDEX objections_nomination ON objections (nomination_id, id);
-- The approve guard: does the nomination have an objection without an answer?
CREATE INDEX objections_unresolved ON objections (nomination_id) WHERE resolved_at IS NULL;

-- +goose Down
DROP TABLE objections;
DROP INDEX nominations_notice;
ALTER TABLE nominations DROP COLUMN notice_until;
ALTER TABLE criteria_sets DROP COLUMN notice_days;
