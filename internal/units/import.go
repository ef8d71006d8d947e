package units

import (
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/textcheck"
)

// The official lists shipped inside the binary: the three-tier list of 1 March 2025, the
// two-tier list of 1 July 2025 and the succession between them (SPEC §2, §12).
//
//go:embed data/*.csv
var embedded embed.FS

// The shipped files, by their name inside the binary.
const (
	EmbeddedFile           = "data/vn-admin-units-2025-03-01.csv"
	EmbeddedTwoTierFile    = "data/vn-admin-units-2025-07-01.csv"
	EmbeddedSuccessionFile = "data/vn-unit-succession-2025-07-01.csv"
)

// EmbeddedValidFrom is the date the shipped three-tier list describes.
var EmbeddedValidFrom = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// TwoTierValidFrom is the day the two-tier list took effect (the reform of 2025).
var TwoTierValidFrom = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// OpenEmbedded opens the shipped three-tier units list.
func OpenEmbedded() (io.ReadCloser, error) { return embedded.Open(EmbeddedFile) }

// OpenEmbeddedFile opens a shipped file by its base name ("vn-admin-units-2025-07-01.csv")
// or its name inside the binary ("data/…"); fs.ErrNotExist when no such file is shipped.
func OpenEmbeddedFile(name string) (io.ReadCloser, error) {
	return embedded.Open("data/" + path.Base(name))
}

// Row is one line of a units file.
type Row struct {
	Line       int
	Code       string
	Level      Level
	Name       string
	Kind       string
	ParentCode string
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// collapseSpaces trims a name and folds runs of whitespace into one space.
func collapseSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// ParseCSV reads a file with the header code,level,name,kind,parent_code and checks every
// row. Problems are reported with their line number; nothing is partially accepted.
func ParseCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 5
	header, err := cr.Read()
	if err != nil {
		return nil, apperr.Invalid("file", "cannot read the header line")
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	want := []string{"code", "level", "name", "kind", "parent_code"}
	for i, h := range want {
		if strings.TrimSpace(header[i]) != h {
			return nil, apperr.Invalid("file", "header must be "+strings.Join(want, ","))
		}
	}
	var rows []Row
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// FieldPos panics after a record that failed to parse; the error knows the line.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, apperr.Invalid(fmt.Sprintf("line %d", line), "malformed CSV")
		}
		line, _ := cr.FieldPos(0)
		row := Row{
			Line: line, Code: strings.TrimSpace(rec[0]), Level: Level(strings.TrimSpace(rec[1])),
			Name: collapseSpaces(rec[2]), Kind: collapseSpaces(rec[3]), ParentCode: strings.TrimSpace(rec[4]),
		}
		if msg := row.problem(); msg != "" {
			return nil, apperr.Invalid(fmt.Sprintf("line %d", line), msg)
		}
		if first, dup := seen[row.Code]; dup {
			return nil, apperr.Invalid(fmt.Sprintf("line %d", line), fmt.Sprintf("code %s repeats line %d", row.Code, first))
		}
		seen[row.Code] = line
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, apperr.Invalid("file", "holds no units")
	}
	return rows, nil
}

func (r Row) problem() string {
	n, ok := codeLength[r.Level]
	switch {
	case !ok:
		return fmt.Sprintf("level %q is not province, district or commune", r.Level)
	case !digits.MatchString(r.Code) || len(r.Code) != n:
		return fmt.Sprintf("code %q is not %d digits", r.Code, n)
	case r.Name == "":
		return "name is empty"
	case !textcheck.Valid(r.Name) || !textcheck.Valid(r.Kind):
		return "name and kind must be UTF-8 text without control characters"
	case r.Level == Province && r.ParentCode != "":
		return "a province has no parent"
	case r.Level != Province && (r.ParentCode == "" || !digits.MatchString(r.ParentCode)):
		return "parent_code is missing"
	}
	return ""
}

