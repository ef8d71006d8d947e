package store

import (
	"context"

	"github.com/pressly/goose/v3"
)

// MigrateTo applies the migrations up to version, the way Migrate applies them all, so a
// test can hold data in an older schema and migrate it.
func (s *Store) MigrateTo(ctx context.Context, version int64) ([]MigrationResult, error) {
	return s.migrate(ctx, func(p *goose.Provider) ([]*goose.MigrationResult, error) { return p.UpTo(ctx, version) })
}
