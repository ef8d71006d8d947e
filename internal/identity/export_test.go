package identity

// SetBeforeCache places fn between reading a session and caching it (see beforeCache).
func SetBeforeCache(s *Service, fn func()) { s.beforeCache = fn }