// ImportResult counts what an import did: unit rows inserted, corrected in place, ended
// (valid_to set) and left alone, and succession rows inserted or corrected.
type ImportResult struct {
	Inserted, Updated, Unchanged, Retired int
	Successions, SuccessionsUpdated       int
}

// Import loads rows valid from validFrom, in one transaction, idempotently: an unchanged
// unit is left alone; a change dated on the current version's own day corrects it in place
// (name, kind); a change dated later ends the current version the day before and adds a new
// one, so the old name stays for the old dates. A code that now names a unit at another
// level or under another parent must be dated later. Units absent from the file are kept.
func (s *Service) Import(ctx context.Context, rows []Row, validFrom time.Time) (ImportResult, error) {
	return s.importRows(ctx, rows, nil, validFrom, false)
}

// ImportWithSuccession loads a reform: rows is the whole list in force from validFrom for
// the provinces it names, succ says which old unit went into which new one (SPEC §12).
// Besides what Import does, every current unit of those provinces (and of the provinces
// merged away, named in succ) that the list leaves out ends on the day before, and the
// succession is stored with both units' versions. One transaction; idempotent.
func (s *Service) ImportWithSuccession(ctx context.Context, rows []Row, succ []SuccessionRow, validFrom time.Time) (ImportResult, error) {
	return s.importRows(ctx, rows, succ, validFrom, true)
}

