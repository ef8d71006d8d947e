package movement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/textcheck"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Status is one commune's yearly criteria status (SPEC §11 response shape).
type Status struct {
	UnitCode      string    `json:"unit_code"`
	Year          int       `json:"year"`
	CriteriaSetID int64     `json:"criteria_set_id"`
	Met           []string  `json:"met"` // criterion codes met, in the set's order
	MetCount      int       `json:"met_count"`
	Status        string    `json:"status"` // Reported or Confirmed
	Note          string    `json:"note"`
	Version       int       `json:"version"`
	UpdatedBy     string    `json:"updated_by"` // username; "" for system imports
	UpdatedAt     time.Time `json:"updated_at"`
}

// StatusInput is what a save sends. A nil Met is an empty list (no criterion met).
type StatusInput struct {
	CriteriaSetID int64
	Met           []string
	Note          string
}

// Versioned names one commune's status and the version a bulk confirmation is based on.
type Versioned struct {
	UnitCode string
	Version  int
}

type statusRow struct {
	ID            int64 `gorm:"primaryKey"`
	UnitCode      string
	UnitPath      string
	Year          int
	CriteriaSetID int64
	Met           string // JSON array of codes
	MetCount      int
	Status        string
	Note          string
	Version       int
	UpdatedBy     *int64
	UpdatedAt     time.Time
}

func (statusRow) TableName() string { return "criteria_status" }

// statusView is a row as statusViews reads it, with the username of its last editor.
type statusView struct {
	UnitCode      string
	Year          int
	CriteriaSetID int64
	Met           string
	MetCount      int
	Status        string
	Note          string
	Version       int
	UpdatedAt     time.Time
	UpdatedByName *string
}

func (v statusView) status() Status {
	st := Status{UnitCode: v.UnitCode, Year: v.Year, CriteriaSetID: v.CriteriaSetID, MetCount: v.MetCount,
		Status: v.Status, Note: v.Note, Version: v.Version, UpdatedAt: v.UpdatedAt.UTC(), Met: []string{}}
	if v.UpdatedByName != nil {
		st.UpdatedBy = *v.UpdatedByName
	}
	if err := json.Unmarshal([]byte(v.Met), &st.Met); err != nil || st.Met == nil {
		st.Met = []string{}
	}
	return st
}

// GetStatus returns the unit's status of the year: ErrNotFound when there is none or the
// unit is outside p's scope.
func (s *Service) GetStatus(ctx context.Context, p *authz.Principal, unitCode string, year int) (Status, error) {
	u, err := s.unitFor(ctx, p, authz.ObjCriteriaStatus, unitCode, year)
	if err != nil {
		return Status{}, err
	}
	return s.readStatus(ctx, u.Code, year)
}

func (s *Service) readStatus(ctx context.Context, unitCode string, year int) (Status, error) {
	var v statusView
	err := s.statusViews(ctx, year).Where("cs.unit_code = ?", unitCode).Take(&v).Error
	if ok, err := found(err); !ok {
		if err == nil {
			err = apperr.ErrNotFound
		}
		return Status{}, err
	}
	return v.status(), nil
}

// role is the status p saves at the unit: Confirmed from above (confirm), Reported by the
// commune itself (report); ErrForbidden when p may do neither there.
func (s *Service) role(p *authz.Principal, u units.Unit) (string, error) {
	switch {
	case s.authz.Can(p, authz.ObjCriteriaStatus, authz.ActConfirm, u.Path):
		return Confirmed, nil
	case s.authz.Can(p, authz.ObjCriteriaStatus, authz.ActReport, u.Path):
		return Reported, nil
	}
	return "", apperr.ErrForbidden
}

