package nomination

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/store"
)

// The only file of the package that queries the database: every query on nominations,
// nomination_history, attachments and objections starts in one of these functions
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
// meet conds, in order (a constant of the package: "id DESC", newest first, or dueOrder),
// at most limit rows. ErrNotFound as for scoped.
func (s *Service) scopedList(ctx context.Context, p *authz.Principal, narrow, cols string, conds []string, args []any, order string, limit int) (*sql.Rows, error) {
	scope := s.inScope(p, authz.ActRead, narrow)
	if scope.Empty() {
		return nil, apperr.ErrNotFound
	}
	where, scopeArgs := scope.CodeSQL(authz.UnitCodeColumns)
	conds = append([]string{where}, conds...)
	args = append(scopeArgs, args...)
	return s.st.DB(ctx).Raw(`SELECT `+cols+` FROM nominations WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY `+order+` LIMIT `+strconv.Itoa(limit), args...).Rows()
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

// objectionRows is the objections to r, a nomination read through scoped (notice.go).
func (s *Service) objectionRows(ctx context.Context, r *row) *gorm.DB {
	return s.st.DB(ctx).Model(&objectionRow{}).Where("nomination_id = ?", r.ID)
}

// withNotice is the nominations that ever opened a public notice, for anyone: no caller,
// no scope. A notice is public (SPEC §13): the public list shows its nominations
// (openNotices) and anyone may object to one (Service.Object), which loads it here.
func (s *Service) withNotice(ctx context.Context) *gorm.DB {
	return s.st.DB(ctx).Model(&row{}).Where("notice_until IS NOT NULL")
}

// openNotices is the nominations whose public notice runs on day (YYYY-MM-DD), for
// anyone: the public notice list, no caller, no scope; the caller selects only what a
// notice shows.
func (s *Service) openNotices(ctx context.Context, day string) *gorm.DB {
	return s.withNotice(ctx).Where("status = ? AND notice_until >= ?", Endorsed, day)
}

// stagesDue is every nomination, in any province, whose running stage is due on or before
// through (YYYY-MM-DD), soonest first: the reminder sweep of internal/notify (DueBy). No
// caller, no scope: a system read, whose findings go only to the users responsible.
func (s *Service) stagesDue(ctx context.Context, through string) ([]row, error) {
	var out []row
	err := s.st.DB(ctx).Model(&row{}).
		Select("id, type, title, status, commune_code, district_code, province_code, unit_path, due_on").
		Where("due_on IS NOT NULL AND due_on <= ? AND status IN ?", through, stageStatuses).
		Order("due_on, id").Find(&out).Error
	return out, err
}

// repeatRow is one record a nomination repeats (repeats.go).
type repeatRow struct {
	NominationID int64  // the nomination repeated
	Kind         string // DuplicateRecognition or DuplicateNomination
	ID           int64
}

// repeatsOf is, for the nominations ids (read through scoped by the caller), the other
// open nominations and the active recognitions (on the day today, YYYY-MM-DD) of the same
// commune and type under the same match key: one query whatever the number of ids, each
// side an index probe on (commune_code, type, match_key). What it names lies in the
// commune of a nomination the caller reads, and it names only kinds and ids. The one
// query of the package on recognitions, allowed by the scope check: the recognition's
// half keeps recognition.ActiveSQL, the recognition package's definition of active.
func (s *Service) repeatsOf(ctx context.Context, ids []int64, today string) ([]repeatRow, error) {
	var out []repeatRow
	err := s.st.DB(ctx).Raw(`SELECT p.id AS nomination_id, 'nomination' AS kind, o.id AS id
		FROM nominations p JOIN nominations o ON o.commune_code = p.commune_code AND o.type = p.type AND o.match_key = p.match_key
		WHERE p.id IN ? AND p.match_key <> '' AND o.id <> p.id AND o.status IN ?
		UNION ALL
		SELECT p.id AS nomination_id, 'recognition' AS kind, r.id AS id
		FROM nominations p JOIN recognitions r ON r.commune_code = p.commune_code AND r.type = p.type AND r.match_key = p.match_key
		WHERE p.id IN ? AND p.match_key <> '' AND r.nomination_id <> p.id AND `+recognition.ActiveSQL("r"),
		ids, openStatuses, ids, today).Scan(&out).Error
	return out, err
}
