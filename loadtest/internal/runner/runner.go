package runner

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"litellm-aws/loadtest/internal/failures"
)

// OverheadHeader is the response header in which LiteLLM reports the milliseconds it added itself.
const OverheadHeader = "x-litellm-overhead-duration-ms"

// Snapshot is the state of a run at one progress tick; the Interval fields cover the time since the
// previous tick, the others the whole run so far. The run's Timeline is these snapshots, one per
// ProgressInterval: its time series.
type Snapshot struct {
	// Elapsed is when the interval ended, from the run's start; it began IntervalSpan earlier.
	Elapsed      time.Duration
	IntervalSpan time.Duration
	Users        int
	Requests     int64
	Failures     int64
	// IntervalRequests counts the requests completed in the interval, failures included.
	IntervalRequests int64
	IntervalFailures int64
	// IntervalFailuresByCause splits IntervalFailures; nil when there were none.
	IntervalFailuresByCause map[failures.Cause]int64
	IntervalRPS             float64
	// IntervalP50, IntervalP95, IntervalP99 and IntervalMax are over the interval's successful
	// responses; zero when there were none.
	IntervalP50 time.Duration
	IntervalP95 time.Duration
	IntervalP99 time.Duration
	IntervalMax time.Duration
}

// Result is everything a run measured. Latency covers successful responses only: a refused connection
// "answers" in microseconds and would make a broken proxy look fast.
type Result struct {
	Config      Config
	Started     time.Time
	Elapsed     time.Duration // from the first user's start to the end of the duration (or the interrupt)
	Interrupted bool          // the caller's context ended the run before its duration

	UsersSpawned int
	UserStarts   []time.Duration // when each user started, from Started
	// RampedUp tells whether every user started before the end; RampUp is when the last one did.
	RampedUp bool
	RampUp   time.Duration

	Requests       int64 // completed requests, successful or not; requests cut off by the end are not counted
	Successes      int64
	Failures       map[failures.Cause]int64
	FailureSamples map[failures.Cause]string // the first error message seen for each cause

	Latency    *hdrhistogram.Histogram // microseconds, successful responses
	LatencySum time.Duration
	LatencyMax time.Duration
	Overhead   *hdrhistogram.Histogram // microseconds, from OverheadHeader
	NoOverhead int64                   // successful responses without a usable OverheadHeader

	// AfterRampRequests completed in the AfterRampElapsed between the last user's start and the end.
	AfterRampRequests int64
	AfterRampElapsed  time.Duration

	Timeline []Snapshot
}

// FailureCount is the number of failed requests, whatever the cause.
func (r *Result) FailureCount() int64 { return r.Requests - r.Successes }