// SaveStatus creates or replaces the unit's status of the year (PUT of SPEC §11). The
// commune's own officer saves it as reported, a district reviewer or province approver
// above it as confirmed; a commune saving again after a confirmation makes it reported
// again, to be confirmed anew. ifMatch 0 means no If-Match: allowed only when creating
// (else apperr.ErrPreconditionRequired → 428); a version that is not the current one, or
// any version when there is nothing yet, is apperr.ErrVersionMismatch (412).
func (s *Service) SaveStatus(ctx context.Context, p *authz.Principal, unitCode string, year int, in StatusInput, ifMatch int) (st Status, created bool, err error) {
	u, err := s.unitFor(ctx, p, authz.ObjCriteriaStatus, unitCode, year)
	if err != nil {
		return Status{}, false, err
	}
	status, err := s.role(p, u)
	if err != nil {
		return Status{}, false, err
	}
	met, note, err := s.validateStatus(ctx, u, year, in)
	if err != nil {
		return Status{}, false, err
	}
	metJSON, _ := json.Marshal(met)
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		var cur statusRow
		exists, err := found(s.statusOf(ctx, u.Code, year).Take(&cur).Error)
		if err != nil {
			return err
		}
		now := s.now()
		fields := map[string]any{"unit_path": u.Path, "criteria_set_id": in.CriteriaSetID, "met": string(metJSON),
			"met_count": len(met), "status": status, "note": note, "updated_by": p.UserID, "updated_at": now}
		switch {
		case exists && ifMatch == 0:
			return apperr.ErrPreconditionRequired
		case exists:
			if err := s.saveVersioned(ctx, u.Code, year, ifMatch, fields); err != nil {
				return err
			}
		case ifMatch != 0:
			return apperr.ErrVersionMismatch // nothing to match yet
		default:
			uid := p.UserID
			row := statusRow{UnitCode: u.Code, UnitPath: u.Path, Year: year, CriteriaSetID: in.CriteriaSetID,
				Met: string(metJSON), MetCount: len(met), Status: status, Note: note, Version: 1, UpdatedBy: &uid, UpdatedAt: now}
			if err := s.statusTable(ctx).Create(&row).Error; err != nil {
				if store.IsUniqueViolation(err) {
					return apperr.ErrVersionMismatch // created meanwhile by someone else
				}
				return err
			}
			created = true
		}
		st, err = s.readStatus(ctx, u.Code, year)
		return err
	})
	if err != nil {
		return Status{}, false, err
	}
	return st, created, nil
}

// saveVersioned writes fields, bumps the version and checks that nobody changed the row
// since ifMatch: zero rows updated means someone else won.
func (s *Service) saveVersioned(ctx context.Context, unitCode string, year, ifMatch int, fields map[string]any) error {
	fields["version"] = gorm.Expr("version + 1")
	res := s.statusOf(ctx, unitCode, year).Where("version = ?", ifMatch).Updates(fields)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return apperr.ErrVersionMismatch
	}
	return nil
}

// validateStatus checks a save against the unit and its province's criteria sets, and
// returns the codes met in the set's order and the note as kept.
func (s *Service) validateStatus(ctx context.Context, u units.Unit, year int, in StatusInput) ([]string, string, error) {
	v := apperr.NewValidation()
	if !u.IsRuralCommune() {
		v.Add("unit_code", "only a Xã (rural commune) has a criteria status, not a ward, a town or a district")
	}
	if err := s.checkYear(ctx, province(u), year); err != nil {
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			return nil, "", err
		}
		v.Add("year", ve.Fields["year"])
	}
	note := strings.TrimSpace(in.Note)
	switch {
	case !textcheck.Valid(note):
		v.Add("note", textcheck.Message)
	case utf8.RuneCountInString(note) > MaxNote:
		v.Add("note", fmt.Sprintf("must be at most %d characters", MaxNote))
	}
	set, err := s.communeSet(ctx, u, in.CriteriaSetID)
	if err != nil {
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			return nil, "", err
		}
		v.Add("criteria_set_id", ve.Fields["criteria_set_id"])
	}
	var met []string
	if set != nil {
		met, err = metCodes(set, in.Met, func(i int) string { return fmt.Sprintf("met[%d]", i) })
		if err != nil {
			var ve *apperr.ValidationError
			errors.As(err, &ve)
			for f, msg := range ve.Fields {
				v.Add(f, msg)
			}
		}
	}
	return met, note, v.Err()
}