func dateOnly(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func lineErr(line int, format string, args ...any) error {
	return apperr.Invalid(fmt.Sprintf("line %d", line), fmt.Sprintf(format, args...))
}

func (s *Service) importRows(ctx context.Context, rows []Row, succ []SuccessionRow, validFrom time.Time, complete bool) (ImportResult, error) {
	var res ImportResult
	validFrom = dateOnly(validFrom)
	dayBefore := validFrom.AddDate(0, 0, -1)
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		res = ImportResult{}
		var all []Unit
		if err := s.st.DB(ctx).Order("code, valid_from").Find(&all).Error; err != nil {
			return err
		}
		versions := make(map[string][]Unit, len(all))
		byCode := make(map[string]Unit, len(all))
		for _, u := range all {
			versions[u.Code] = append(versions[u.Code], u)
			if u.ValidTo == nil {
				byCode[u.Code] = u
			}
		}
		paths, err := resolvePaths(rows, byCode)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		var inserts []Unit
		var retire []int64
		inFile := make(map[string]bool, len(rows))
		newFrom := make(map[string]time.Time, len(rows)) // the version each listed code has after the import
		for _, r := range rows {
			inFile[r.Code] = true
			u, ok := byCode[r.Code]
			samePlace := ok && u.Level == r.Level && u.Parent() == r.ParentCode
			switch {
			case ok && day(u.ValidFrom) > day(validFrom):
				return lineErr(r.Line, "code %s has a version valid from %s; a list dated %s would overlap it",
					r.Code, day(u.ValidFrom), day(validFrom))
			case samePlace && u.Name == r.Name && u.Kind == r.Kind && u.Path == paths[r.Code]:
				res.Unchanged++
				newFrom[r.Code] = u.ValidFrom
				continue
			case ok && day(u.ValidFrom) == day(validFrom):
				if !samePlace {
					return lineErr(r.Line, "code %s reuses a unit valid from %s; the new list must be dated later", r.Code, day(u.ValidFrom))
				}
				err := s.st.DB(ctx).Model(&Unit{}).Where("id = ?", u.ID).Updates(map[string]any{
					"name": r.Name, "kind": r.Kind, "path": paths[r.Code], "updated_at": now,
				}).Error
				if err != nil {
					return err
				}
				res.Updated++
				newFrom[r.Code] = u.ValidFrom
				continue
			case ok:
				retire = append(retire, u.ID)
				res.Retired++
			default:
				for _, v := range versions[r.Code] {
					if v.ValidTo != nil && day(*v.ValidTo) >= day(validFrom) {
						return lineErr(r.Line, "code %s has a version valid until %s; a list dated %s would overlap it",
							r.Code, day(*v.ValidTo), day(validFrom))
					}
				}
			}
			var parent *string
			if r.ParentCode != "" {
				p := r.ParentCode
				parent = &p
			}
			inserts = append(inserts, Unit{
				Code: r.Code, Level: r.Level, Name: r.Name, Kind: r.Kind, ParentCode: parent,
				Path: paths[r.Code], ValidFrom: validFrom, CreatedAt: now, UpdatedAt: now,
			})
			newFrom[r.Code] = validFrom
		}
		if complete {
			// The list is whole for its provinces and for the provinces merged away: what it
			// leaves out there (the districts, the merged communes) ends the day before.
			scope := map[string]bool{}
			for _, r := range rows {
				if r.Level == Province {
					scope[r.Code] = true
				}
			}
			goneOld := map[string]bool{}
			for _, sr := range succ {
				goneOld[sr.OldCode] = true
				if sr.Level == Province {
					scope[sr.OldCode] = true
				}
			}
			for _, u := range all {
				if u.ValidTo != nil || inFile[u.Code] {
					continue
				}
				codes := u.PathCodes()
				if !goneOld[u.Code] && (len(codes) == 0 || !scope[codes[0]]) {
					continue
				}
				if day(u.ValidFrom) >= day(validFrom) {
					return apperr.Invalid("file", fmt.Sprintf("unit %s, valid from %s, is missing from a list dated %s",
						u.Code, day(u.ValidFrom), day(validFrom)))
				}
				retire = append(retire, u.ID)
				res.Retired++
			}
		}
		if err := s.checkSuccession(succ, versions, newFrom, dayBefore); err != nil {
			return err
		}
		for start := 0; start < len(retire); start += 1000 {
			chunk := retire[start:min(start+1000, len(retire))]
			if err := s.st.DB(ctx).Model(&Unit{}).Where("id IN ?", chunk).
				Updates(map[string]any{"valid_to": dayBefore, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		if len(inserts) > 0 {
			if err := s.st.DB(ctx).CreateInBatches(inserts, 500).Error; err != nil {
				return err
			}
		}
		res.Inserted = len(inserts)
		if complete {
			return s.storeSuccession(ctx, succ, versions, newFrom, validFrom, now, &res)
		}
		return nil
	})
	return res, err
}

// resolvePaths computes every row's path from its parent chain, taking parents from the
// file first and from the current units otherwise.
func resolvePaths(rows []Row, existing map[string]Unit) (map[string]string, error) {
	inFile := make(map[string]Row, len(rows))
	for _, r := range rows {
		inFile[r.Code] = r
	}
	paths := make(map[string]string, len(rows))
	var resolve func(code string, depth int) (string, Level, error)
	resolve = func(code string, depth int) (string, Level, error) {
		if p, ok := paths[code]; ok {
			return p, inFile[code].Level, nil
		}
		r, ok := inFile[code]
		if !ok {
			u, ok := existing[code]
			if !ok {
				return "", "", errors.New("unknown")
			}
			return u.Path, u.Level, nil
		}
		if depth > 3 {
			return "", "", errors.New("cycle")
		}
		if r.ParentCode == "" {
			paths[code] = "/" + code
			return paths[code], r.Level, nil
		}
		pp, plevel, err := resolve(r.ParentCode, depth+1)
		if err != nil {
			return "", "", err
		}
		if plevel == Commune || (plevel == District && r.Level != Commune) {
			return "", "", errors.New("bad level")
		}
		paths[code] = pp + "/" + code
		return paths[code], r.Level, nil
	}
	for _, r := range rows {
		if _, _, err := resolve(r.Code, 0); err != nil {
			return nil, apperr.Invalid(fmt.Sprintf("line %d", r.Line),
				fmt.Sprintf("parent %s of %s is not a known province or district", r.ParentCode, r.Code))
		}
	}
	return paths, nil
}
