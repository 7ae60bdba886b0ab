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
	"strings"
	"sync"
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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.ProgressInterval = 10 * time.Millisecond
	cfg.Progress = func(s runner.Snapshot) {
		if s.Requests >= n {
			cancel()
		}
	}
	res, err := runner.Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Requests < n {
		t.Fatalf("%d requests completed within %s, want %d", res.Requests, cfg.Duration, n)
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
// distributions are known exactly: 40% of requests take 20 ms, 50% 50 ms, 8% 120 ms, 2% 250 ms, so
// p50 is 50 ms, p95 120 ms, p99 250 ms and the mean 47.6 ms.
//
// Tolerance: latency is measured by the client, so it is the stub's sleep plus loopback HTTP and
// scheduling; it may read up to 0.5 ms under (HDR buckets at three significant digits) and up to 35 ms
// over (a two-core machine running other packages' tests at the same time). The steps are further
// apart than that, so a percentile read from the wrong step still fails. The mean may also sit up to
// 3 ms under: the end of the run cuts off the requests in flight, and those are more often slow ones.
// The overhead header is recorded as sent, so its percentiles must match to HDR precision (0.1%).
func TestPercentilesMatchStub(t *testing.T) {
	const ms = time.Millisecond
	url := serve(t, stub.New(stub.Options{Mix: []stub.Step{
		{Percent: 40, Latency: 20 * ms, Overhead: 1 * ms},
		{Percent: 50, Latency: 50 * ms, Overhead: 2 * ms},
		{Percent: 8, Latency: 120 * ms, Overhead: 3 * ms},
		{Percent: 2, Latency: 250 * ms, Overhead: 5 * ms},
	}}))
	res := run(t, runner.Config{URL: url, Key: "sk-test", Users: 10, SpawnRate: 1000, Duration: 2 * time.Second})

	if res.Requests < 200 || res.FailureCount() != 0 {
		t.Fatalf("requests %d, failures %v: want at least 200 and none failed", res.Requests, res.Failures)
	}
	const under, over = 500 * time.Microsecond, 35 * ms
	for _, c := range []struct {
		name  string
		got   time.Duration
		want  time.Duration
		under time.Duration
	}{
		{"p50", runner.Quantile(res.Latency, 50), 50 * ms, under},
		{"p95", runner.Quantile(res.Latency, 95), 120 * ms, under},
		{"p99", runner.Quantile(res.Latency, 99), 250 * ms, under},
		{"mean", res.MeanLatency(), 47600 * time.Microsecond, 3 * ms},
	} {
		within(t, "latency "+c.name, c.got, c.want-c.under, c.want+over)
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
	if res.LatencyMax < 250*ms {
		t.Errorf("max latency %s, want at least the stub's 250ms", res.LatencyMax)
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
	res := run(t, runner.Config{URL: url, Key: "k", Users: 4, SpawnRate: 100, Duration: 500 * time.Millisecond,
		WaitMin: 5 * time.Millisecond, WaitMax: 5 * time.Millisecond})
	failed := res.Failures["http 429"]
	if res.Requests < 40 || failed+res.Successes != res.Requests {
		t.Fatalf("requests %d = successes %d + 429s %d? failures %v", res.Requests, res.Successes, failed, res.Failures)
	}
	// Exactly every fourth request fails at the server; the client may miss a few cut off by the end.
	if share := float64(failed) / float64(res.Requests); share < 0.2 || share > 0.3 {
		t.Errorf("429 share %.2f, want about 0.25", share)
	}
}

// TestRampUpFollowsSpawnRate checks that user i starts at i/rate: never early, and at most 100 ms late
// (the spawner sleeps until each start time, so a late wake-up on a busy machine is not carried over
// to the next user).
func TestRampUpFollowsSpawnRate(t *testing.T) {
	const late = 100 * time.Millisecond
	tests := []struct {
		name     string
		users    int
		rate     float64
		duration time.Duration
		spawned  int
	}{
		{"20 per second", 8, 20, time.Second, 8},
		{"100 per second", 20, 100, 500 * time.Millisecond, 20},
		{"duration ends the ramp-up", 20, 5, 500 * time.Millisecond, 3}, // at 0, 200 and 400 ms
	}
	url := serve(t, stub.New(stub.Options{}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, runner.Config{URL: url, Key: "k", Users: tt.users, SpawnRate: tt.rate, Duration: tt.duration,
				WaitMin: 50 * time.Millisecond, WaitMax: 50 * time.Millisecond})
			if res.UsersSpawned != tt.spawned || len(res.UserStarts) != tt.spawned {
				t.Fatalf("spawned %d users (%d start times), want %d", res.UsersSpawned, len(res.UserStarts), tt.spawned)
			}
			interval := time.Duration(float64(time.Second) / tt.rate)
			for i, at := range res.UserStarts {
				due := time.Duration(i) * interval
				within(t, fmt.Sprintf("start of user %d", i), at, due, due+late)
			}
			if wantRamped := tt.spawned == tt.users; res.RampedUp != wantRamped {
				t.Errorf("RampedUp = %v, want %v", res.RampedUp, wantRamped)
			}
			if res.RampedUp {
				last := time.Duration(tt.users-1) * interval
				within(t, "ramp-up", res.RampUp, last, last+late)
			}
		})
	}
}

func TestStopsAtDuration(t *testing.T) {
	tests := []struct {
		name    string
		latency time.Duration
	}{
		{"fast answers", 0},
		// Requests still waiting at the end are cut off, not waited for and not counted as failures.
		{"answers slower than the run", 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := serve(t, stub.New(stub.Options{Mix: stub.Fixed(tt.latency, 0)}))
			began := time.Now()
			res := run(t, runner.Config{URL: url, Key: "k", Users: 5, SpawnRate: 100, Duration: 300 * time.Millisecond,
				WaitMin: 10 * time.Millisecond, WaitMax: 20 * time.Millisecond, Timeout: 10 * time.Second})
			within(t, "Run's wall time", time.Since(began), 300*time.Millisecond, 600*time.Millisecond)
			within(t, "Elapsed", res.Elapsed, 300*time.Millisecond, 350*time.Millisecond)
			if res.FailureCount() != 0 {
				t.Errorf("failures %v, want none: cut-off requests are not failures", res.Failures)
			}
			if tt.latency > 0 && res.Requests != 0 {
				t.Errorf("%d requests completed, want 0 against a stub slower than the run", res.Requests)
			}
		})
	}
}