// communeSet returns the set with id when it is an ntm_commune set of the unit's province,
// else a validation error on criteria_set_id.
func (s *Service) communeSet(ctx context.Context, u units.Unit, id int64) (*criteria.Set, error) {
	if id <= 0 {
		return nil, apperr.Invalid("criteria_set_id", "is required: an ntm_commune criteria set of the province")
	}
	set, err := s.criteria.Get(ctx, id)
	if errors.Is(err, apperr.ErrNotFound) || err == nil && (set.Type != criteria.NTMCommune || set.ProvinceCode != province(u)) {
		return nil, apperr.Invalid("criteria_set_id", "is not an ntm_commune criteria set of the province")
	}
	return set, err
}

// metCodes checks codes against the set (field(i) names the i-th code in an error) and
// returns them in the set's order.
func metCodes(set *criteria.Set, codes []string, field func(i int) string) ([]string, error) {
	v := apperr.NewValidation()
	seen := map[string]bool{}
	for i, code := range codes {
		switch _, ok := set.Criterion(code); {
		case !ok:
			v.Add(field(i), "is not a criterion of the set")
		case seen[code]:
			v.Add(field(i), "is listed twice")
		}
		seen[code] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(codes))
	for _, c := range set.Criteria {
		if seen[c.Code] {
			out = append(out, c.Code)
		}
	}
	return out, nil
}

// province is the code of the unit's province.
func province(u units.Unit) string {
	if codes := u.PathCodes(); len(codes) > 0 {
		return codes[0]
	}
	return u.Code
}

// Confirm turns the unit's reported status of the year into confirmed (a district reviewer
// or province approver above it). ifMatch is required (0 → ErrPreconditionRequired) and
// must be the current version (else ErrVersionMismatch); a status already confirmed is
// returned as it is.
func (s *Service) Confirm(ctx context.Context, p *authz.Principal, unitCode string, year int, ifMatch int) (Status, error) {
	var out Status
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.confirm(ctx, p, unitCode, year, ifMatch)
		return err
	})
	return out, err
}

func (s *Service) confirm(ctx context.Context, p *authz.Principal, unitCode string, year int, ifMatch int) (Status, error) {
	u, err := s.unitFor(ctx, p, authz.ObjCriteriaStatus, unitCode, year)
	if err != nil {
		return Status{}, err
	}
	if !s.authz.Can(p, authz.ObjCriteriaStatus, authz.ActConfirm, u.Path) {
		return Status{}, apperr.ErrForbidden
	}
	if ifMatch == 0 {
		return Status{}, apperr.ErrPreconditionRequired
	}
	var cur statusRow
	exists, err := found(s.statusOf(ctx, u.Code, year).Take(&cur).Error)
	if err != nil {
		return Status{}, err
	}
	if !exists {
		return Status{}, apperr.ErrNotFound
	}
	if cur.Version != ifMatch {
		return Status{}, apperr.ErrVersionMismatch
	}
	if cur.Status != Confirmed {
		if err := s.saveVersioned(ctx, u.Code, year, ifMatch, map[string]any{
			"status": Confirmed, "updated_by": p.UserID, "updated_at": s.now()}); err != nil {
			return Status{}, err
		}
	}
	return s.readStatus(ctx, u.Code, year)
}

// ItemError is the error of one commune of a bulk confirmation; it unwraps to the error
// Confirm would give (errors.Is works as for one item) and reads "code: error".
type ItemError struct {
	UnitCode string
	Err      error
}

func (e *ItemError) Error() string { return e.UnitCode + ": " + e.Err.Error() }
func (e *ItemError) Unwrap() error { return e.Err }

