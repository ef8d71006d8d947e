-- +goose Up
-- Working-day deadlines (SPEC §13). A criteria set may give the review and the approval
-- stage a time limit in working days (0 = no deadline); a nomination stores the date its
-- current stage is due, set in the transaction of the transition that starts the stage,
-- so lists filter and sort on it in SQL. Working days are Monday to Friday minus the
-- public holidays of the holidays table (internal/calendar), which an admin edits.
ALTER TABLE criteria_sets ADD COLUMN review_days INTEGER NOT NULL DEFAULT 0 CHECK (review_days >= 0);
ALTER TABLE criteria_sets ADD COLUMN approval_days INTEGER NOT NULL DEFAULT 0 CHECK (approval_days >= 0);

-- Existing nominations keep due_on NULL: every set published before this migration has
-- review_days and approval_days 0 (no deadline), so NULL is what the rule gives them too.
-- Stored as YYYY-MM-DD text on SQLite, a date on PostgreSQL; compared with YYYY-MM-DD.
ALTER TABLE nominations ADD COLUMN due_on DATE;
-- The province dashboard counts overdue dossiers per district or commune; a district's
-- inbox lists its dossiers by due date.
CREATE INDEX nominations_due_province ON nominations (province_code, due_on, district_code, commune_code) WHERE due_on IS NOT NULL;
CREATE INDEX nominations_due_district ON nominations (district_code, due_on, id) WHERE due_on IS NOT NULL;

-- One row per day off. Days falling on a weekend may be listed (the holiday itself, or
-- the weekend days of the Tết break) so the list reads as the government published it;
-- they change nothing, weekends are never working days.
CREATE TABLE holidays (
    id         {{.ID}},
    day        DATE         NOT NULL,
    name       VARCHAR(200) NOT NULL,
    created_at {{.Time}}    NOT NULL,
    updated_at {{.Time}}    NOT NULL
);
CREATE UNIQUE INDEX holidays_day ON holidays (day);

