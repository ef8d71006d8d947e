package identity

import "context"

// FullNames maps each of usernames to the user's full name, in one query; a username
// without a user is left out (the caller shows the username instead). The history of a
// nomination records usernames; its page shows people by name.
func (s *Service) FullNames(ctx context.Context, usernames []string) (map[string]string, error) {
	out := map[string]string{}
	if len(usernames) == 0 {
		return out, nil
	}
	var rows []struct{ Username, FullName string }
	if err := s.st.DB(ctx).Table("users").Select("username, full_name").Where("username IN ?", usernames).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.FullName != "" {
			out[r.Username] = r.FullName
		}
	}
	return out, nil
}
