-- +goose Up
-- Repeat nominations (SPEC §13): a garden whose owner and village, or a residential area
-- whose village, match (diacritics, case and spacing ignored) an active recognition or
-- another open nomination of the same type in the same commune is flagged to the reviewer.
-- Both tables keep the folded match key, so the lookup is an index probe on
-- (commune_code, type, match_key), never a scan of the province.
--
-- The key is the application's rule (nomination.matchKey, internal/nomination/subject.go):
--   model_garden            textfold.Fold(owner_name) || LF || textfold.Fold(village)
--   model_residential_area  textfold.Fold(village)
--   anything else           '' (no key: never matched)
-- The separator is a line feed, a character the fold never leaves in a name. foldText is
-- textfold.Fold in SQL (store.FoldSQL); the application computes the key in Go on every
-- create and update, this fills it for the rows stored before.
ALTER TABLE nominations ADD COLUMN match_key TEXT NOT NULL DEFAULT '';
UPDATE nominations SET match_key = {{foldText "owner_name"}} || {{if .SQLite}}char(10){{else}}chr(10){{end}} || {{foldText "village"}}
WHERE type = 'model_garden';
UPDATE nominations SET match_key = {{foldText "village"}}
WHERE type = 'model_residential_area';
CREATE INDEX nominations_repeat ON nominations (commune_code, type, match_key);

-- A recognition keeps the key of the nomination it was issued for (its owner and village
-- are copies of that nomination's; a nomination is never edited once approved).
ALTER TABLE recognitions ADD COLUMN match_key TEXT NOT NULL DEFAULT '';
UPDATE recognitions SET match_key = COALESCE((SELECT n.match_key FROM nominations n WHERE n.id = recognitions.nomination_id), '');
CREATE INDEX recognitions_repeat ON recognitions (commune_code, type, match_key);

-- +goose Down
DROP INDEX recognitions_repeat;
ALTER TABLE recognitions DROP COLUMN match_key;
DROP INDEX nominations_repeat;
ALTER TABLE nominations DROP COLUMN match_key;
