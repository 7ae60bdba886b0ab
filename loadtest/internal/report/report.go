package report

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"litellm-aws/loadtest/internal/runner"
	"litellm-aws/loadtest/internal/targets"
)

// The seed's scenario, which the published figures were measured with; a run that differs gets a note.
const (
	publishedUsers   = 1000
	publishedWaitMin = 100 * time.Millisecond
	publishedWaitMax = 500 * time.Millisecond
)

// Report is the JSON document; durations are in milliseconds or seconds as their names say.
type Report struct {
	Settings       Settings  `json:"settings"`
	Started        time.Time `json:"started"`
	ElapsedSeconds float64   `json:"elapsed_s"`
	Interrupted    bool      `json:"interrupted"`
	UsersSpawned   int       `json:"users_spawned"`
	// RampUpSeconds is when the last user started; null when the run ended before all had.
	RampUpSeconds *float64 `json:"ramp_up_s"`
	Requests      int64    `json:"requests"`
	Successes     int64    `json:"successes"`
	Failures      Failures `json:"failures"`
	RPS           float64  `json:"rps"`
	// RPSAfterRampUp is the rate once all users ran; null when the ramp-up ended less than 1 s before the end.
	RPSAfterRampUp *float64        `json:"rps_after_ramp_up"`
	LatencyMS      Distribution    `json:"latency_ms"`
	OverheadMS     Distribution    `json:"overhead_ms"`
	NoOverhead     int64           `json:"responses_without_overhead_header"`
	Verdict        targets.Verdict `json:"verdict"`
	Notes          []string        `json:"notes"`
	Timeline       []Point         `json:"timeline"`
	// OverheadHistogram is the overhead header's distribution in equal bins; the last bin may be
	// wider and hold everything above the 99.9th percentile. Empty without overhead data.
	OverheadHistogram []Bin `json:"overhead_histogram"`
}

// Settings are the run's parameters (never the key).
type Settings struct {
	URL       string  `json:"url"`
	Endpoint  string  `json:"endpoint"`
	Model     string  `json:"model"`
	Users     int     `json:"users"`
	SpawnRate float64 `json:"spawn_rate"`
	DurationS float64 `json:"duration_s"`
	WaitMinS  float64 `json:"wait_min_s"`
	WaitMaxS  float64 `json:"wait_max_s"`
	TimeoutS  float64 `json:"timeout_s"`
	Profile   string  `json:"profile,omitempty"`
	Instances int     `json:"instances"`
	Assert    bool    `json:"assert"`
}

// Failures counts failed requests by cause, with the first error message seen for each.
type Failures struct {
	Total   int64             `json:"total"`
	Rate    float64           `json:"rate"`
	ByCause map[string]int64  `json:"by_cause"`
	Samples map[string]string `json:"samples"`
}

