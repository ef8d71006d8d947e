package identity

import (
	"math"
	"sync"
	"time"
)

// Throttle limits failed sign-ins per key (a username, a client address) in a sliding
// window. An attempt is counted as a failure before the password is checked and forgiven
// on success, so a burst of concurrent guesses cannot slip past the limit.
type Throttle struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	hits   map[string][]time.Time
}

// NewThrottle allows limit failures per key within window.
func NewThrottle(limit int, window time.Duration) *Throttle {
	return &Throttle{limit: limit, window: window, hits: map[string][]time.Time{}}
}

// Reserve records a provisional failure for key at now. If the key is already at its
// limit nothing is recorded and the wait until a slot frees up is returned.
func (t *Throttle) Reserve(key string, now time.Time) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.prune(key, now)
	if len(h) >= t.limit {
		return h[len(h)-t.limit].Add(t.window).Sub(now), false
	}
	t.hits[key] = append(h, now)
	if len(t.hits) > 100_000 { // bound memory under a spray of random usernames
		t.sweep(now)
	}
	return 0, true
}

// Forgive removes the provisional failure recorded for key at stamp (the attempt succeeded).
func (t *Throttle) Forgive(key string, stamp time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.hits[key]
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Equal(stamp) {
			h = append(h[:i:i], h[i+1:]...)
			break
		}
	}
	if len(h) == 0 {
		delete(t.hits, key)
	} else {
		t.hits[key] = h
	}
}

func (t *Throttle) prune(k string, now time.Time) []time.Time {
	h := t.hits[k]
	i := 0
	for i < len(h) && now.Sub(h[i]) >= t.window {
		i++
	}
	if i > 0 {
		h = h[i:]
		if len(h) == 0 {
			delete(t.hits, k)
		} else {
			t.hits[k] = h
		}
	}
	return h
}

func (t *Throttle) sweep(now time.Time) {
	for k := range t.hits {
		t.prune(k, now)
	}
}

// retryAfterSeconds rounds a wait up to whole seconds for the Retry-After header.
func retryAfterSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }
