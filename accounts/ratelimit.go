package accounts

import (
	"fmt"
	"sync"
	"time"
)

// Limiter limits attempts per key (an IP address, an account) to max within
// any window of the given length. It is meant for login, password reset and
// TOTP attempts, to slow down online guessing; it lives in memory, so limits
// start afresh when the server restarts, which is acceptable for a single
// small server.
//
// The window slides: the limiter remembers the time of each allowed attempt
// (at most max of them per key) and forgets those older than the window. A
// fixed window would let 2×max attempts through around a window boundary.
//
// A Limiter is safe for concurrent use.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu        sync.Mutex
	attempts  map[string][]time.Time // oldest first, at most max entries
	lastSweep time.Time
	sweepAt   int // sweep when the map grows to this many keys
}

// minSweepSize is the map size below which the limiter does not sweep for
// size reasons; small maps are swept only once per window.
const minSweepSize = 1024

// NewLimiter returns a limiter allowing max attempts per key in any window of
// the given length. now is the clock (time.Now if nil), injectable so tests
// and the application's own clock can drive it. It panics if max < 1 or
// window <= 0, which would be a programming error.
func NewLimiter(max int, window time.Duration, now func() time.Time) *Limiter {
	if max < 1 || window <= 0 {
		panic(fmt.Sprintf("accounts: NewLimiter(%d, %v): need max >= 1 and window > 0", max, window))
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{
		max:       max,
		window:    window,
		now:       now,
		attempts:  make(map[string][]time.Time),
		lastSweep: now(),
		sweepAt:   minSweepSize,
	}
}

// Allow records an attempt for key and reports whether it is allowed. When it
// is not, retryAfter is how long until the oldest remembered attempt leaves
// the window and one more is allowed.
//
// Refused attempts are not counted: otherwise someone hammering an account
// would keep its owner locked out for as long as they kept going, instead of
// at most one window after they stop.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maybeSweep(now)

	times := l.live(l.attempts[key], now)
	if len(times) >= l.max {
		l.attempts[key] = times
		return false, times[0].Add(l.window).Sub(now)
	}
	l.attempts[key] = append(times, now)
	return true, 0
}

// Forgive takes back the latest attempt of key: an attempt that turned out
// to be legitimate (a right password) should not use up the allowance that
// many people behind one office address share.
func (l *Limiter) Forgive(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if times := l.attempts[key]; len(times) > 0 {
		l.attempts[key] = times[:len(times)-1]
	}
}

// Reset forgets the attempts of key. The login handler calls it after a
// successful login, so that a person who mistyped a few times does not carry
// the count into their next session.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.attempts, key)
}

// live drops the attempts that have left the window ending at now. It reuses
// the slice's backing array, so a busy key does not allocate on every call.
func (l *Limiter) live(times []time.Time, now time.Time) []time.Time {
	cutoff := now.Add(-l.window)
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	if i == 0 {
		return times
	}
	n := copy(times, times[i:])
	return times[:n]
}

// maybeSweep deletes the keys whose attempts have all left the window, so
// that memory is bounded by the number of keys active within one window
// rather than by every key ever seen. It runs once per window, and also when
// the map has doubled since the last sweep (so that a flood of distinct keys
// is cleaned up early, while the cost of sweeping stays proportional to the
// growth that caused it).
func (l *Limiter) maybeSweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window && len(l.attempts) < l.sweepAt {
		return
	}
	for key, times := range l.attempts {
		if times = l.live(times, now); len(times) == 0 {
			delete(l.attempts, key)
		} else {
			l.attempts[key] = times
		}
	}
	l.lastSweep = now
	l.sweepAt = max(minSweepSize, 2*len(l.attempts))
}

// keys returns the number of keys remembered, for tests.
func (l *Limiter) keys() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.attempts)
}

// MinutesText renders a wait for people: "1 minute" or "N minutes", rounded
// up so that someone told to wait 1 minute is not refused again after 59
// seconds. Waits under a minute, and zero, read as "1 minute".
func MinutesText(d time.Duration) string {
	m := (d + time.Minute - 1) / time.Minute
	if m <= 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