-- Vietnam's public holidays 2022–2027 as days off for state offices (Labour Code 2019,
-- art. 112: 1/1; five days of Tết Nguyên đán; Giỗ Tổ Hùng Vương 10/3 of the lunar
-- calendar; 30/4; 1/5; 2/9 and the day before or after it; a holiday on the weekly rest
-- day is made up on the next working day).
--   2022–2025: the days off the government announced for state offices each year,
--     including the swapped days (29/4/2024, 2/5/2025) that were made up by working a
--     Saturday; make-up Saturdays are not working days here (the calendar counts Monday
--     to Friday only), so those two deadlines come one day late, never early.
--   2026: Tết Bính Ngọ as announced (nine days, 14/02–22/02/2026). The rest of 2026 and
--     all of 2027 are COMPUTED from the Labour Code and the lunar calendar (Giỗ Tổ
--     26/04/2026 and 16/04/2027; 26/04/2026 is a Sunday, made up on Monday 27/04), not
--     taken from a published decision. Where the government chooses, the choice is a
--     guess marked "dự kiến" in the name: the day beside 2/9 in 2026 and 2027, and the
--     split of Tết Đinh Mùi 2027 (mùng 1 on Saturday 06/02; the 2024 pattern, 04–10/02).
--   An admin corrects or completes the list on the holidays page once each year's
--   decision is out.
INSERT INTO holidays (day, name, created_at, updated_at) VALUES
('2022-01-01', 'Tết Dương lịch', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-01-03', 'Nghỉ bù Tết Dương lịch (1/1 là thứ Bảy)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-01-29', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-01-30', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-01-31', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-02-01', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-02-02', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-02-03', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-02-04', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-02-05', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-02-06', 'Tết Nguyên đán Nhâm Dần', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-04-10', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-04-11', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch là Chủ nhật)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-05-01', 'Ngày Quốc tế Lao động', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-05-02', 'Nghỉ bù ngày 30/4 (thứ Bảy)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-05-03', 'Nghỉ bù ngày 1/5 (Chủ nhật)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-09-01', 'Quốc khánh (ngày liền kề)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2022-09-02', 'Quốc khánh', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-01', 'Tết Dương lịch', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-02', 'Nghỉ bù Tết Dương lịch (1/1 là Chủ nhật)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-20', 'Tết Nguyên đán Quý Mão', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-21', 'Tết Nguyên đán Quý Mão', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-22', 'Tết Nguyên đán Quý Mão', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-23', 'Tết Nguyên đán Quý Mão', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-24', 'Tết Nguyên đán Quý Mão', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-25', 'Tết Nguyên đán Quý Mão', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-01-26', 'Tết Nguyên đán Quý Mão', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-04-29', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-05-01', 'Ngày Quốc tế Lao động', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-05-02', 'Nghỉ bù Giỗ Tổ Hùng Vương (thứ Bảy)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-05-03', 'Nghỉ bù ngày 30/4 (Chủ nhật)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-09-01', 'Quốc khánh (ngày liền kề)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-09-02', 'Quốc khánh', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2023-09-04', 'Nghỉ bù Quốc khánh (2/9 là thứ Bảy)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-01-01', 'Tết Dương lịch', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-02-08', 'Tết Nguyên đán Giáp Thìn', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-02-09', 'Tết Nguyên đán Giáp Thìn', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-02-10', 'Tết Nguyên đán Giáp Thìn', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-02-11', 'Tết Nguyên đán Giáp Thìn', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-02-12', 'Tết Nguyên đán Giáp Thìn', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-02-13', 'Tết Nguyên đán Giáp Thìn', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-02-14', 'Tết Nguyên đán Giáp Thìn', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-04-18', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-04-29', 'Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-05-01', 'Ngày Quốc tế Lao động', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-09-02', 'Quốc khánh', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2024-09-03', 'Quốc khánh (ngày liền kề)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-01-01', 'Tết Dương lịch', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-01-25', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-01-26', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-01-27', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-01-28', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-01-29', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-01-30', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-01-31', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-02-01', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-02-02', 'Tết Nguyên đán Ất Tỵ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-04-07', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-05-01', 'Ngày Quốc tế Lao động', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-05-02', 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-09-01', 'Quốc khánh (ngày liền kề)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2025-09-02', 'Quốc khánh', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-01-01', 'Tết Dương lịch', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-14', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-15', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-16', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-17', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-18', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-19', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-20', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-21', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-02-22', 'Tết Nguyên đán Bính Ngọ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-04-26', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-04-27', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch là Chủ nhật)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-05-01', 'Ngày Quốc tế Lao động', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-09-01', 'Quốc khánh (ngày liền kề, dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2026-09-02', 'Quốc khánh', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-01-01', 'Tết Dương lịch', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-02-04', 'Tết Nguyên đán Đinh Mùi (dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-02-05', 'Tết Nguyên đán Đinh Mùi (dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-02-06', 'Tết Nguyên đán Đinh Mùi (dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-02-07', 'Tết Nguyên đán Đinh Mùi (dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-02-08', 'Tết Nguyên đán Đinh Mùi (dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-02-09', 'Tết Nguyên đán Đinh Mùi (dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-02-10', 'Tết Nguyên đán Đinh Mùi (dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-04-16', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-05-01', 'Ngày Quốc tế Lao động', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-05-03', 'Nghỉ bù ngày 1/5 (thứ Bảy)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-09-02', 'Quốc khánh', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('2027-09-03', 'Quốc khánh (ngày liền kề, dự kiến)', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
;

-- +goose Down
DROP TABLE holidays;
DROP INDEX nominations_due_district;
DROP INDEX nominations_due_province;
ALTER TABLE nominations DROP COLUMN due_on;
ALTER TABLE criteria_sets DROP COLUMN approval_days;
ALTER TABLE criteria_sets DROP COLUMN review_days;
