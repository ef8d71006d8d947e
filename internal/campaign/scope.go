package campaign

import (
	"context"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
)

// The only file of the package that queries the database: every query on campaigns and
// campaign_targets starts in one of these functions (internal/scopecheck checks it). The
// counters behind the progress report belong to internal/progress.

// scoped is the campaigns p may do act on: those of the provinces the policy lets p reach
// (everyone working in a province reads its campaigns). ErrNotFound when there are none, so
// a load answers not found and a list answers empty without querying.
func (s *Service) scoped(ctx context.Context, p *authz.Principal, act string) (*gorm.DB, error) {
	provinces := s.authz.Scopes(p, authz.ObjCampaign, act).Provinces()
	if len(provinces) == 0 {
		return nil, apperr.ErrNotFound
	}
	return s.st.DB(ctx).Model(&Campaign{}).Where("province_code IN ?", provinces), nil
}

// campaignRow is the row of c, a campaign read through scoped (or system), for updating it.
func (s *Service) campaignRow(ctx context.Context, c Campaign) *gorm.DB {
	return s.st.DB(ctx).Model(&Campaign{}).Where("id = ?", c.ID)
}

// targetsOf is the targets of c, a campaign read through scoped (or system).
func (s *Service) targetsOf(ctx context.Context, c Campaign) *gorm.DB {
	return s.st.DB(ctx).Model(&targetRow{}).Where("campaign_id = ?", c.ID)
}

// insert stores a new campaign or targets: the caller has checked Can(manage) on the
// province (or is a …AsSystem method).
func (s *Service) insert(ctx context.Context, rows any) error {
	return s.st.DB(ctx).CreateInBatches(rows, 500).Error
}

// system reads campaigns without a caller: the …AsSystem methods (demo seed, fixtures).
func (s *Service) system(ctx context.Context) *gorm.DB {
	return s.st.DB(ctx).Model(&Campaign{})
}
