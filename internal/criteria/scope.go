package criteria

import (
	"context"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
)

// The only file of the package that queries the database: every query on criteria_sets
// starts in one of these functions (internal/scopecheck checks it).

// provincesFor lists the provinces whose criteria sets p may do act on: a set belongs to
// a province, so only a scope covering the whole province covers it (the policy gives
// everyone working in a province read access to its sets).
func (s *Service) provincesFor(p *authz.Principal, act string) []string {
	return s.authz.Scopes(p, authz.ObjCriteriaSet, act).Provinces()
}

// scoped is the criteria sets p may do act on. ErrNotFound when there are none, so a list
// answers empty without querying.
func (s *Service) scoped(ctx context.Context, p *authz.Principal, act string) (*gorm.DB, error) {
	provinces := s.provincesFor(p, act)
	if len(provinces) == 0 {
		return nil, apperr.ErrNotFound
	}
	return s.st.DB(ctx).Model(&setRow{}).Where("province_code IN ?", provinces), nil
}

// pinned is the sets by id, any province: a nomination is pinned to its set, and the
// nomination service reads it after its own scope check (GetVisible checks a caller's).
func (s *Service) pinned(ctx context.Context, id int64) *gorm.DB {
	return s.st.DB(ctx).Model(&setRow{}).Where("id = ?", id)
}

// published is every version of one type's sets in a province: the current one a new
// nomination is pinned to (its caller checks that p may nominate there), and the next
// version number when publishing (its caller checks Can(manage)). Writes go here too.
func (s *Service) published(ctx context.Context, typ Type, province string) *gorm.DB {
	return s.st.DB(ctx).Model(&setRow{}).Where("type = ? AND province_code = ?", typ, province)
}
