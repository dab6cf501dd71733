package accounts_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"palisade/accounts"
)

// clock is a fake time source the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }
func (c *clock) limiter(max int, w time.Duration) *accounts.Limiter {
	return accounts.NewLimiter(max, w, c.now)
}

func TestLimiter(t *testing.T) {
	// Each step happens after the given delay since the previous one.
	type step struct {
		after     time.Duration
		key       string
		reset     bool
		wantOK    bool
		wantRetry time.Duration
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"allows max attempts, then refuses until the first leaves the window", []step{
			{0, "a", false, true, 0},
			{time.Minute, "a", false, true, 0},
			{time.Minute, "a", false, true, 0},
			{time.Minute, "a", false, false, 7 * time.Minute}, // first attempt at 0 leaves at 10m
			{6 * time.Minute, "a", false, false, time.Minute},
			{time.Minute, "a", false, true, 0},  // 10m: the first attempt has left
			{0, "a", false, false, time.Minute}, // the second leaves at 11m
		}},
		{"refused attempts are not counted", []step{
			{0, "a", false, true, 0},
			{0, "a", false, true, 0},
			{0, "a", false, true, 0},
			{time.Second, "a", false, false, 10*time.Minute - time.Second},
			{time.Second, "a", false, false, 10*time.Minute - 2*time.Second},
			{10 * time.Minute, "a", false, true, 0},
		}},
		{"the window slides: no burst of 2×max at a boundary", []step{
			{0, "a", false, true, 0},
			{9 * time.Minute, "a", false, true, 0},
			{0, "a", false, true, 0},
			{time.Minute + time.Second, "a", false, true, 0},    // 10m01: only the first has left
			{0, "a", false, false, 9*time.Minute - time.Second}, // the two at 9m leave at 19m
		}},
		{"keys are independent", []step{
			{0, "a", false, true, 0},
			{0, "a", false, true, 0},
			{0, "a", false, true, 0},
			{0, "a", false, false, 10 * time.Minute},
			{0, "b", false, true, 0},
		}},
		{"reset after a successful login starts afresh", []step{
			{0, "a", false, true, 0},
			{0, "a", false, true, 0},
			{0, "a", false, true, 0},
			{0, "a", true, false, 0},
			{0, "a", false, true, 0},
			{0, "a", false, true, 0},
			{0, "a", false, true, 0},
			{0, "a", false, false, 10 * time.Minute},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			l := c.limiter(3, 10*time.Minute)
			for i, s := range tt.steps {
				c.add(s.after)
				if s.reset {
					l.Reset(s.key)
					continue
				}
				ok, retry := l.Allow(s.key)
				if ok != s.wantOK || retry != s.wantRetry {
					t.Errorf("step %d: Allow(%q) = %v, %v; want %v, %v", i, s.key, ok, retry, s.wantOK, s.wantRetry)
				}
			}
		})
	}
}

func TestLimiterPrunesOldKeys(t *testing.T) {
	c := newClock()
	l := c.limiter(5, time.Minute)
	for i := range 5000 {
		l.Allow(fmt.Sprintf("ip-%d", i))
	}
	c.add(2 * time.Minute)
	l.Allow("fresh")
	if n := accounts.LimiterKeys(l); n != 1 {
		t.Errorf("after a window without attempts, %d keys are remembered; want 1", n)
	}

	// Keys are also swept when the map doubles, so a flood of distinct keys
	// does not wait for the next periodic sweep to clear the expired ones.
	c = newClock()
	l = c.limiter(5, time.Minute)
	c.add(30 * time.Second)
	for i := range 1000 {
		l.Allow(fmt.Sprintf("old-%d", i))
	}
	c.add(30 * time.Second)
	l.Allow("tick") // periodic sweep: the old keys are still live
	c.add(31 * time.Second)
	// The old keys have expired; the next periodic sweep is 29 s away.
	for i := range 2000 {
		l.Allow(fmt.Sprintf("new-%d", i))
	}
	if n := accounts.LimiterKeys(l); n > 2001 {
		t.Errorf("%d keys remembered; want the 1000 expired ones pruned", n)
	}
}

func TestLimiterConcurrentUse(t *testing.T) {
	l := accounts.NewLimiter(100, time.Hour, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				if ok, _ := l.Allow("shared"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
				l.Allow(fmt.Sprintf("own-%d-%d", g, i))
			}
		})
	}
	wg.Wait()
	if allowed != 100 {
		t.Errorf("%d of 400 concurrent attempts allowed; want exactly 100", allowed)
	}
}

func TestNewLimiterRefusesNonsense(t *testing.T) {
	for _, tt := range []struct {
		max    int
		window time.Duration
	}{{0, time.Minute}, {-1, time.Minute}, {5, 0}, {5, -time.Second}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewLimiter(%d, %v) did not panic", tt.max, tt.window)
				}
			}()
			accounts.NewLimiter(tt.max, tt.window, nil)
		}()
	}
}

func TestMinutesText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "1 minute"},
		{time.Second, "1 minute"},
		{time.Minute, "1 minute"},
		{time.Minute + time.Second, "2 minutes"},
		{2 * time.Minute, "2 minutes"},
		{14*time.Minute + 30*time.Second, "15 minutes"},
		{15 * time.Minute, "15 minutes"},
		{-time.Minute, "1 minute"},
	}
	for _, tt := range tests {
		if got := accounts.MinutesText(tt.d); got != tt.want {
			t.Errorf("MinutesText(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}

func TestForgiveTakesBackOneAttempt(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := accounts.NewLimiter(2, time.Minute, func() time.Time { return now })
	l.Allow("ip")
	l.Allow("ip")
	if ok, _ := l.Allow("ip"); ok {
		t.Fatal("third attempt allowed; want refused")
	}
	l.Forgive("ip")
	if ok, _ := l.Allow("ip"); !ok {
		t.Error("after Forgive the next attempt is refused; want allowed")
	}
	l.Forgive("unknown") // nothing to take back: no panic
}
