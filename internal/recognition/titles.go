package recognition

import (
	"context"
	"fmt"
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
)

// TitleCount is how many communes hold a title at the end of a year (Held) and how many of
// those were decided in that year (New).
type TitleCount struct{ Held, New int }

// CommuneTitles counts the commune titles (criteria.CommuneTitles) under the subtree at
// root ("" = every province) at the end of year: recognitions not revoked, decided on or
// before 31 December of the year (SPEC §11: a title has no expiry; a revoked one no longer
// counts). The counts are grouped by the first keyLen characters of the recognition's unit
// path, which is the path of the child unit it lies in when every child's path has that
// length ("/20/183" for keyLen 7); keyLen 0 gives one group keyed "". One GROUP BY query:
// the movement's aggregate (internal/movement) reads the figures, not the rows, and checks
// its caller's scope on the unit itself, so this reader needs no caller.
func (s *Service) CommuneTitles(ctx context.Context, root string, keyLen, year int) (map[string]map[criteria.Type]TitleCount, error) {
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	next := time.Date(year+1, time.January, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	key := "''"
	if keyLen > 0 {
		key = fmt.Sprintf("substr(unit_path, 1, %d)", keyLen)
	}
	q := s.titleFigures(ctx).
		Select(key+" AS k, type AS t, COUNT(*) AS held, SUM(CASE WHEN decision_date >= ? THEN 1 ELSE 0 END) AS fresh", start).
		Where("type IN ? AND revoked_at IS NULL AND decision_date < ?", criteria.CommuneTitles, next)
	if root != "" {
		where, args := authz.Scope{root}.SQL("unit_path")
		q = q.Where(where, args...)
	}
	var rows []struct {
		K     string
		T     string
		Held  int
		Fresh int
	}
	group := "type" // PostgreSQL refuses a constant in GROUP BY
	if keyLen > 0 {
		group = key + ", type"
	}
	if err := q.Group(group).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]map[criteria.Type]TitleCount{}
	for _, r := range rows {
		if out[r.K] == nil {
			out[r.K] = map[criteria.Type]TitleCount{}
		}
		out[r.K][criteria.Type(r.T)] = TitleCount{Held: r.Held, New: r.Fresh}
	}
	return out, nil
}
