package movement

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/units"
)

// The only file of the package that opens the store: every query on criteria_status and
// movement_reports starts in one of these functions. A status and a report each belong to
// one unit, so the caller's scope is checked on that unit (unitFor) before any row is read,
// and the figures of a subtree are read only below a unit the caller may read.

// unitFor returns the unit of code as it stood in year, on which p may read obj:
// ErrNotFound when there is no such unit or it lies outside p's scope (its existence is
// not revealed).
func (s *Service) unitFor(ctx context.Context, p *authz.Principal, obj, code string, year int) (units.Unit, error) {
	if err := authz.Require(p); err != nil {
		return units.Unit{}, err
	}
	u, err := s.units.GetInYear(ctx, code, year)
	if err != nil {
		return units.Unit{}, err
	}
	if !s.authz.Can(p, obj, authz.ActRead, u.Path) {
		return units.Unit{}, apperr.ErrNotFound
	}
	return u, nil
}

// statusOf is the criteria status row of one unit and year, for the unit unitFor checked
// (or a …AsSystem method).
func (s *Service) statusOf(ctx context.Context, unitCode string, year int) *gorm.DB {
	return s.st.DB(ctx).Model(&statusRow{}).Where("unit_code = ? AND year = ?", unitCode, year)
}

// statusViews reads statuses with the username of their last editor, for the year; the
// caller narrows them to units it checked.
func (s *Service) statusViews(ctx context.Context, year int) *gorm.DB {
	return s.st.DB(ctx).Table("criteria_status AS cs").
		Select("cs.unit_code, cs.year, cs.criteria_set_id, cs.met, cs.met_count, cs.status, cs.note, cs.version, cs.updated_at, "+
			"usr.username AS updated_by_name").
		Joins("LEFT JOIN users usr ON usr.id = cs.updated_by").
		Where("cs.year = ?", year)
}

// statusTable writes statuses: the caller has checked the unit (or is a …AsSystem method).
func (s *Service) statusTable(ctx context.Context) *gorm.DB {
	return s.st.DB(ctx).Model(&statusRow{})
}

// communesOfYear is the Xã standing in year under the unit path root ("" = every
// province), aliased u, each joined to its status of the year (cs, NULLs when unreported).
// A ward or a town never appears, whatever rows it has.
func (s *Service) communesOfYear(ctx context.Context, root string, year int) (*gorm.DB, error) {
	valid, args, err := s.units.ValidInYearSQL(ctx, "u", year)
	if err != nil {
		return nil, err
	}
	q := s.st.DB(ctx).Table("units AS u").
		Joins("LEFT JOIN criteria_status cs ON cs.unit_code = u.code AND cs.year = ?", year).
		Where("u.level = ? AND u.kind = ?", units.Commune, units.KindRuralCommune).
		Where(valid, args...)
	if root != "" {
		where, a := authz.Scope{root}.SQL("u.path")
		q = q.Where(where, a...)
	}
	return q, nil
}

// reportOf is the movement report row of one unit and year, for the unit unitFor checked
// (or a …AsSystem method).
func (s *Service) reportOf(ctx context.Context, unitCode string, year int) *gorm.DB {
	return s.st.DB(ctx).Model(&reportRow{}).Where("unit_code = ? AND year = ?", unitCode, year)
}

// reportsOf is the reports of the year of the given units: the children of a unit the
// caller may read.
func (s *Service) reportsOf(ctx context.Context, unitCodes []string, year int) *gorm.DB {
	return s.st.DB(ctx).Model(&reportRow{}).Where("year = ? AND unit_code IN ?", year, unitCodes)
}

// reportTable writes reports: the caller has checked Can(write) on the unit (or is a
// …AsSystem method).
func (s *Service) reportTable(ctx context.Context) *gorm.DB {
	return s.st.DB(ctx).Model(&reportRow{})
}

// found turns gorm's not-found into ok == false.
func found(err error) (bool, error) {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	return err == nil, err
}
