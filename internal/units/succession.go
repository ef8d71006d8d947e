package units

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
)

// Share says whether an old unit went whole into a new one or only in part (an old
// commune split between several new ones has one partial row per new unit).
type Share string

const (
	ShareFull    Share = "full"
	SharePartial Share = "partial"
)

// SuccessionRow is one line of a succession file: old_code,level,new_code,share.
type SuccessionRow struct {
	Line    int
	OldCode string
	Level   Level // the old unit's level
	NewCode string
	Share   Share
}

// Succession is a stored succession row. Each side names its unit version by code and
// valid_from; ValidOn is the day the new units took effect.
type Succession struct {
	ID           int64     `gorm:"primaryKey"`
	OldCode      string    `gorm:"size:10"`
	OldValidFrom time.Time `gorm:"type:date"`
	NewCode      string    `gorm:"size:10"`
	NewValidFrom time.Time `gorm:"type:date"`
	Share        Share     `gorm:"size:10"`
	ValidOn      time.Time `gorm:"type:date"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName binds Succession to the unit_successions table.
func (Succession) TableName() string { return "unit_successions" }

// Link is a unit on the other side of a succession, named as it was on its side's date.
type Link struct {
	Code  string
	Name  string
	Share Share
}

func succLine(line int, format string, args ...any) error {
	return apperr.Invalid(fmt.Sprintf("succession line %d", line), fmt.Sprintf(format, args...))
}

// ParseSuccessionCSV reads a file with the header old_code,level,new_code,share and checks
// every row on its own; the codes are checked against the units when importing.
func ParseSuccessionCSV(r io.Reader) ([]SuccessionRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 4
	header, err := cr.Read()
	if err != nil {
		return nil, apperr.Invalid("succession", "cannot read the header line")
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	want := []string{"old_code", "level", "new_code", "share"}
	for i, h := range want {
		if strings.TrimSpace(header[i]) != h {
			return nil, apperr.Invalid("succession", "header must be "+strings.Join(want, ","))
		}
	}
	var out []SuccessionRow
	seen := map[[2]string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, succLine(line, "malformed CSV")
		}
		line, _ := cr.FieldPos(0)
		r := SuccessionRow{Line: line, OldCode: strings.TrimSpace(rec[0]), Level: Level(strings.TrimSpace(rec[1])),
			NewCode: strings.TrimSpace(rec[2]), Share: Share(strings.TrimSpace(rec[3]))}
		n, ok := codeLength[r.Level]
		switch {
		case !ok:
			return nil, succLine(line, "level %q is not province, district or commune", r.Level)
		case !digits.MatchString(r.OldCode) || len(r.OldCode) != n:
			return nil, succLine(line, "old_code %q is not %d digits", r.OldCode, n)
		case !digits.MatchString(r.NewCode):
			return nil, succLine(line, "new_code %q is not a unit code", r.NewCode)
		case r.Share != ShareFull && r.Share != SharePartial:
			return nil, succLine(line, "share %q is not full or partial", r.Share)
		}
		key := [2]string{r.OldCode, r.NewCode}
		if first, dup := seen[key]; dup {
			return nil, succLine(line, "%s → %s repeats line %d", r.OldCode, r.NewCode, first)
		}
		seen[key] = line
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, apperr.Invalid("succession", "holds no rows")
	}
	return out, nil
}

// oldVersion is the version of code standing on the day before the reform.
func oldVersion(versions map[string][]Unit, code string, dayBefore time.Time) (Unit, bool) {
	for _, v := range versions[code] {
		if v.StandsOn(dayBefore) {
			return v, true
		}
	}
	return Unit{}, false
}

// checkSuccession refuses rows naming a unit that did not stand the day before (old side)
// or is not in the new list (new side), an old unit that went whole into one unit yet has
// several rows, and a cycle of units each going whole into the next (a unit cannot have
// gone whole into a unit that went whole into it). Partial shares may loop between codes:
// a commune split in parts among units that reuse each other's codes is ordinary.
func (s *Service) checkSuccession(succ []SuccessionRow, versions map[string][]Unit, newFrom map[string]time.Time, dayBefore time.Time) error {
	rowsOf := map[string][]SuccessionRow{}
	whole := map[string]string{} // old code → new code, full shares between different codes
	for _, r := range succ {
		old, ok := oldVersion(versions, r.OldCode, dayBefore)
		if !ok {
			return succLine(r.Line, "old_code %s is not a unit valid on %s", r.OldCode, day(dayBefore))
		}
		if old.Level != r.Level {
			return succLine(r.Line, "old_code %s is a %s, not a %s", r.OldCode, old.Level, r.Level)
		}
		if _, ok := newFrom[r.NewCode]; !ok {
			return succLine(r.Line, "new_code %s is not in the list of %s", r.NewCode, day(dayBefore.AddDate(0, 0, 1)))
		}
		rowsOf[r.OldCode] = append(rowsOf[r.OldCode], r)
		if r.Share == ShareFull && len(rowsOf[r.OldCode]) > 1 || r.Share == SharePartial && len(rowsOf[r.OldCode]) > 1 && rowsOf[r.OldCode][0].Share == ShareFull {
			return succLine(r.Line, "old_code %s went whole (full) into one unit but has several rows", r.OldCode)
		}
		if r.Share == ShareFull && r.OldCode != r.NewCode {
			whole[r.OldCode] = r.NewCode
		}
	}
	for _, r := range succ {
		if r.Share != ShareFull || r.OldCode == r.NewCode {
			continue
		}
		// Follow the whole-unit chain; coming back to the start closes a cycle.
		for next, steps := whole[r.NewCode], 0; next != "" && steps <= len(whole); next, steps = whole[next], steps+1 {
			if next == r.OldCode {
				return succLine(r.Line, "the succession goes round in a cycle through %s", r.OldCode)
			}
		}
	}
	return nil
}

// storeSuccession upserts the succession rows of the reform dated validFrom.
func (s *Service) storeSuccession(ctx context.Context, succ []SuccessionRow, versions map[string][]Unit,
	newFrom map[string]time.Time, validFrom, now time.Time, res *ImportResult) error {
	var existing []Succession
	// A range rather than equality: SQLite may keep a time after the date (see ValidOnSQL).
	err := s.st.DB(ctx).Where("valid_on >= ? AND valid_on < ?", day(validFrom), day(validFrom.AddDate(0, 0, 1))).
		Find(&existing).Error
	if err != nil {
		return err
	}
	// Compare stored dates as days: the two databases hand DATE columns back differently.
	stored := make(map[[2]string]Succession, len(existing))
	for _, e := range existing {
		if day(e.ValidOn) == day(validFrom) {
			stored[[2]string{e.OldCode, e.NewCode}] = e
		}
	}
	dayBefore := validFrom.AddDate(0, 0, -1)
	var inserts []Succession
	for _, r := range succ {
		old, _ := oldVersion(versions, r.OldCode, dayBefore)
		row := Succession{OldCode: r.OldCode, OldValidFrom: dateOnly(old.ValidFrom), NewCode: r.NewCode,
			NewValidFrom: dateOnly(newFrom[r.NewCode]), Share: r.Share, ValidOn: validFrom, CreatedAt: now, UpdatedAt: now}
		e, ok := stored[[2]string{r.OldCode, r.NewCode}]
		switch {
		case !ok:
			inserts = append(inserts, row)
		case e.Share != row.Share || day(e.OldValidFrom) != day(row.OldValidFrom) || day(e.NewValidFrom) != day(row.NewValidFrom):
			err := s.st.DB(ctx).Model(&Succession{}).Where("id = ?", e.ID).Updates(map[string]any{
				"share": row.Share, "old_valid_from": row.OldValidFrom, "new_valid_from": row.NewValidFrom, "updated_at": now,
			}).Error
			if err != nil {
				return err
			}
			res.SuccessionsUpdated++
		}
	}
	if len(inserts) > 0 {
		if err := s.st.DB(ctx).CreateInBatches(inserts, 500).Error; err != nil {
			return err
		}
	}
	res.Successions = len(inserts)
	return nil
}

// GetOn returns the unit with code as it stood on day (its name of that day), or
// apperr.ErrNotFound.
func (s *Service) GetOn(ctx context.Context, code string, on time.Time) (Unit, error) {
	cond, args := ValidOnSQL("", on)
	var u Unit
	err := s.st.DB(ctx).Where("code = ?", code).Where(cond, args...).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Unit{}, apperr.ErrNotFound
	}
	return u, err
}

// ChildrenOn lists the units directly below parent on day, ordered by code; an empty
// parent lists the provinces. A parent that did not stand on day is ErrNotFound.
func (s *Service) ChildrenOn(ctx context.Context, parent string, on time.Time) ([]Unit, error) {
	cond, args := ValidOnSQL("", on)
	q := s.st.DB(ctx).Where(cond, args...).Order("code")
	if parent == "" {
		q = q.Where("parent_code IS NULL")
	} else {
		if _, err := s.GetOn(ctx, parent, on); err != nil {
			return nil, err
		}
		q = q.Where("parent_code = ?", parent)
	}
	var list []Unit
	if err := q.Find(&list).Error; err != nil {
		return nil, err
	}
	return list, nil
}

// Successors lists the units that the unit with code, as it stood on day, went into at a
// later reform, named as they were when they took effect.
func (s *Service) Successors(ctx context.Context, code string, on time.Time) ([]Link, error) {
	u, err := s.GetOn(ctx, code, on)
	if err != nil {
		return nil, err
	}
	links, _, err := s.Links(ctx, []Unit{u}, on)
	return links[u.Code], err
}

// Predecessors lists the units that went into the unit with code, as it stood on day, at
// a reform on or before day, named as they were on the day before that reform.
func (s *Service) Predecessors(ctx context.Context, code string, on time.Time) ([]Link, error) {
	u, err := s.GetOn(ctx, code, on)
	if err != nil {
		return nil, err
	}
	_, links, err := s.Links(ctx, []Unit{u}, on)
	return links[u.Code], err
}

// The rows a unit version went by. A succession row names the version on each side by
// code and valid_from, and the day of its reform (valid_on); these are the one statement of
// which rows belong to a version, for Links and for History.

// isFrom reports whether r names u on its old side.
func (r Succession) isFrom(u Unit) bool {
	return r.OldCode == u.Code && day(r.OldValidFrom) == day(u.ValidFrom)
}

// isInto reports whether r names u on its new side.
func (r Succession) isInto(u Unit) bool {
	return r.NewCode == u.Code && day(r.NewValidFrom) == day(u.ValidFrom)
}

// leaves reports whether r is a row by which u, standing on day on, went into a unit at a
// reform after on.
func (r Succession) leaves(u Unit, on time.Time) bool {
	return r.isFrom(u) && day(r.ValidOn) > day(on)
}

// enters reports whether r is a row by which a unit went into u, standing on day on, at a
// reform on or before on.
func (r Succession) enters(u Unit, on time.Time) bool {
	return r.isInto(u) && day(r.ValidOn) <= day(on)
}

// Links returns the successors and predecessors (keyed by code) of unit versions that
// stood on day, in a few queries whatever the number of units.
func (s *Service) Links(ctx context.Context, list []Unit, on time.Time) (succ, pred map[string][]Link, err error) {
	succ, pred = map[string][]Link{}, map[string][]Link{}
	byCode := make(map[string]Unit, len(list))
	codes := map[string]bool{}
	for _, u := range list {
		byCode[u.Code] = u
		codes[u.Code] = true
	}
	h := newHistory()
	for chunk := range slices.Chunk(keys(codes), 1000) {
		var rows []Succession
		if err := s.st.DB(ctx).Where("old_code IN ? OR new_code IN ?", chunk, chunk).Find(&rows).Error; err != nil {
			return nil, nil, err
		}
		h.addRows(chunk, rows, true, true)
	}
	want := map[string]bool{} // codes whose names are needed
	for _, u := range byCode {
		for _, l := range append(h.Successors(u, on), h.Predecessors(u, on)...) {
			want[l.Code] = true
		}
	}
	for chunk := range slices.Chunk(keys(want), 1000) {
		var vs []Unit
		if err := s.st.DB(ctx).Select("code, valid_from, name").Where("code IN ?", chunk).Find(&vs).Error; err != nil {
			return nil, nil, err
		}
		h.addVersions(chunk, vs)
	}
	for code, u := range byCode {
		if l := h.Successors(u, on); len(l) > 0 {
			succ[code] = l
		}
		if l := h.Predecessors(u, on); len(l) > 0 {
			pred[code] = l
		}
	}
	return succ, pred, nil
}

// TwoTierRows returns the shipped two-tier list and succession, limited to the given new
// provinces when any are named (with the succession rows into their units), for the demo
// and for tests.
func TwoTierRows(provinces ...string) ([]Row, []SuccessionRow, error) {
	f, err := OpenEmbeddedFile(EmbeddedTwoTierFile)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, err := ParseCSV(f)
	if err != nil {
		return nil, nil, err
	}
	g, err := OpenEmbeddedFile(EmbeddedSuccessionFile)
	if err != nil {
		return nil, nil, err
	}
	defer g.Close()
	succ, err := ParseSuccessionCSV(g)
	if err != nil {
		return nil, nil, err
	}
	if len(provinces) == 0 {
		return rows, succ, nil
	}
	keep := map[string]bool{}
	for _, p := range provinces {
		keep[p] = true
	}
	var kept []Row
	for _, r := range rows { // parents precede children in the file
		if keep[r.Code] || keep[r.ParentCode] {
			keep[r.Code] = true
			kept = append(kept, r)
		}
	}
	var ks []SuccessionRow
	for _, r := range succ {
		if keep[r.NewCode] {
			ks = append(ks, r)
		}
	}
	return kept, ks, nil
}

// ImportTwoTier loads the shipped two-tier world (the 2025-07-01 list and its succession)
// on top of the three-tier list, for the given new provinces or the whole country. The old
// units the succession names must be there already (testkit.ImportUnits or the seed).
func (s *Service) ImportTwoTier(ctx context.Context, provinces ...string) (ImportResult, error) {
	rows, succ, err := TwoTierRows(provinces...)
	if err != nil {
		return ImportResult{}, err
	}
	return s.ImportWithSuccession(ctx, rows, succ, TwoTierValidFrom)
}
