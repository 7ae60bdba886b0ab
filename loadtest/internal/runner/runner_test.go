package runner_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/failures"
	"litellm-aws/loadtest/internal/runner"
	"litellm-aws/loadtest/internal/stub"
)

// serve starts h on a loopback listener for the test's lifetime.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func run(t *testing.T, cfg runner.Config) *runner.Result {
	t.Helper()
	res, err := runner.Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// runUntil runs cfg until n requests have completed, then interrupts it; cfg.Duration is the deadline
// for that, and the test fails if it passes first. A test that asserts how requests end thus waits for
// them however slow the machine is, rather than counting what fits in a fixed window.
func runUntil(t *testing.T, cfg runner.Config, n int64) *runner.Result {
	t.Helper()
	return runUntilSeen(t, cfg, fmt.Sprintf("%d requests completed", n), func(s runner.Snapshot) bool { return s.Requests >= n })
}

// runUntilSeen runs cfg until done reports true of a progress snapshot (what describes that in the
// failure), then interrupts it; cfg.Duration is the deadline. cfg.Progress, when set, still sees every
// snapshot; cfg.ProgressInterval defaults to 10 ms, so the run ends soon after the outcome.
func runUntilSeen(t *testing.T, cfg runner.Config, what string, done func(runner.Snapshot) bool) *runner.Result {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if cfg.ProgressInterval == 0 {
		cfg.ProgressInterval = 10 * time.Millisecond
	}
	var seen atomic.Bool
	progress := cfg.Progress
	cfg.Progress = func(s runner.Snapshot) {
		if progress != nil {
			progress(s)
		}
		if done(s) {
			seen.Store(true)
			cancel()
		}
	}
	res, err := runner.Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !seen.Load() {
		t.Fatalf("not %s within %s: %d requests, %d users started", what, cfg.Duration, res.Requests, res.UsersSpawned)
	}
	return res
}

func within(t *testing.T, what string, got, lo, hi time.Duration) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %s, want %s to %s", what, got, lo, hi)
	}
}