// RPS is completed requests (failures included, as Locust counts them) per second over the whole run.
func (r *Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// RPSAfterRampUp is the rate once every user was running, the figure Locust's "current RPS" shows in a
// steady run. ok is false when the ramp-up did not finish at least a second before the end.
func (r *Result) RPSAfterRampUp() (rps float64, ok bool) {
	if !r.RampedUp || r.AfterRampElapsed < time.Second {
		return 0, false
	}
	return float64(r.AfterRampRequests) / r.AfterRampElapsed.Seconds(), true
}

// MeanLatency is the exact mean of successful responses' latency.
func (r *Result) MeanLatency() time.Duration {
	if r.Successes == 0 {
		return 0
	}
	return r.LatencySum / time.Duration(r.Successes)
}

// Quantile reads percentile p (0-100) of h as a duration; h holds microseconds.
func Quantile(h *hdrhistogram.Histogram, p float64) time.Duration {
	if h.TotalCount() == 0 {
		return 0
	}
	return time.Duration(h.ValueAtPercentile(p)) * time.Microsecond
}

// engine is one run's shared state.
type engine struct {
	cfg       Config
	ctx       context.Context // ends at the run's end
	end       time.Time       // the run's deadline
	client    *client
	start     time.Time
	rec       *recorder
	users     atomic.Int64
	completed atomic.Int64 // requests recorded, successful or not
	atRampUp  int64        // completed when the last user started
	wg        sync.WaitGroup
}

// Run runs one load test and returns what it measured. It returns when the duration has passed or ctx
// ends, whichever is first; an error means cfg was not valid and nothing was sent.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	e := &engine{cfg: cfg, client: c, rec: newRecorder()}
	res := &Result{Config: cfg, UserStarts: make([]time.Duration, 0, cfg.Users)}
	total := newCounts()
	collectorDone := make(chan struct{})
	stopCollector := make(chan struct{})

	e.start = time.Now()
	res.Started = e.start
	e.end = e.start.Add(cfg.Duration)
	runCtx, cancel := context.WithDeadline(ctx, e.end)
	defer cancel()
	e.ctx = runCtx
	go func() {
		defer close(collectorDone)
		e.collect(&total, res, stopCollector)
	}()

	e.spawn(res)
	<-runCtx.Done()
	// The window is start to deadline even when this goroutine wakes late on a loaded machine.
	res.Interrupted = ctx.Err() != nil && time.Now().Before(e.end)
	res.Elapsed = cfg.Duration
	if res.Interrupted {
		res.Elapsed = time.Since(e.start)
	}
	completedAtEnd := e.completed.Load()
	e.wg.Wait()
	e.client.close()
	close(stopCollector)
	<-collectorDone
	if res.RampedUp {
		res.AfterRampRequests = completedAtEnd - e.atRampUp
		res.AfterRampElapsed = res.Elapsed - res.RampUp
	}

	res.Latency, res.Overhead = total.latency, total.overhead
	res.LatencySum, res.LatencyMax = total.latencySum, total.latencyMax
	res.Successes, res.NoOverhead = total.successes, total.noOverhead
	res.Failures, res.FailureSamples = total.failures, total.samples
	res.Requests = total.requests()
	return res, nil
}

// spawn starts the users evenly spaced at the spawn rate, as Locust's -r does, and stops early if the
// run ends first.
func (e *engine) spawn(res *Result) {
	interval := time.Duration(float64(time.Second) / e.cfg.SpawnRate)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for i := range e.cfg.Users {
		if d := time.Until(e.start.Add(time.Duration(i) * interval)); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-e.ctx.Done():
				return
			}
		}
		if e.ctx.Err() != nil {
			return
		}
		res.UserStarts = append(res.UserStarts, time.Since(e.start))
		res.UsersSpawned++
		e.users.Add(1)
		e.wg.Add(1)
		go e.user(i)
	}
	res.RampedUp = true
	res.RampUp = time.Since(e.start)
	e.atRampUp = e.completed.Load()
}

// collect harvests the recorder every ProgressInterval until stop is closed, then once more. Each
// harvest is one timeline point: the recorder's shards are swapped, not copied, so the series costs
// the request path nothing.
func (e *engine) collect(total *counts, res *Result, stop <-chan struct{}) {
	interval := newCounts()
	ticker := time.NewTicker(e.cfg.ProgressInterval)
	defer ticker.Stop()
	last := e.start
	tick := func(final bool) {
		// Once the run is over only the final harvest counts, so that no point lies past the end and no
		// progress shows users winding down. The clock is read too: on a busy machine a tick can come
		// after the deadline but before the goroutine that ends the run's context has run.
		now := time.Now()
		if !final && (e.ctx.Err() != nil || !now.Before(e.end)) {
			return
		}
		users := int(e.users.Load()) // before the harvest, which takes a while with many shards
		interval.reset()
		e.rec.harvest(&interval)
		total.add(&interval)
		if final && interval.requests() == 0 {
			return
		}
		// The last harvest comes after the users stopped; its interval ends with the run. Run set
		// res.Elapsed before it closed stop, so only the final tick may read it.
		if final {
			if end := e.start.Add(res.Elapsed); now.After(end) && end.After(last) {
				now = end
			}
		}
		s := snapshot(e.start, last, now, users, &interval, total)
		last = now
		res.Timeline = append(res.Timeline, s)
		if e.cfg.Progress != nil && !final {
			e.cfg.Progress(s)
		}
	}
	for {
		select {
		case <-ticker.C:
			tick(false)
		case <-stop:
			tick(true)
			return
		}
	}
}

