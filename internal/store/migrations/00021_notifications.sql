-- +goose Up
-- Notifications (SPEC §13). Every workflow transition tells whoever must act next (and
-- the commune of the outcome of its dossier), in the transaction of the transition; a
-- sweep (the scheduler inside serve, or `ntmflow remind`) reminds the responsible users
-- two working days before a stage is due and, once it is overdue, escalates to the level
-- above too. internal/notify owns both tables; a user reads only their own rows.

-- An optional e-mail address per account; notifications are mailed to it when
-- NTMFLOW_SMTP_URL is set. The demo accounts get addresses of a reserved domain.
ALTER TABLE users ADD COLUMN email VARCHAR(254);
UPDATE users SET email = username || '@ntm.langson.example' WHERE is_demo = {{.True}} AND email IS NULL;

-- One row per recipient. kind: transition (someone acted: action and actor say who and
-- what), reminder (stage due soon) or escalation (stage overdue). title and actor are
-- kept as they were when the row was written; stage (review or approval) and due_on
-- name the deadline a reminder or escalation is about.
CREATE TABLE notifications (
    id            {{.ID}},
    user_id       {{.BigInt}}  NOT NULL REFERENCES users (id),
    kind          VARCHAR(16)  NOT NULL CHECK (kind IN ('transition', 'reminder', 'escalation')),
    nomination_id {{.BigInt}}  NOT NULL REFERENCES nominations (id),
    action        VARCHAR(32)  NOT NULL DEFAULT '',
    status        VARCHAR(32)  NOT NULL,
    stage         VARCHAR(16)  NOT NULL DEFAULT '',
    title         VARCHAR(300) NOT NULL DEFAULT '',
    actor         VARCHAR(200) NOT NULL DEFAULT '',
    comment       TEXT         NOT NULL DEFAULT '',
    due_on        DATE,
    created_at    {{.Time}}    NOT NULL,
    read_at       {{.Time}}
);
-- The list, newest first (keyset on id), and the unread count in every page's header.
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
-- A reminder or an escalation is written once per nomination, stage (its due date) and
-- recipient, however often or concurrently the sweep runs: the sweep inserts with
-- ON CONFLICT DO NOTHING against this key.
CREATE UNIQUE INDEX notifications_once ON notifications (nomination_id, stage, due_on, kind, user_id)
    WHERE kind IN ('reminder', 'escalation');

-- The e-mail outbox: written in the transaction that writes the notification, sent later
-- by the sender inside serve (claimed rows: a claim moves next_attempt_at past the send's
-- time limit, so two replicas never send one row at once). A failed send is retried with
-- exponential backoff; after the last attempt the row is failed.
CREATE TABLE email_outbox (
    id              {{.ID}},
    notification_id {{.BigInt}}  NOT NULL REFERENCES notifications (id),
    to_address      VARCHAR(254) NOT NULL,
    subject         VARCHAR(300) NOT NULL,
    body            TEXT         NOT NULL,
    status          VARCHAR(16)  NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at {{.Time}}    NOT NULL,
    last_error      VARCHAR(500) NOT NULL DEFAULT '',
    created_at      {{.Time}}    NOT NULL,
    sent_at         {{.Time}}
);
CREATE INDEX email_outbox_pending ON email_outbox (next_attempt_at, id) WHERE status = 'pending';

-- The sweep reads the nominations whose running stage is due within a few days, across
-- every province.
CREATE INDEX nominations_due_on ON nominations (due_on, id) WHERE due_on IS NOT NULL;

-- +goose Down
DROP INDEX nominations_due_on;
DROP TABLE email_outbox;
DROP TABLE notifications;
ALTER TABLE users DROP COLUMN email;