// TestPercentilesMatchStub checks the report's figures against a stub whose latency and overhead
// distributions are known exactly: by arrival, 40% of requests take 20 ms, 50% 50 ms, 8% 120 ms and 2%
// 250 ms (a mean of 47.6 ms), and report 1, 2, 3 and 5 ms of overhead.
//
// The overhead header is recorded as sent, so its percentiles must match to HDR precision (0.1%): that
// checks that percentiles are read from the right step. Latency is measured by the client: the stub's
// sleep plus loopback HTTP and scheduling, which a busy machine stretches without bound. So it is
// checked from below (a percentile is at least the stub's step, the mean at least the mix's) and
// against the run itself (the percentiles in order and within the slowest response, which lasted no
// longer than the run, and the users' latencies adding up to no more than their time in the run).
//
// The run lasts until 600 requests have completed: six blocks of 100 follow the mix, and neither the
// partial block at the end nor the requests cut off in flight (at most one per user) can move a
// percentile to another step.
func TestPercentilesMatchStub(t *testing.T) {
	const ms = time.Millisecond
	const users, requests = 10, 600
	url := serve(t, stub.New(stub.Options{Mix: []stub.Step{
		{Percent: 40, Latency: 20 * ms, Overhead: 1 * ms},
		{Percent: 50, Latency: 50 * ms, Overhead: 2 * ms},
		{Percent: 8, Latency: 120 * ms, Overhead: 3 * ms},
		{Percent: 2, Latency: 250 * ms, Overhead: 5 * ms},
	}}))
	began := time.Now()
	res := runUntil(t, runner.Config{URL: url, Key: "sk-test", Users: users, SpawnRate: 1000, Duration: time.Minute}, requests)
	wall := time.Since(began)

	if res.FailureCount() != 0 {
		t.Fatalf("failures %v (%v), want none", res.Failures, res.FailureSamples)
	}
	// HDR buckets at three significant digits may read up to 0.5 ms under a step.
	const under = 500 * time.Microsecond
	p50, p95, p99 := runner.Quantile(res.Latency, 50), runner.Quantile(res.Latency, 95), runner.Quantile(res.Latency, 99)
	for _, c := range []struct {
		name      string
		got, step time.Duration
	}{{"p50", p50, 50 * ms}, {"p95", p95, 120 * ms}, {"p99", p99, 250 * ms}, {"max", res.LatencyMax, 250 * ms}} {
		if c.got < c.step-under {
			t.Errorf("latency %s = %s, want at least the stub's %s", c.name, c.got, c.step)
		}
	}
	if !(p50 <= p95 && p95 <= p99 && p99 <= res.LatencyMax+res.LatencyMax/1000 && res.LatencyMax <= wall) {
		t.Errorf("latency p50 %s, p95 %s, p99 %s, max %s: want them in that order, and the max within the run's %s", p50, p95, p99, res.LatencyMax, wall)
	}
	// The completed requests' sleeps add up to at least the mix's mean for each, less the short end of a
	// partial block (its 20 ms requests come first: at most 1.2 s under) and the requests in flight.
	mean := res.MeanLatency()
	if least := 47600*time.Microsecond - (1200*ms+users*250*ms)/time.Duration(res.Requests); mean < least {
		t.Errorf("mean latency %s, want at least %s after %d requests", mean, least, res.Requests)
	}
	// The mean is exact; the histogram's agrees with it to its precision.
	if hdr := time.Duration(res.Latency.Mean() * float64(time.Microsecond)); hdr < mean-mean/1000-time.Microsecond || hdr > mean+mean/1000+time.Microsecond {
		t.Errorf("mean latency %s, the histogram's %s: want them equal to 0.1%%", mean, hdr)
	}
	// Each user sends one request at a time, so its latencies fit in its time in the run.
	if limit := time.Duration(users) * wall; res.LatencySum > limit {
		t.Errorf("latencies add up to %s, more than %d users x the run's %s", res.LatencySum, users, wall)
	}
	for _, c := range []struct {
		name string
		p    float64
		want time.Duration
	}{{"p50", 50, 2 * ms}, {"p95", 95, 3 * ms}, {"p99", 99, 5 * ms}} {
		within(t, "overhead "+c.name, runner.Quantile(res.Overhead, c.p), c.want-c.want/1000, c.want+c.want/1000)
	}
	if res.NoOverhead != 0 || res.Overhead.TotalCount() != res.Successes {
		t.Errorf("overhead recorded for %d of %d responses (%d without)", res.Overhead.TotalCount(), res.Successes, res.NoOverhead)
	}
}

// refusedURL is a loopback address where nothing listens any more.
func refusedURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// hangUpURL accepts connections and closes them without answering.
func hangUpURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_, _ = c.Read(make([]byte, 4096))
				c.Close()
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestFailuresCountedByCause(t *testing.T) {
	tests := []struct {
		name    string
		url     func(t *testing.T) string
		key     string
		timeout time.Duration
		want    failures.Cause
		sample  string
	}{
		{"wrong key", func(t *testing.T) string { return serve(t, stub.New(stub.Options{Key: "sk-right"})) }, "sk-wrong", 0, "http 401", "Authentication Error"},
		{"server error", func(t *testing.T) string { return serve(t, stub.New(stub.Options{Status: 500})) }, "k", 0, "http 500", "500 Internal Server Error"},
		{"not ready", func(t *testing.T) string { return serve(t, stub.New(stub.Options{Status: 503})) }, "k", 0, "http 503", "503 Service Unavailable"},
		{"timeout", func(t *testing.T) string {
			return serve(t, stub.New(stub.Options{Mix: stub.Fixed(400*time.Millisecond, 0)}))
		}, "k", 50 * time.Millisecond, failures.Timeout, "timeout"},
		{"connection refused", refusedURL, "k", 0, failures.ConnectionRefused, "refused"},
		{"connection closed", hangUpURL, "k", 0, failures.ConnectionReset, "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runUntil(t, runner.Config{URL: tt.url(t), Key: tt.key, Users: 2, SpawnRate: 100, Duration: time.Minute,
				WaitMin: 10 * time.Millisecond, WaitMax: 10 * time.Millisecond, Timeout: tt.timeout}, 4)
			if res.Successes != 0 || res.Failures[tt.want] != res.Requests || len(res.Failures) != 1 {
				t.Fatalf("requests %d, successes %d, failures %v: want every request failed as %q", res.Requests, res.Successes, res.Failures, tt.want)
			}
			if s := res.FailureSamples[tt.want]; !strings.Contains(s, tt.sample) {
				t.Errorf("sample for %q = %q, want it to mention %q", tt.want, s, tt.sample)
			}
			if res.Latency.TotalCount() != 0 {
				t.Errorf("failed requests recorded %d latencies, want none", res.Latency.TotalCount())
			}
		})
	}
}