// snapshot is the timeline point for interval, the counts recorded from from to to; total is the run
// so far, interval included.
func snapshot(start, from, to time.Time, users int, interval, total *counts) Snapshot {
	n := interval.requests()
	s := Snapshot{
		Elapsed:          to.Sub(start),
		IntervalSpan:     to.Sub(from),
		Users:            users,
		Requests:         total.requests(),
		Failures:         total.requests() - total.successes,
		IntervalRequests: n,
		IntervalFailures: n - interval.successes,
		IntervalP50:      Quantile(interval.latency, 50),
		IntervalP95:      Quantile(interval.latency, 95),
		IntervalP99:      Quantile(interval.latency, 99),
		IntervalMax:      interval.latencyMax,
	}
	if s.IntervalFailures > 0 {
		s.IntervalFailuresByCause = make(map[failures.Cause]int64, len(interval.failures))
		for c, k := range interval.failures {
			if k > 0 {
				s.IntervalFailuresByCause[c] = k
			}
		}
	}
	if s.IntervalSpan > 0 {
		s.IntervalRPS = float64(n) / s.IntervalSpan.Seconds()
	}
	return s
}

// user is one simulated user: request, think, repeat, until the run ends.
func (e *engine) user(id int) {
	defer e.wg.Done()
	defer e.users.Add(-1)
	rng := rand.New(rand.NewPCG(uint64(id), uint64(e.start.UnixNano())))
	span := int64(e.cfg.WaitMax - e.cfg.WaitMin)
	var timer *time.Timer
	for e.ctx.Err() == nil {
		e.request(id)
		wait := e.cfg.WaitMin
		if span > 0 {
			wait += time.Duration(rng.Int64N(span + 1))
		}
		if wait <= 0 {
			continue
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-timer.C:
		case <-e.ctx.Done():
			timer.Stop()
			return
		}
	}
}

// request sends one chat completion and records its outcome. A request cut off by the end of the run
// is not recorded at all: it neither failed nor finished.
func (e *engine) request(user int) {
	began := time.Now()
	resp, err := e.client.do(e.ctx, began.Add(e.cfg.Timeout))
	latency := time.Since(began)
	if err != nil {
		if e.cutOff() {
			return
		}
		e.rec.failure(user, failures.OfError(err), err.Error)
		e.completed.Add(1)
		return
	}
	if !failures.Successful(resp.status) {
		e.rec.failure(user, failures.OfStatus(resp.status), func() string {
			return resp.statusLn + ": " + string(bytes.TrimSpace(resp.head))
		})
		e.completed.Add(1)
		return
	}
	e.rec.success(user, latency, parseOverhead(resp.overhead))
	e.completed.Add(1)
}

// cutOff tells whether the run's end interrupted the request that just failed. The clock is checked
// too because a dial's own deadline timer, merged with the run's, can fire a moment before the run's
// context reports that it ended.
func (e *engine) cutOff() bool {
	return e.ctx.Err() != nil || !time.Now().Before(e.end)
}

// parseOverhead reads LiteLLM's header (milliseconds, fractional); -1 when it is absent or unreadable.
func parseOverhead(v string) time.Duration {
	if v == "" {
		return -1
	}
	ms, err := strconv.ParseFloat(v, 64)
	if err != nil || ms < 0 {
		return -1
	}
	return time.Duration(ms * float64(time.Millisecond))
}
