package campaign

import "context"

// YearSpan is the years a province's campaigns cover together: the first campaign's start
// year to the last campaign's end year. ok is false when the province has no campaign.
// The movement's reporting window is built on it (internal/movement); a province's own
// figures are public to everyone working in it, so no caller is needed.
func (s *Service) YearSpan(ctx context.Context, province string) (first, last int, ok bool, err error) {
	d := s.st.Dialect()
	var row struct {
		FirstYear *int
		LastYear  *int
	}
	err = s.system(ctx).Where("province_code = ?", province).
		Select("MIN(" + d.YearOf("starts_on") + ") AS first_year, MAX(" + d.YearOf("ends_on") + ") AS last_year").
		Scan(&row).Error
	if err != nil || row.FirstYear == nil || row.LastYear == nil {
		return 0, 0, false, err
	}
	return *row.FirstYear, *row.LastYear, true, nil
}