func TestMixedOutcomesCountedApart(t *testing.T) {
	var mu sync.Mutex
	n := 0
	ok := stub.New(stub.Options{})
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		fail := n%4 == 0
		mu.Unlock()
		if fail {
			_, _ = io.Copy(io.Discard, r.Body)
			http.Error(w, "busy", http.StatusTooManyRequests)
			return
		}
		ok.ServeHTTP(w, r)
	}))
	res := runUntil(t, runner.Config{URL: url, Key: "k", Users: 4, SpawnRate: 100, Duration: time.Minute,
		WaitMin: 5 * time.Millisecond, WaitMax: 5 * time.Millisecond}, 200)
	failed := res.Failures["http 429"]
	if failed+res.Successes != res.Requests {
		t.Fatalf("requests %d = successes %d + 429s %d? failures %v", res.Requests, res.Successes, failed, res.Failures)
	}
	// Exactly every fourth request fails at the server; the client misses at most one per user, cut off
	// by the end: of 200, 45 to 51 failed.
	if share := float64(failed) / float64(res.Requests); share < 0.2 || share > 0.3 {
		t.Errorf("429 share %.2f, want about 0.25", share)
	}
}

// TestRampUpFollowsSpawnRate checks that user i starts at i/rate. A busy machine only makes a start
// later, so each start is checked from below (never early), and the run lasts until every user has
// started, however late.
func TestRampUpFollowsSpawnRate(t *testing.T) {
	tests := []struct {
		name  string
		users int
		rate  float64
	}{
		{"20 per second", 8, 20},
		{"100 per second", 20, 100},
	}
	url := serve(t, stub.New(stub.Options{}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runUntilSeen(t, runner.Config{URL: url, Key: "k", Users: tt.users, SpawnRate: tt.rate, Duration: time.Minute,
				WaitMin: 50 * time.Millisecond, WaitMax: 50 * time.Millisecond},
				fmt.Sprintf("all %d users started", tt.users), func(s runner.Snapshot) bool { return s.Users == tt.users })
			if res.UsersSpawned != tt.users || len(res.UserStarts) != tt.users || !res.RampedUp {
				t.Fatalf("spawned %d users (%d start times, RampedUp %v), want %d", res.UsersSpawned, len(res.UserStarts), res.RampedUp, tt.users)
			}
			interval := time.Duration(float64(time.Second) / tt.rate)
			for i, at := range res.UserStarts {
				if due := time.Duration(i) * interval; at < due {
					t.Errorf("user %d started at %s, before its %s", i, at, due)
				}
				if i > 0 && at < res.UserStarts[i-1] {
					t.Errorf("user %d started at %s, before user %d at %s", i, at, i-1, res.UserStarts[i-1])
				}
			}
			if last := res.UserStarts[tt.users-1]; res.RampUp < last {
				t.Errorf("ramp-up %s, before the last user's start at %s", res.RampUp, last)
			}
		})
	}
}

// TestDurationEndsRampUp: a run shorter than its ramp-up starts the users due before its end and stops
// there, without waiting for the next one's start. One user every 20 s in a 1 s run: one user, and a
// run that returns long before the second is due.
func TestDurationEndsRampUp(t *testing.T) {
	const next = 20 * time.Second
	url := serve(t, stub.New(stub.Options{}))
	began := time.Now()
	res := run(t, runner.Config{URL: url, Key: "k", Users: 3, SpawnRate: 1 / next.Seconds(), Duration: time.Second,
		WaitMin: 50 * time.Millisecond, WaitMax: 50 * time.Millisecond})
	if wall := time.Since(began); wall >= next {
		t.Errorf("Run returned after %s, when the second user was due: the spawner waited past the end", wall)
	}
	if res.UsersSpawned != 1 || len(res.UserStarts) != 1 || res.RampedUp {
		t.Errorf("spawned %d users (start times %v), RampedUp %v: want 1 and false", res.UsersSpawned, res.UserStarts, res.RampedUp)
	}
}

// TestStopsAtDuration: Run returns at the end of its duration, never before, and does not wait for the
// answers still outstanding: the slow stub answers only after a minute.
func TestStopsAtDuration(t *testing.T) {
	const duration = 300 * time.Millisecond
	tests := []struct {
		name    string
		latency time.Duration
	}{
		{"fast answers", 0},
		// Requests still waiting at the end are cut off, not waited for and not counted as failures.
		{"answers slower than the run", time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := serve(t, stub.New(stub.Options{Mix: stub.Fixed(tt.latency, 0)}))
			began := time.Now()
			res := run(t, runner.Config{URL: url, Key: "k", Users: 5, SpawnRate: 100, Duration: duration,
				WaitMin: 10 * time.Millisecond, WaitMax: 20 * time.Millisecond, Timeout: 2 * time.Minute})
			if wall := time.Since(began); wall < duration || wall >= time.Minute {
				t.Errorf("Run returned after %s, want at least its %s and well within the stub's minute", wall, duration)
			}
			if res.Elapsed != duration || res.Interrupted {
				t.Errorf("Elapsed %s, Interrupted %v: want %s, the duration, and false", res.Elapsed, res.Interrupted, duration)
			}
			if res.FailureCount() != 0 {
				t.Errorf("failures %v, want none: cut-off requests are not failures", res.Failures)
			}
			if tt.latency > 0 && res.Requests != 0 {
				t.Errorf("%d requests completed, want 0 against a stub slower than the run", res.Requests)
			}
		})
	}
}

// TestInterruptEndsRunEarly: when the caller's context ends (here once a few requests have completed),
// Run returns then, long before its minute, and says it was interrupted.
func TestInterruptEndsRunEarly(t *testing.T) {
	url := serve(t, stub.New(stub.Options{}))
	began := time.Now()
	res := runUntil(t, runner.Config{URL: url, Key: "k", Users: 3, Duration: time.Minute, WaitMin: 10 * time.Millisecond, WaitMax: 10 * time.Millisecond}, 3)
	if wall := time.Since(began); wall >= time.Minute || res.Elapsed >= time.Minute || res.Elapsed > wall {
		t.Errorf("Run returned after %s with Elapsed %s, want both before the run's minute", wall, res.Elapsed)
	}
	if !res.Interrupted {
		t.Errorf("Interrupted = false after %d requests, want true", res.Requests)
	}
}

