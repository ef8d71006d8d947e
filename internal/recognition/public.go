package recognition

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/textfold"
)

// PublicFilter narrows the public registry.
type PublicFilter struct {
	Province string
	District string
	Commune  string
	Type     string
	Year     int
	Limit    int
	Cursor   string
	// Query searches the owner's name, the title, the village and the decision number,
	// without regard to case or diacritics ("hai yen" finds "Hải Yến").
	Query string
}

// PublicPage is one page of active recognitions, newest first.
type PublicPage struct {
	Items      []Recognition
	NextCursor string
}

// PublicList lists active recognitions only (not revoked, not past valid_until) for the
// registry anyone can read.
func (s *Service) PublicList(ctx context.Context, f PublicFilter) (PublicPage, error) {
	if f.Limit == 0 {
		f.Limit = 50
	}
	q := s.st.DB(ctx).Model(&Recognition{}).
		Where("revoked_at IS NULL AND valid_until >= ?", s.now().Format(time.DateOnly))
	q, err := s.applyFilter(q, Filter{Type: f.Type, Year: f.Year})
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
	if term := textfold.Fold(f.Query); term != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "", "\\", "").Replace(term) + "%"
		// Names and village are matched through the nomination's folded search_text (the
		// recognition copies them from it at approval; SQL cannot strip diacritics on both
		// databases). Decision numbers carry no diacritics beyond the Đ of "QĐ", which is
		// folded here; LOWER folds the ASCII letters on both databases.
		q = q.Where(`(EXISTS (SELECT 1 FROM nominations n WHERE n.id = recognitions.nomination_id AND n.search_text LIKE ?)
			OR REPLACE(REPLACE(LOWER(decision_number), 'Đ', 'd'), 'đ', 'd') LIKE ?)`, like, like)
	}
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		id, perr := strconv.ParseInt(string(b), 10, 64)
		if err != nil || perr != nil || id <= 0 {
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
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(items[f.Limit-1].ID, 10)))
	}
	return page, nil
}

// Now is the service's clock (status on pages is computed with it).
func (s *Service) Now() time.Time { return s.now() }
