package nomination

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
)

// The only file of the package that queries the database: every query on nominations,
// nomination_history and attachments starts in one of these functions
// (internal/scopecheck checks it). A caller's reads start in scoped; the rows of one
// nomination need the *row that scoped returned; the exceptions are named for what they
// are. The progress counters belong to internal/progress.

// inScope is the unit subtrees under which p may do act on nominations, kept to the
// subtree at narrow when narrow is a unit path.
func (s *Service) inScope(p *authz.Principal, act, narrow string) authz.Scope {
	scope := s.authz.Scopes(p, authz.ObjNomination, act)
	if narrow != "" {
		scope = scope.Narrow(narrow)
	}
	return scope
}

// scoped is the nominations p may do act on, already filtered by p's grants. ErrNotFound
// when p's grants give no scope at all, so a load answers not found and a list answers
// empty without querying.
func (s *Service) scoped(ctx context.Context, p *authz.Principal, act string) (*gorm.DB, error) {
	scope := s.inScope(p, act, "")
	if scope.Empty() {
		return nil, apperr.ErrNotFound
	}
	where, args := scope.CodeSQL(authz.UnitCodeColumns)
	return s.st.DB(ctx).Model(&row{}).Where(where, args...), nil
}

// scopedList is scoped for the hot list path, which skips gorm's reflection and writes
// its LIMIT into the SQL (with a bound LIMIT PostgreSQL's generic plan may stop using the
// (scope column, id) index): cols of the nominations p may read under narrow that also
// meet conds, newest first, at most limit rows. ErrNotFound as for scoped.
func (s *Service) scopedList(ctx context.Context, p *authz.Principal, narrow, cols string, conds []string, args []any, limit int) (*sql.Rows, error) {
	scope := s.inScope(p, authz.ActRead, narrow)
	if scope.Empty() {
		return nil, apperr.ErrNotFound
	}
	where, scopeArgs := scope.CodeSQL(authz.UnitCodeColumns)
	conds = append([]string{where}, conds...)
	args = append(scopeArgs, args...)
	return s.st.DB(ctx).Raw(`SELECT `+cols+` FROM nominations WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY id DESC LIMIT `+strconv.Itoa(limit), args...).Rows()
}

// scopedHistory is the history entries (h) of the nominations (n) p may read.
func (s *Service) scopedHistory(ctx context.Context, p *authz.Principal) (*gorm.DB, error) {
	scope := s.inScope(p, authz.ActRead, "")
	if scope.Empty() {
		return nil, apperr.ErrNotFound
	}
	where, args := scope.CodeSQL(authz.UnitColumns{Province: "n.province_code", District: "n.district_code", Commune: "n.commune_code", Path: "n.unit_path"})
	return s.st.DB(ctx).Table("nomination_history AS h").
		Joins("JOIN nominations AS n ON n.id = h.nomination_id").Where(where, args...), nil
}

// rowOf is the row of r, a nomination read through scoped, for writing it.
func (s *Service) rowOf(ctx context.Context, r *row) *gorm.DB {
	return s.st.DB(ctx).Model(&row{}).Where("id = ?", r.ID)
}

// historyRows is the history of r, a nomination read through scoped.
func (s *Service) historyRows(ctx context.Context, r *row) *gorm.DB {
	return s.st.DB(ctx).Model(&historyRow{}).Where("nomination_id = ?", r.ID)
}

// attachmentRows is the evidence of r, a nomination read through scoped.
func (s *Service) attachmentRows(ctx context.Context, r *row) *gorm.DB {
	return s.st.DB(ctx).Model(&Attachment{}).Where("nomination_id = ?", r.ID)
}

// insert stores a new row: a draft whose commune p may create in (checked with Can), or
// a history entry or attachment of a nomination read through scoped.
func (s *Service) insert(ctx context.Context, v any) error {
	return s.st.DB(ctx).Create(v).Error
}

// createdBy is the nominations p created, whatever p may read now: a repeated POST finds
// the nomination its idempotency key created, then reads it through scoped.
func (s *Service) createdBy(ctx context.Context, p *authz.Principal) *gorm.DB {
	return s.st.DB(ctx).Model(&row{}).Where("created_by = ?", p.UserID)
}

// lockBytes serialises, until the transaction ends, everything that makes the stored
// bytes sum referenced or removes them. PostgreSQL takes an advisory lock on the hash;
// SQLite needs none, its transactions begin IMMEDIATE and hold the only write lock.
func (s *Service) lockBytes(ctx context.Context, sum string) error {
	if s.st.Dialect() != store.Postgres {
		return nil
	}
	return s.st.DB(ctx).Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "blob:"+sum).Error
}

// evidenceWithBytes is every attachment holding the stored bytes sum, in any nomination:
// the blob store keeps a file while any attachment refers to it. No caller, no scope.
func (s *Service) evidenceWithBytes(ctx context.Context, sum string) *gorm.DB {
	return s.st.DB(ctx).Model(&Attachment{}).Where("sha256 = ?", sum)
}
