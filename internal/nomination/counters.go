package nomination

import (
	"context"
	"sort"
)

// countDelta is one change to the progress counters.
type countDelta struct {
	status Status
	delta  int
}

// bumpCounts applies status count changes for a nomination of a campaign in the caller's
// transaction. Rows are touched in status order, so two transactions moving nominations
// of one commune in opposite directions lock the rows in the same order and never
// deadlock.
func (s *Service) bumpCounts(ctx context.Context, r *row, deltas ...countDelta) error {
	if r.CampaignID == nil {
		return nil
	}
	sort.Slice(deltas, func(i, j int) bool { return deltas[i].status < deltas[j].status })
	for _, d := range deltas {
		err := s.st.DB(ctx).Exec(`INSERT INTO nomination_counts (campaign_id, district_code, commune_code, type, status, n)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (campaign_id, commune_code, type, status) DO UPDATE SET n = nomination_counts.n + excluded.n`,
			*r.CampaignID, r.DistrictCode, r.CommuneCode, r.Type, d.status, d.delta).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// bumpRecognized counts a recognition decided in year (delta -1 when it is revoked).
func (s *Service) bumpRecognized(ctx context.Context, r *row, year, delta int) error {
	if r.CampaignID == nil {
		return nil
	}
	return s.st.DB(ctx).Exec(`INSERT INTO recognition_counts (campaign_id, district_code, commune_code, type, year, n)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (campaign_id, commune_code, type, year) DO UPDATE SET n = recognition_counts.n + excluded.n`,
		*r.CampaignID, r.DistrictCode, r.CommuneCode, r.Type, year, delta).Error
}
