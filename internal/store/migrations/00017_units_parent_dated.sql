-- +goose Up
-- The tree of a date or a year (ChildrenOn, ChildrenInYear: the dashboards and the
-- movement's averages) selects a parent's children of every version by their validity;
-- the parent index of 00001 covers current units only, so without this one each lookup
-- reads every unit of the country.
CREATE INDEX units_parent_valid ON units (parent_code, valid_from);

-- +goose Down
DROP INDEX units_parent_valid;
