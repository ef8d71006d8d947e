-- +goose Up
-- What a list shows, stored beside the dossier so listing never parses the subject JSON.
ALTER TABLE nominations ADD COLUMN owner_name VARCHAR(200) NOT NULL DEFAULT '';
ALTER TABLE nominations ADD COLUMN village VARCHAR(200) NOT NULL DEFAULT '';
UPDATE nominations SET owner_name = COALESCE({{jsonText "subject" "owner_name"}}, ''),
                       village = COALESCE({{jsonText "subject" "village"}}, '');

-- +goose Down
ALTER TABLE nominations DROP COLUMN village;
ALTER TABLE nominations DROP COLUMN owner_name;