// ConfirmMany confirms several communes' statuses in one transaction, all or nothing: the
// first item that cannot be confirmed fails the whole request with an *ItemError.
func (s *Service) ConfirmMany(ctx context.Context, p *authz.Principal, year int, items []Versioned) ([]Status, error) {
	out := make([]Status, 0, len(items))
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		for _, it := range items {
			st, err := s.confirm(ctx, p, it.UnitCode, year, it.Version)
			if err != nil {
				return &ItemError{UnitCode: it.UnitCode, Err: err}
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Grid is what a district (or province) sees: its Xã standing in the year × criteria.
type Grid struct {
	Unit       units.Unit
	Year       int
	Set        *criteria.Set // the ntm_commune set the rows are judged against (newest published in the province); nil when none
	Rows       []GridRow     // Xã under Unit standing in the year, ordered by code
	CanConfirm bool          // p may confirm statuses under Unit
}

// GridRow is one Xã of a grid with its status (nil when not reported).
type GridRow struct {
	Unit   units.Unit
	Status *Status
}

// Grid returns the Xã under the unit standing in the year with their statuses.
func (s *Service) Grid(ctx context.Context, p *authz.Principal, unitCode string, year int) (Grid, error) {
	u, err := s.unitFor(ctx, p, authz.ObjCriteriaStatus, unitCode, year)
	if err != nil {
		return Grid{}, err
	}
	g := Grid{Unit: u, Year: year, CanConfirm: s.authz.Can(p, authz.ObjCriteriaStatus, authz.ActConfirm, u.Path)}
	if set, err := s.criteria.Current(ctx, criteria.NTMCommune, province(u)); err == nil {
		g.Set = set
	} else if !errors.Is(err, apperr.ErrNotFound) {
		return Grid{}, err
	}
	q, err := s.communesOfYear(ctx, u.Path, year)
	if err != nil {
		return Grid{}, err
	}
	var communes []units.Unit
	if err := q.Select("u.*").Order("u.code").Scan(&communes).Error; err != nil {
		return Grid{}, err
	}
	var views []statusView
	where, args := authz.Scope{u.Path}.SQL("cs.unit_path")
	if err := s.statusViews(ctx, year).Where(where, args...).Scan(&views).Error; err != nil {
		return Grid{}, err
	}
	byCode := make(map[string]Status, len(views))
	for _, v := range views {
		byCode[v.UnitCode] = v.status()
	}
	g.Rows = make([]GridRow, 0, len(communes))
	for _, c := range communes {
		row := GridRow{Unit: c}
		if st, ok := byCode[c.Code]; ok {
			row.Status = &st
		}
		g.Rows = append(g.Rows, row)
	}
	return g, nil
}

// ImportStatusesAsSystem saves the statuses of many Xã for one year and set, as confirmed
// and by nobody (the demo seed, bulk loads): met maps a commune code to the codes it met.
// Everything is checked first, then every row is written in one transaction with batched
// inserts, replacing the communes' statuses of that year.
func (s *Service) ImportStatusesAsSystem(ctx context.Context, year int, setID int64, met map[string][]string) error {
	set, err := s.criteria.Get(ctx, setID)
	if errors.Is(err, apperr.ErrNotFound) || err == nil && set.Type != criteria.NTMCommune {
		return apperr.Invalid("criteria_set_id", "is not an ntm_commune criteria set")
	}
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(met))
	for code := range met {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	byCode, err := s.units.GetManyInYear(ctx, codes, year)
	if err != nil {
		return err
	}
	v := apperr.NewValidation()
	now := s.now()
	rows := make([]statusRow, 0, len(codes))
	for _, code := range codes {
		u, ok := byCode[code]
		switch {
		case !ok:
			v.Add("met["+code+"]", "is not a unit standing in the year")
			continue
		case !u.IsRuralCommune():
			v.Add("met["+code+"]", "is not a Xã")
			continue
		case province(u) != set.ProvinceCode:
			v.Add("met["+code+"]", "is not in the criteria set's province")
			continue
		}
		list, err := metCodes(set, met[code], func(i int) string { return fmt.Sprintf("met[%s][%d]", code, i) })
		if err != nil {
			var ve *apperr.ValidationError
			errors.As(err, &ve)
			for f, msg := range ve.Fields {
				v.Add(f, msg)
			}
			continue
		}
		raw, _ := json.Marshal(list)
		rows = append(rows, statusRow{UnitCode: code, UnitPath: u.Path, Year: year, CriteriaSetID: set.ID, Met: string(raw),
			MetCount: len(list), Status: Confirmed, Version: 1, UpdatedAt: now})
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		for chunk := range slices.Chunk(codes, 1000) {
			if err := s.statusTable(ctx).Where("year = ? AND unit_code IN ?", year, chunk).Delete(&statusRow{}).Error; err != nil {
				return err
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return s.statusTable(ctx).CreateInBatches(rows, 500).Error
	})
}