func TestRequestIsTheSeeds(t *testing.T) {
	type seen struct {
		at                              time.Time
		method, path, auth, contentType string
		body                            map[string]any
	}
	var mu sync.Mutex
	var got []seen
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		got = append(got, seen{time.Now(), r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	const wait = 30 * time.Millisecond
	runUntil(t, runner.Config{URL: url + "/proxy/", Key: "sk-seed", Model: "my-model", Users: 1, Duration: time.Minute,
		WaitMin: wait, WaitMax: wait}, 4)
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 4 {
		t.Fatalf("%d requests reached the server, want the 4 that completed", len(got))
	}
	want := `{"messages":[{"content":"test","role":"user"}],"model":"my-model"}`
	for _, s := range got {
		b, _ := json.Marshal(s.body)
		if s.method != "POST" || s.path != "/proxy/v1/chat/completions" || s.auth != "Bearer sk-seed" ||
			s.contentType != "application/json" || string(b) != want {
			t.Errorf("request %s %s auth %q type %q body %s; want POST /proxy/v1/chat/completions, Bearer sk-seed, application/json, %s",
				s.method, s.path, s.auth, s.contentType, b, want)
		}
	}
	// The wait is applied between requests: the one user sends the next request at least 30 ms after
	// the server answered the last, and the server saw the last before it answered.
	for i := 1; i < len(got); i++ {
		if gap := got[i].at.Sub(got[i-1].at); gap < wait {
			t.Errorf("request %d came %s after the one before, want at least the %s wait", i, gap, wait)
		}
	}
}

func TestHTTPS(t *testing.T) {
	srv := httptest.NewUnstartedServer(stub.New(stub.Options{Mix: stub.Fixed(0, time.Millisecond)}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshakes are the point of one case
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	tests := []struct {
		name string
		tls  *tls.Config
		want failures.Cause // empty: every request succeeds
	}{
		{"trusted certificate", &tls.Config{RootCAs: roots}, ""},
		{"unknown authority", nil, failures.TLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The first handshake of the unknown-authority case loads the system's CA roots; a busy machine
			// can take longer than any fixed window for that, so the run lasts until requests have ended.
			res := runUntil(t, runner.Config{URL: srv.URL, Key: "k", Users: 2, Duration: time.Minute,
				WaitMin: 20 * time.Millisecond, WaitMax: 20 * time.Millisecond, TLS: tt.tls}, 6)
			switch {
			case tt.want == "" && (res.FailureCount() != 0 || res.Overhead.TotalCount() != res.Successes):
				t.Errorf("failures %v, %d overheads for %d successes", res.FailureSamples, res.Overhead.TotalCount(), res.Successes)
			case tt.want != "" && res.Failures[tt.want] != res.Requests:
				t.Errorf("failures %v (%v), want every request failed as %q", res.Failures, res.FailureSamples, tt.want)
			}
		})
	}
}

// TestResponseFraming covers answers other servers give: a chunked body (a streaming framework) and
// Connection: close (a server without keep-alive), each of which must be read whole and not counted as
// a failure.
func TestResponseFraming(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"chunked", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set(runner.OverheadHeader, "1.5")
			w.Write([]byte(`{"choices":[`))
			w.(http.Flusher).Flush()
			w.Write([]byte(`{"message":{"content":"hi"}}]}`))
		}},
		{"connection close", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Connection", "close")
			w.Header().Set(runner.OverheadHeader, "1.5")
			w.Write([]byte(`{"choices":[]}`))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runUntil(t, runner.Config{URL: serve(t, tt.handler), Key: "k", Users: 2, Duration: time.Minute,
				WaitMin: 5 * time.Millisecond, WaitMax: 5 * time.Millisecond}, 10)
			if res.FailureCount() != 0 || res.Overhead.TotalCount() != res.Successes {
				t.Errorf("requests %d, failures %v, %d overheads for %d successes", res.Requests, res.FailureSamples, res.Overhead.TotalCount(), res.Successes)
			}
		})
	}
}

func TestClosedIdleConnectionIsRedialled(t *testing.T) {
	srv := httptest.NewUnstartedServer(stub.New(stub.Options{}))
	// The server drops idle connections after 20 ms; the user waits 60 ms between requests, so each
	// request after the first finds its connection closed, as behind a short keep-alive timeout.
	srv.Config.IdleTimeout = 20 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	res := runUntil(t, runner.Config{URL: srv.URL, Key: "k", Users: 2, Duration: time.Minute,
		WaitMin: 60 * time.Millisecond, WaitMax: 60 * time.Millisecond}, 6)
	if res.FailureCount() != 0 {
		t.Errorf("requests %d, failures %v (%v): want none failed", res.Requests, res.Failures, res.FailureSamples)
	}
}