func TestInterruptEndsRunEarly(t *testing.T) {
	url := serve(t, stub.New(stub.Options{}))
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	res, err := runner.Run(ctx, runner.Config{URL: url, Key: "k", Users: 3, Duration: time.Minute, WaitMin: 10 * time.Millisecond, WaitMax: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	within(t, "wall time", time.Since(began), 200*time.Millisecond, time.Second)
	if !res.Interrupted || res.Requests == 0 {
		t.Errorf("Interrupted %v with %d requests, want true and some requests", res.Interrupted, res.Requests)
	}
}

func TestRequestIsTheSeeds(t *testing.T) {
	type seen struct {
		method, path, auth, contentType string
		body                            map[string]any
	}
	var mu sync.Mutex
	var got []seen
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	run(t, runner.Config{URL: url + "/proxy/", Key: "sk-seed", Model: "my-model", Users: 1, Duration: 200 * time.Millisecond,
		WaitMin: 30 * time.Millisecond, WaitMax: 30 * time.Millisecond})
	mu.Lock()
	defer mu.Unlock()
	if len(got) == 0 {
		t.Fatal("no request reached the server")
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
	// 200 ms at one request per 30 ms and more: the wait is applied between requests.
	if len(got) < 2 || len(got) > 7 {
		t.Errorf("%d requests in 200 ms with a 30 ms wait, want 2 to 7", len(got))
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
			res := run(t, runner.Config{URL: serve(t, tt.handler), Key: "k", Users: 2, Duration: 300 * time.Millisecond,
				WaitMin: 5 * time.Millisecond, WaitMax: 5 * time.Millisecond})
			if res.Requests < 10 || res.FailureCount() != 0 || res.Overhead.TotalCount() != res.Successes {
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
	res := run(t, runner.Config{URL: srv.URL, Key: "k", Users: 2, Duration: 400 * time.Millisecond,
		WaitMin: 60 * time.Millisecond, WaitMax: 60 * time.Millisecond})
	if res.Requests < 6 || res.FailureCount() != 0 {
		t.Errorf("requests %d, failures %v: want at least 6 and none failed", res.Requests, res.Failures)
	}
}

func TestProgressAndTimeline(t *testing.T) {
	url := serve(t, stub.New(stub.Options{}))
	var mu sync.Mutex
	var snaps []runner.Snapshot
	res := run(t, runner.Config{URL: url, Key: "k", Users: 4, SpawnRate: 100, Duration: 550 * time.Millisecond,
		WaitMin: 10 * time.Millisecond, WaitMax: 10 * time.Millisecond, ProgressInterval: 100 * time.Millisecond,
		Progress: func(s runner.Snapshot) {
			mu.Lock()
			snaps = append(snaps, s)
			mu.Unlock()
		}})
	mu.Lock()
	defer mu.Unlock()
	// Five ticks fall inside 550 ms; a loaded machine may deliver fewer, never one after the end.
	if len(snaps) < 2 || len(snaps) > 5 {
		t.Fatalf("%d progress calls in 550 ms at 100 ms, want 2 to 5", len(snaps))
	}
	traffic := false
	for i, s := range snaps {
		if s.Users != 4 || s.Elapsed > 550*time.Millisecond || (i > 0 && s.Requests < snaps[i-1].Requests) {
			t.Errorf("progress %d: %+v, want 4 users, inside the run, requests never going down", i, s)
		}
		traffic = traffic || (s.IntervalRPS > 0 && s.IntervalP50 > 0)
	}
	if !traffic {
		t.Errorf("no progress call saw traffic: %+v", snaps)
	}
	var sum int64
	var end time.Duration
	for i, s := range res.Timeline {
		sum += s.IntervalRequests
		// The points tile the run: each starts where the one before ended, the last ends with the run.
		if s.Elapsed-s.IntervalSpan != end || s.IntervalSpan <= 0 {
			t.Errorf("timeline point %d covers %s to %s, want it to start at %s", i, s.Elapsed-s.IntervalSpan, s.Elapsed, end)
		}
		end = s.Elapsed
	}
	if end > 550*time.Millisecond {
		t.Errorf("the timeline ends at %s, after the run's 550ms", end)
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
