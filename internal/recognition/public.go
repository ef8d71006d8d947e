package recognition

import (
	"context"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/textfold"
	"github.com/ntmflow/ntmflow/internal/units"
)

// PublicFilter narrows the public registry.
type PublicFilter struct {
	Province string
	District string
	Commune  string
	// Unit is a unit of today: the recognitions made in it and in the units that went
	// into it at a reform (SPEC §12), each named as on its decision date and as today.
	Unit   string
	Type   string
	Year   int
	Limit  int
	Cursor string
	// Query searches the owner's name, the title, the village and the decision number,
	// without regard to case or diacritics ("hai yen" finds "Hải Yến").
	Query string
}

// MaxQuery bounds the registry's search term (runes); a longer one is cut.
const MaxQuery = 100

// PublicPage is one page of active recognitions, newest first.
type PublicPage struct {
	Items      []Recognition
	NextCursor string
}

// PublicList lists active recognitions only (not revoked, not past valid_until) for the
// registry anyone can read, with their places (Describe).
func (s *Service) PublicList(ctx context.Context, us *units.Service, f PublicFilter) (PublicPage, error) {
	if f.Limit == 0 {
		f.Limit = 50
	}
	q, err := s.applyFilter(s.publicRecognitions(ctx), Filter{Type: f.Type, Year: f.Year})
	if err != nil {
		return PublicPage{}, err
	}
	v := apperr.NewValidation()
	if f.Limit < 1 || f.Limit > 200 {
		v.Add("limit", "must be 1 to 200")
	}
	if f.Province != "" {
		q = q.Where("province_code = ?", f.Province)
	}
	if f.District != "" {
		q = q.Where("district_code = ?", f.District)
	}
	if f.Commune != "" {
		q = q.Where("commune_code = ?", f.Commune)
	}
	within := ""
	if f.Unit != "" {
		paths, err := unitPaths(ctx, us, f.Unit, true, s.now())
		if err != nil {
			return PublicPage{}, err
		}
		q, within = inPaths(q, paths), paths[0]
	}
	// The term is bounded (MaxQuery runes): the search reads the filtered recognitions
	// newest first and stops at the page's limit.
	if r := []rune(f.Query); len(r) > MaxQuery {
		f.Query = string(r[:MaxQuery])
	}
	if term := textfold.Fold(f.Query); term != "" {
		q = s.searchPublic(q, term)
	}
	if f.Cursor != "" {
		id, err := store.DecodeCursor(f.Cursor)
		if err != nil {
			v.Add("cursor", "is not a cursor from a previous page")
		}
		q = q.Where("id < ?", id)
	}
	if err := v.Err(); err != nil {
		return PublicPage{}, err
	}
	var items []Recognition
	if err := q.Order("id DESC").Limit(f.Limit + 1).Find(&items).Error; err != nil {
		return PublicPage{}, err
	}
	page := PublicPage{Items: items}
	if len(items) > f.Limit {
		page.Items = items[:f.Limit]
		page.NextCursor = store.EncodeCursor(items[f.Limit-1].ID)
	}
	return page, Describe(ctx, us, page.Items, within)
}

// Now is the service's clock (status on pages is computed with it).
func (s *Service) Now() time.Time { return s.now() }