// TestProgressAndTimeline: progress is reported every ProgressInterval with the running users and the
// traffic, and the timeline is those same points (plus the final harvest) tiling the run. One run lasts
// until progress has shown all users and their traffic; another runs to the end of a short duration,
// after which no progress and no point may come. A busy machine delivers fewer ticks, never more.
func TestProgressAndTimeline(t *testing.T) {
	const users, interval = 4, 100 * time.Millisecond
	url := serve(t, stub.New(stub.Options{}))
	var mu sync.Mutex
	var snaps []runner.Snapshot
	record := func(s runner.Snapshot) {
		mu.Lock()
		snaps = append(snaps, s)
		mu.Unlock()
	}
	cfg := runner.Config{URL: url, Key: "k", Users: users, SpawnRate: 100, WaitMin: 10 * time.Millisecond, WaitMax: 10 * time.Millisecond,
		ProgressInterval: interval, Progress: record}

	t.Run("until traffic", func(t *testing.T) {
		snaps = nil
		cfg := cfg
		cfg.Duration = time.Minute
		full := 0 // progress calls since every user ran
		res := runUntilSeen(t, cfg, "two progress calls with every user running, one with traffic", func(s runner.Snapshot) bool {
			if s.Users == users {
				full++
			}
			return full >= 2 && s.IntervalRPS > 0 && s.IntervalP50 > 0
		})
		mu.Lock()
		defer mu.Unlock()
		for i, s := range snaps {
			if s.Users > users || s.Elapsed >= cfg.Duration || (i > 0 && (s.Requests < snaps[i-1].Requests || s.Users < snaps[i-1].Users)) {
				t.Errorf("progress %d: %+v, want at most %d users, inside the run, users and requests never going down", i, s, users)
			}
		}
		checkTimeline(t, res, snaps)
	})

	t.Run("to the end", func(t *testing.T) {
		snaps = nil
		cfg := cfg
		cfg.Duration = 550 * time.Millisecond
		res := run(t, cfg)
		mu.Lock()
		defer mu.Unlock()
		// Ticks fall at 100 to 500 ms; none is reported at or after the end.
		if len(snaps) > 5 {
			t.Errorf("%d progress calls in 550 ms at 100 ms, want at most 5", len(snaps))
		}
		for i, s := range snaps {
			if s.Users > users || s.Elapsed >= cfg.Duration {
				t.Errorf("progress %d: %+v, want at most %d users, inside the run", i, s, users)
			}
		}
		checkTimeline(t, res, snaps)
		if n := len(res.Timeline); n > 0 && res.Timeline[n-1].Elapsed > cfg.Duration {
			t.Errorf("the timeline ends at %s, after the run's %s", res.Timeline[n-1].Elapsed, cfg.Duration)
		}
	})
}

// checkTimeline checks that res.Timeline is the progress calls snaps, then at most the final harvest,
// and that its points tile the run and add up to its requests.
func checkTimeline(t *testing.T, res *runner.Result, snaps []runner.Snapshot) {
	t.Helper()
	tl := res.Timeline
	if len(tl) < len(snaps) || len(tl) > len(snaps)+1 || !reflect.DeepEqual(tl[:len(snaps)], snaps) {
		t.Errorf("timeline %+v, want the %d progress calls %+v and at most the final point", tl, len(snaps), snaps)
	}
	var sum int64
	var end time.Duration
	for i, s := range tl {
		sum += s.IntervalRequests
		// Each point starts where the one before ended.
		if s.Elapsed-s.IntervalSpan != end || s.IntervalSpan <= 0 {
			t.Errorf("timeline point %d covers %s to %s, want it to start at %s", i, s.Elapsed-s.IntervalSpan, s.Elapsed, end)
		}
		end = s.Elapsed
	}
	if end > res.Elapsed {
		t.Errorf("the timeline ends at %s, after the run's %s", end, res.Elapsed)
	}
	if sum != res.Requests {
		t.Errorf("timeline adds up to %d requests, the result says %d", sum, res.Requests)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  runner.Config
		want []string
	}{
		{"defaults are fine", runner.Config{URL: "http://127.0.0.1:4000"}, nil},
		{"bad URL", runner.Config{URL: "127.0.0.1:4000"}, []string{`URL "127.0.0.1:4000"`}},
		{"line break in the key", runner.Config{URL: "http://h", Key: "sk-1\r\nX-Evil: 1"}, []string{"Key contains a line break"}},
		{"every problem at once", runner.Config{URL: "ftp://x", Users: -1, SpawnRate: -1, Duration: -1, WaitMin: 2, WaitMax: 1, Timeout: -1},
			[]string{"URL", "Users -1", "SpawnRate -1", "Duration -1ns", "wait 2ns-1ns", "Timeout -1ns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != (tt.want == nil) {
				t.Fatalf("Validate() = %v, want problems %v", err, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestOverheadHeaderNameMatchesStub(t *testing.T) {
	if runner.OverheadHeader != stub.OverheadHeader {
		t.Errorf("runner reads %q, stub writes %q", runner.OverheadHeader, stub.OverheadHeader)
	}
}
