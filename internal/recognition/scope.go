package recognition

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/store"
)

// The only file of the package that queries the database: every query on recognitions
// starts in one of these functions (internal/scopecheck checks it). Signed-in readers start
// in scoped; the public registry and the nomination workflow have their own, named.

// scoped is the recognitions p may do act on, kept to the subtree at narrow when narrow is
// a unit path. ErrNotFound when that leaves no scope, so a load answers not found and a
// list answers empty without querying.
func (s *Service) scoped(ctx context.Context, p *authz.Principal, act, narrow string) (*gorm.DB, error) {
	if narrow == "" {
		return s.scopedIn(ctx, p, act, nil)
	}
	return s.scopedIn(ctx, p, act, []string{narrow})
}

// scopedIn is scoped kept to the subtrees at paths (none: the whole scope). Several paths
// are a unit of today and the units that went into it (history.go): the caller's scope
// narrowed to each, joined. Codes are reused across reforms (06220 was Xã Hải Yến, is
// Xã Công Sơn), so narrowed lists also match the record's unit_path, which tells them
// apart; the code condition stays for its indexes.
func (s *Service) scopedIn(ctx context.Context, p *authz.Principal, act string, paths []string) (*gorm.DB, error) {
	scope := s.authz.Scopes(p, authz.ObjRecognition, act)
	if len(paths) == 0 {
		if scope.Empty() {
			return nil, apperr.ErrNotFound
		}
		where, args := scope.CodeSQL(authz.UnitCodeColumns)
		return s.st.DB(ctx).Model(&Recognition{}).Where(where, args...), nil
	}
	var in authz.Scope
	for _, path := range paths {
		in = append(in, scope.Narrow(path)...)
	}
	if in.Empty() {
		return nil, apperr.ErrNotFound
	}
	where, args := in.CodeSQL(authz.UnitCodeColumns)
	pathWhere, pathArgs := in.SQL("unit_path")
	return s.st.DB(ctx).Model(&Recognition{}).Where(where, args...).Where(pathWhere, pathArgs...), nil
}

// activeSQL keeps the active recognitions on the day given as its argument: not revoked,
// and not past valid_until unless there is none (a commune title).
const activeSQL = "revoked_at IS NULL AND (valid_until IS NULL OR valid_until >= ?)"

// publicRecognitions is the registry anyone may search without signing in: active
// recognitions only (not revoked, not past valid_until).
func (s *Service) publicRecognitions(ctx context.Context) *gorm.DB {
	return s.st.DB(ctx).Model(&Recognition{}).Where(activeSQL, s.now().Format(time.DateOnly))
}

// inPaths keeps the recognitions of q made in the subtrees at paths (a unit of today and
// the units that went into it), by the record's own path: codes are reused across reforms.
func inPaths(q *gorm.DB, paths []string) *gorm.DB {
	where, args := pathScope(paths).SQL("unit_path")
	return q.Where(where, args...)
}

// activeTitles is the active recognitions of one type held by a commune, for the
// nomination workflow's check that a commune holds the title a higher one needs: a system
// check of the nomination p is already allowed to act on, not a read on p's behalf. The
// share lock (PostgreSQL; SQLite's IMMEDIATE transactions already hold the write lock)
// keeps the title from being revoked before the caller's transaction ends.
func (s *Service) activeTitles(ctx context.Context, communeCode string, typ criteria.Type) *gorm.DB {
	q := s.st.DB(ctx).Model(&Recognition{}).
		Where("commune_code = ? AND type = ? AND "+activeSQL, communeCode, string(typ), s.now().Format(time.DateOnly))
	if store.InTx(ctx) {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthShare})
	}
	return q
}

// certified is any recognition, whatever its status, for the public page a certificate's
// QR code opens: it must be able to say "revoked" or "expired" too.
func (s *Service) certified(ctx context.Context) *gorm.DB {
	return s.st.DB(ctx).Model(&Recognition{})
}

// titleFigures is every recognition, for the commune-title counts of the movement's
// aggregate (titles.go): figures per unit, never rows, over a unit whose scope the
// movement service has already checked for its caller.
func (s *Service) titleFigures(ctx context.Context) *gorm.DB {
	return s.st.DB(ctx).Model(&Recognition{})
}

// ofNomination is the recognitions of a nomination that the nomination service has read
// through its own scope, inside its transaction (approve issues one, revoke revokes it).
func (s *Service) ofNomination(ctx context.Context, nominationID int64) *gorm.DB {
	return s.st.DB(ctx).Model(&Recognition{}).Where("nomination_id = ?", nominationID)
}

// searchPublic keeps the recognitions of q whose owner, title, village (folded, as term
// is) or decision number contain term. Names and village are matched through the
// nomination's folded search_text (the recognition copies them from it at approval; SQL
// cannot strip diacritics on both databases): the one column of nominations the public
// registry reads, and only behind the recognitions q already allows. Decision numbers
// carry no diacritics beyond the Đ of "QĐ", which is folded here; LOWER folds the ASCII
// letters on both databases.
func (s *Service) searchPublic(q *gorm.DB, term string) *gorm.DB {
	like := "%" + store.EscapeLike(term) + "%"
	return q.Where(`(EXISTS (SELECT 1 FROM nominations n WHERE n.id = recognitions.nomination_id AND `+store.Like("n.search_text")+`)
		OR `+store.Like(`REPLACE(REPLACE(LOWER(decision_number), 'Đ', 'd'), 'đ', 'd')`)+`)`, like, like)
}

// scopedDecisions is the decisions of the provinces whose recognitions p may read whole:
// a decision belongs to its province, and lists recognitions of any of its units.
// ErrNotFound when p reads no province whole.
func (s *Service) scopedDecisions(ctx context.Context, p *authz.Principal) (*gorm.DB, error) {
	provinces := s.decisionProvinces(p)
	if len(provinces) == 0 {
		return nil, apperr.ErrNotFound
	}
	return s.st.DB(ctx).Model(&Decision{}).Where("province_code IN ?", provinces), nil
}

func (s *Service) decisionProvinces(p *authz.Principal) []string {
	return s.authz.Scopes(p, authz.ObjRecognition, authz.ActRead).Provinces()
}

// ReadsDecisionsOf reports whether p may read the decisions of the province, so a page
// links to them only for those whom GetDecision answers.
func (s *Service) ReadsDecisionsOf(p *authz.Principal, provinceCode string) bool {
	return slices.Contains(s.decisionProvinces(p), provinceCode)
}

// claimDecision inserts d unless its province already holds a decision under its folded
// number, for the approve transition of a nomination the nomination service has read
// through its scope, inside its transaction. Two approvals claiming one new number at once
// both go on: the second insert waits for the first and then does nothing.
func (s *Service) claimDecision(ctx context.Context, d *Decision) error {
	return s.st.DB(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "province_code"}, {Name: "number_key"}}, DoNothing: true,
	}).Create(d).Error
}

// lockDecision reads the province's decision under a folded number and locks its row
// until the transaction ends (PostgreSQL; SQLite's IMMEDIATE transactions already hold
// the only write lock), for the approval that claimed it.
func (s *Service) lockDecision(ctx context.Context, province, numberKey string) (Decision, error) {
	var d Decision
	err := s.st.DB(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("province_code = ? AND number_key = ?", province, numberKey).Take(&d).Error
	return d, err
}

// decisionRow is the row of a decision lockDecision returned, for writing it.
func (s *Service) decisionRow(ctx context.Context, id int64) *gorm.DB {
	return s.st.DB(ctx).Model(&Decision{}).Where("id = ?", id)
}
