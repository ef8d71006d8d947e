package identity

import (
	"sync"
	"time"
)

// authCache remembers resolved sessions for a moment, so a burst of requests with one
// token costs one database round trip instead of two per request. Any change to
// sessions, accounts or grants made through this process clears it; another replica
// sees a logout or a disabled account within authCacheTTL.
type authCache struct {
	mu      sync.RWMutex
	entries map[string]cachedAuth
}

type cachedAuth struct {
	auth      Authenticated
	until     time.Time // the cache entry's own end
	expiresAt time.Time // the session's absolute expiry
	touched   time.Time // when the session's idle clock was last written
}

const (
	authCacheTTL     = 2 * time.Second
	authCacheEntries = 50_000
)

func newAuthCache() *authCache { return &authCache{entries: map[string]cachedAuth{}} }

func (c *authCache) get(hash string, now time.Time) (Authenticated, bool) {
	c.mu.RLock()
	e, ok := c.entries[hash]
	c.mu.RUnlock()
	// The idle clock is refreshed at most once a minute; past that, go to the database.
	if !ok || now.After(e.until) || now.After(e.expiresAt) || now.Sub(e.touched) > time.Minute {
		return Authenticated{}, false
	}
	return e.auth, true
}

func (c *authCache) put(hash string, e cachedAuth) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= authCacheEntries {
		clear(c.entries) // rare; simpler and safer than an LRU for a 2-second cache
	}
	c.entries[hash] = e
}

func (c *authCache) drop(hash string) {
	c.mu.Lock()
	delete(c.entries, hash)
	c.mu.Unlock()
}

func (c *authCache) clear() {
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}
