package delegation

// Every query on delegations starts in this file (internal/scopecheck): the reads a
// caller makes go through visible, which keeps to the delegations the caller gave or
// received and, for an admin, those at the units of their user-management scope.

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/identity"
)

// row is one delegation as stored. Dates are written as YYYY-MM-DD text.
type row struct {
	ID         int64 `gorm:"primaryKey"`
	FromUserID int64
	ToUserID   int64
	Role       string
	UnitCode   string
	UnitPath   string
	ValidFrom  string
	ValidUntil string
	CreatedAt  time.Time
	RevokedAt  *time.Time
	RevokedBy  *int64
}

func (row) TableName() string { return "delegations" }

// day reads a stored date as YYYY-MM-DD: SQLite gives back the text written, PostgreSQL a
// date that database/sql formats as RFC 3339.
func day(stored string) string {
	if len(stored) >= len(time.DateOnly) {
		return stored[:len(time.DateOnly)]
	}
	return stored
}

// visible reads the delegations of f that p may see, newest first: those p gave or
// received and, with a user-management scope (an admin), those at units inside it.
func (s *Service) visible(ctx context.Context, p *authz.Principal, f Filter) ([]View, error) {
	q := s.st.DB(ctx).Table("delegations AS d").
		Select("d.id, d.from_user_id, fu.username AS from_username, fu.full_name AS from_full_name, " +
			"d.to_user_id, tu.username AS to_username, tu.full_name AS to_full_name, d.role, d.unit_code, d.unit_path, " +
			"d.valid_from, d.valid_until, d.created_at, d.revoked_at, ru.username AS revoked_by").
		Joins("JOIN users fu ON fu.id = d.from_user_id").
		Joins("JOIN users tu ON tu.id = d.to_user_id").
		Joins("LEFT JOIN users ru ON ru.id = d.revoked_by")
	switch f.Direction {
	case Given:
		q = q.Where("d.from_user_id = ?", p.UserID)
	case Received:
		q = q.Where("d.to_user_id = ?", p.UserID)
	default:
		cond, args := "d.from_user_id = ? OR d.to_user_id = ?", []any{p.UserID, p.UserID}
		if admin := s.authz.Scopes(p, authz.ObjUser, authz.ActManage); !admin.Empty() {
			frag, more := admin.SQL("d.unit_path")
			cond, args = cond+" OR "+frag, append(args, more...)
		}
		q = q.Where("("+cond+")", args...)
	}
	if f.ID != 0 {
		q = q.Where("d.id = ?", f.ID)
	}
	var rows []struct {
		ID           int64
		FromUserID   int64
		FromUsername string
		FromFullName string
		ToUserID     int64
		ToUsername   string
		ToFullName   string
		Role         string
		UnitCode     string
		UnitPath     string
		ValidFrom    string
		ValidUntil   string
		CreatedAt    time.Time
		RevokedAt    *time.Time
		RevokedBy    *string
	}
	if err := q.Order("d.id DESC").Limit(f.Limit).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]View, len(rows))
	for i, r := range rows {
		out[i] = View{ID: r.ID, FromUserID: r.FromUserID, FromUsername: r.FromUsername, FromFullName: r.FromFullName,
			ToUserID: r.ToUserID, ToUsername: r.ToUsername, ToFullName: r.ToFullName, Role: r.Role, UnitCode: r.UnitCode,
			From: day(r.ValidFrom), Until: day(r.ValidUntil), CreatedAt: r.CreatedAt, RevokedAt: r.RevokedAt, RevokedBy: r.RevokedBy,
			unitPath: r.UnitPath}
	}
	return out, nil
}

// overlapping is the id of a delegation not revoked that gives r's role at r's unit to
// r's delegate on some day of r's period, or 0.
func (s *Service) overlapping(ctx context.Context, r *row) (int64, error) {
	var ids []int64
	err := s.st.DB(ctx).Model(&row{}).
		Where("from_user_id = ? AND role = ? AND unit_code = ? AND to_user_id = ? AND revoked_at IS NULL",
			r.FromUserID, r.Role, r.UnitCode, r.ToUserID).
		Where("valid_until >= ? AND valid_from <= ?", r.ValidFrom, r.ValidUntil).
		Order("id").Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

func (s *Service) insert(ctx context.Context, r *row) error {
	return s.st.DB(ctx).Create(r).Error
}

// markRevoked revokes delegation id unless someone revoked it meanwhile (409).
func (s *Service) markRevoked(ctx context.Context, id, by int64, at time.Time) error {
	res := s.st.DB(ctx).Model(&row{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": at, "revoked_by": by})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return conflict("the delegation is already revoked")
	}
	return nil
}

// running is the delegations that give their role on date: not revoked, their period
// including date, the delegator enabled and still holding the role at the unit, and the
// delegate still holding some role there (SPEC §13).
func (s *Service) running(ctx context.Context, on time.Time) *gorm.DB {
	date := on.Format(time.DateOnly)
	return s.st.DB(ctx).Table("delegations AS d").
		Joins("JOIN users fu ON fu.id = d.from_user_id").
		Where("d.revoked_at IS NULL AND d.valid_from <= ? AND d.valid_until >= ? AND fu.disabled = ?", date, date, false).
		Where("EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = d.from_user_id AND g.role = d.role " +
			"AND g.unit_code = d.unit_code AND g.unit_path = d.unit_path)").
		Where("EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = d.to_user_id " +
			"AND g.unit_code = d.unit_code AND g.unit_path = d.unit_path)")
}

// receivedRow is a running delegation as a grant of its delegate.
type receivedRow struct {
	ID           int64
	ToUserID     int64
	Role         string
	UnitCode     string
	UnitPath     string
	FromUsername string
}

func (r receivedRow) grant() authz.Grant {
	return authz.Grant{Role: authz.Role(r.Role), UnitCode: r.UnitCode, UnitPath: r.UnitPath,
		DelegatedBy: r.FromUsername, DelegationID: r.ID}
}

const receivedColumns = "d.id, d.to_user_id, d.role, d.unit_code, d.unit_path, fu.username AS from_username"

// Received lists the roles userID holds on day through delegations (identity's
// DelegationSource), each marked with its delegator.
func (s *Service) Received(ctx context.Context, userID int64, on time.Time) ([]authz.Grant, error) {
	var rows []receivedRow
	if err := s.running(ctx, on).Select(receivedColumns).Where("d.to_user_id = ?", userID).
		Order("d.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]authz.Grant, len(rows))
	for i, r := range rows {
		out[i] = r.grant()
	}
	return out, nil
}

// HeldAt lists who holds one of roles on day through a delegation at one of the units at
// unitPaths (identity's DelegationSource): the delegates a notification must reach
// beside the role's holders in their own right.
func (s *Service) HeldAt(ctx context.Context, roles []authz.Role, unitPaths []string, on time.Time) ([]identity.DelegatedGrant, error) {
	if len(roles) == 0 || len(unitPaths) == 0 {
		return nil, nil
	}
	var rows []receivedRow
	if err := s.running(ctx, on).Select(receivedColumns).Where("d.role IN ? AND d.unit_path IN ?", roles, unitPaths).
		Order("d.to_user_id, d.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]identity.DelegatedGrant, len(rows))
	for i, r := range rows {
		out[i] = identity.DelegatedGrant{UserID: r.ToUserID, Grant: r.grant()}
	}
	return out, nil
}
