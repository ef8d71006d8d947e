package identity

import (
	"sync"
	"time"
)

// authCache remembers resolved sessions for a moment, so a burst of requests with one
// token costs one database round trip instead of two per request. Any change to
// sessions, accounts or grants made through this process invalidates it after its
// transaction commits; another replica sees a logout, a disabled account or changed
// grants within authCacheTTL.
//
// A reader that loaded the rows before such a commit must not store them after the
// invalidation: each invalidation bumps gen, and put keeps an entry only when gen is still
// the one the reader saw before it queried.
type authCache struct {
	mu      sync.RWMutex
	entries map[string]cachedAuth
	gen     uint64
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

// generation is read before loading a session from the database and handed to put.
func (c *authCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// put stores e unless the cache was invalidated since gen was read: the rows behind e may
// predate that change.
func (c *authCache) put(hash string, gen uint64, e cachedAuth) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) >= authCacheEntries {
		clear(c.entries) // rare; simpler and safer than an LRU for a 2-second cache
	}
	c.entries[hash] = e
}

// drop forgets one session and turns away loads already in flight, which may have read
// it before it ended.
func (c *authCache) drop(hash string) {
	c.mu.Lock()
	delete(c.entries, hash)
	c.gen++
	c.mu.Unlock()
}

// clear forgets every session and turns away loads already in flight.
func (c *authCache) clear() {
	c.mu.Lock()
	clear(c.entries)
	c.gen++
	c.mu.Unlock()
}