// Distribution summarises one HDR histogram in milliseconds.
type Distribution struct {
	Count int64   `json:"count"`
	Avg   float64 `json:"avg"`
	Min   float64 `json:"min"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

// Point is one interval of the timeline (one second unless the runner was told otherwise): the
// requests completed from StartS to ElapsedS. The latencies are of its successful responses; 0 when
// it had none.
type Point struct {
	StartS   float64 `json:"start_s"`
	ElapsedS float64 `json:"elapsed_s"`
	Users    int     `json:"users"`
	Requests int64   `json:"requests"`
	Failures int64   `json:"failures"`
	// FailuresByCause splits Failures; omitted when there were none.
	FailuresByCause map[string]int64 `json:"failures_by_cause,omitempty"`
	RPS             float64          `json:"rps"`
	P50             float64          `json:"p50_ms"`
	P95             float64          `json:"p95_ms"`
	P99             float64          `json:"p99_ms"`
	Max             float64          `json:"max_ms"`
}

// Bin is one bar of a histogram: Count values from FromMS up to (not including) ToMS.
type Bin struct {
	FromMS float64 `json:"from_ms"`
	ToMS   float64 `json:"to_ms"`
	Count  int64   `json:"count"`
}

// Options say what the run is judged against.
type Options struct {
	// Profile is the stack profile's name, empty when -instances was given instead.
	Profile string
	// Instances is the number of LiteLLM tasks behind the load balancer.
	Instances int
	// Assert is recorded so a reader of the JSON knows whether a miss failed the command.
	Assert bool
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func distribution(h *hdrhistogram.Histogram, mean, maximum time.Duration) Distribution {
	if h.TotalCount() == 0 {
		return Distribution{}
	}
	return Distribution{
		Count: h.TotalCount(),
		Avg:   ms(mean),
		Min:   ms(time.Duration(h.Min()) * time.Microsecond),
		P50:   ms(runner.Quantile(h, 50)),
		P90:   ms(runner.Quantile(h, 90)),
		P95:   ms(runner.Quantile(h, 95)),
		P99:   ms(runner.Quantile(h, 99)),
		Max:   ms(maximum),
	}
}

// New builds the report of res, judged against the targets for opts.Instances.
func New(res *runner.Result, opts Options) *Report {
	cfg := res.Config
	r := &Report{
		Settings: Settings{
			URL: cfg.URL, Endpoint: cfg.Endpoint(), Model: cfg.Model, Users: cfg.Users, SpawnRate: cfg.SpawnRate,
			DurationS: cfg.Duration.Seconds(), WaitMinS: cfg.WaitMin.Seconds(), WaitMaxS: cfg.WaitMax.Seconds(),
			TimeoutS: cfg.Timeout.Seconds(), Profile: opts.Profile, Instances: opts.Instances, Assert: opts.Assert,
		},
		Started:        res.Started.UTC(),
		ElapsedSeconds: res.Elapsed.Seconds(),
		Interrupted:    res.Interrupted,
		UsersSpawned:   res.UsersSpawned,
		Requests:       res.Requests,
		Successes:      res.Successes,
		RPS:            res.RPS(),
		LatencyMS:      distribution(res.Latency, res.MeanLatency(), res.LatencyMax),
		NoOverhead:     res.NoOverhead,
		Notes:          []string{},
		Timeline:       make([]Point, 0, len(res.Timeline)),
	}
	if res.RampedUp {
		s := res.RampUp.Seconds()
		r.RampUpSeconds = &s
	}
	if rps, ok := res.RPSAfterRampUp(); ok {
		r.RPSAfterRampUp = &rps
	}
	r.Failures = Failures{Total: res.FailureCount(), ByCause: map[string]int64{}, Samples: map[string]string{}}
	if res.Requests > 0 {
		r.Failures.Rate = float64(r.Failures.Total) / float64(res.Requests)
	}
	for c, n := range res.Failures {
		r.Failures.ByCause[string(c)] = n
	}
	for c, s := range res.FailureSamples {
		r.Failures.Samples[string(c)] = s
	}
	var overheadMean time.Duration
	if res.Overhead.TotalCount() > 0 {
		overheadMean = time.Duration(res.Overhead.Mean() * float64(time.Microsecond))
	}
	r.OverheadMS = distribution(res.Overhead, overheadMean, time.Duration(res.Overhead.Max())*time.Microsecond)
	for _, s := range res.Timeline {
		p := Point{
			StartS: (s.Elapsed - s.IntervalSpan).Seconds(), ElapsedS: s.Elapsed.Seconds(), Users: s.Users,
			Requests: s.IntervalRequests, Failures: s.IntervalFailures, RPS: s.IntervalRPS,
			P50: ms(s.IntervalP50), P95: ms(s.IntervalP95), P99: ms(s.IntervalP99), Max: ms(s.IntervalMax),
		}
		if len(s.IntervalFailuresByCause) > 0 {
			p.FailuresByCause = make(map[string]int64, len(s.IntervalFailuresByCause))
			for c, n := range s.IntervalFailuresByCause {
				p.FailuresByCause[string(c)] = n
			}
		}
		r.Timeline = append(r.Timeline, p)
	}
	r.OverheadHistogram = histogram(res.Overhead, overheadBins)

	t := targets.For(opts.Instances)
	m := targets.Measured{
		RPS: res.RPS(), P50: runner.Quantile(res.Latency, 50), P95: runner.Quantile(res.Latency, 95),
		P99: runner.Quantile(res.Latency, 99), Avg: res.MeanLatency(),
		HasOverhead: res.Overhead.TotalCount() > 0, OverheadP50: runner.Quantile(res.Overhead, 50),
		OverheadP95: runner.Quantile(res.Overhead, 95), OverheadP99: runner.Quantile(res.Overhead, 99),
		Requests: res.Requests, Successes: res.Successes,
	}
	if r.RPSAfterRampUp != nil {
		m.RPS = *r.RPSAfterRampUp
	}
	r.Verdict = targets.Judge(t, m)
	r.Notes = notes(res, t)
	return r
}

// notes explain what makes the verdict less meaningful than it looks.
func notes(res *runner.Result, t targets.Targets) []string {
	cfg := res.Config
	var n []string
	if res.Interrupted {
		n = append(n, fmt.Sprintf("interrupted after %.1f s of %s: the figures cover only that", res.Elapsed.Seconds(), cfg.Duration))
	}
	if !res.RampedUp {
		n = append(n, fmt.Sprintf("the ramp-up did not finish (%d of %d users started): RPS is over the whole run, ramp-up included", res.UsersSpawned, cfg.Users))
	} else if _, ok := res.RPSAfterRampUp(); !ok {
		n = append(n, "the ramp-up ended less than 1 s before the end: RPS is over the whole run, ramp-up included")
	}
	if cfg.Users != publishedUsers || cfg.WaitMin != publishedWaitMin || cfg.WaitMax != publishedWaitMax {
		n = append(n, fmt.Sprintf("the published runs used %d users waiting %s-%s between requests; this run used %d users waiting %s-%s, so compare with care",
			publishedUsers, publishedWaitMin, publishedWaitMax, cfg.Users, cfg.WaitMin, cfg.WaitMax))
	}
	// A closed loop cannot go faster than users / (think time + latency): say so when that ceiling is
	// below what the RPS check asks, so nobody blames the proxy for the client's settings.
	meanWait := (cfg.WaitMin + cfg.WaitMax) / 2
	ceiling := float64(cfg.Users) / (meanWait + t.Avg).Seconds()
	if limit := t.RPS * (1 - targets.RPSTolerance); ceiling < limit {
		n = append(n, fmt.Sprintf("with %d users and a mean wait of %s, a proxy at the target's %.1f ms average latency gets at most %.0f RPS, below the RPS limit %.0f: raise -users to judge throughput",
			cfg.Users, meanWait, ms(t.Avg), ceiling, limit))
	}
	if res.Successes > 0 && res.Overhead.TotalCount() == 0 {
		n = append(n, "no response carried "+runner.OverheadHeader+": the server is not LiteLLM, or a version without the header; overhead not judged")
	}
	causes := slices.Sorted(maps.Keys(res.Failures))
	for _, c := range causes {
		if c == "http 401" {
			n = append(n, "401 responses: the master key is wrong for this proxy (check -key or LITELLM_MASTER_KEY)")
		}
	}
	return n
}

// WriteJSON writes r to path, indented, replacing any file there.
func (r *Report) WriteJSON(path string) error {
	b, err := r.JSON()
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// JSON is r as WriteJSON writes it: indented, with a final newline.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
