package nomination

import "context"

// FreshDossierHash recomputes nomination id's dossier hash from its rows as they stand
// now (DossierHash over the current attachments), for tests that check the stored one.
func (s *Service) FreshDossierHash(ctx context.Context, id int64) (string, error) {
	var r row
	if err := s.st.DB(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return "", err
	}
	return s.dossierHash(ctx, &r)
}
