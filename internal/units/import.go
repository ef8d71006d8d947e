package units

import (
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/textcheck"
)

// The official list of 1 March 2025, shipped inside the binary.
//
//go:embed data/vn-admin-units-2025-03-01.csv
var embedded embed.FS

// EmbeddedFile is the name of the shipped units list.
const EmbeddedFile = "data/vn-admin-units-2025-03-01.csv"

// EmbeddedValidFrom is the date the shipped list describes.
var EmbeddedValidFrom = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// OpenEmbedded opens the shipped units list.
func OpenEmbedded() (io.ReadCloser, error) { return embedded.Open(EmbeddedFile) }

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

// ImportResult counts what an import did.
type ImportResult struct {
	Inserted, Updated, Unchanged, Retired int
}

// Import loads rows valid from validFrom, in one transaction, idempotently: an unchanged
// unit is left alone, a changed name or kind is updated in place, and a code that now
// names a different unit (another level or parent: a reform reusing the code) retires the
// old unit and adds the new one. Units absent from the file are kept as they are.
func (s *Service) Import(ctx context.Context, rows []Row, validFrom time.Time) (ImportResult, error) {
	var res ImportResult
	validFrom = time.Date(validFrom.Year(), validFrom.Month(), validFrom.Day(), 0, 0, 0, 0, time.UTC)
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		res = ImportResult{}
		var existing []Unit
		if err := current(s.st.DB(ctx)).Find(&existing).Error; err != nil {
			return err
		}
		byCode := make(map[string]Unit, len(existing))
		for _, u := range existing {
			byCode[u.Code] = u
		}
		paths, err := resolvePaths(rows, byCode)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		var inserts []Unit
		for _, r := range rows {
			u, ok := byCode[r.Code]
			switch {
			case ok && u.Level == r.Level && u.Parent() == r.ParentCode:
				if u.Name == r.Name && u.Kind == r.Kind && u.Path == paths[r.Code] {
					res.Unchanged++
					continue
				}
				err := s.st.DB(ctx).Model(&Unit{}).Where("id = ?", u.ID).Updates(map[string]any{
					"name": r.Name, "kind": r.Kind, "path": paths[r.Code], "updated_at": now,
				}).Error
				if err != nil {
					return err
				}
				res.Updated++
				continue
			case ok:
				if !validFrom.After(u.ValidFrom) {
					return apperr.Invalid(fmt.Sprintf("line %d", r.Line),
						fmt.Sprintf("code %s reuses a unit valid from %s; the new list must be dated later", r.Code, u.ValidFrom.Format(time.DateOnly)))
				}
				if err := s.st.DB(ctx).Model(&Unit{}).Where("id = ?", u.ID).
					Updates(map[string]any{"valid_to": validFrom, "updated_at": now}).Error; err != nil {
					return err
				}
				res.Retired++
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
		}
		if len(inserts) > 0 {
			if err := s.st.DB(ctx).CreateInBatches(inserts, 500).Error; err != nil {
				return err
			}
		}
		res.Inserted = len(inserts)
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
