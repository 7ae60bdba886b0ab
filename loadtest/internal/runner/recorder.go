package runner

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"litellm-aws/loadtest/internal/failures"
)

// Histograms hold microseconds from 1 µs to one hour with three significant digits: 0.1% error at any
// scale, about 190 KB each.
const (
	histMinMicros   = 1
	histMaxMicros   = int64(time.Hour / time.Microsecond)
	histSigFigs     = 3
	shardCount      = 16
	maxSampleLength = 200
)

// NewHistogram returns an empty histogram of the range every latency in this package is recorded in.
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(histMinMicros, histMaxMicros, histSigFigs)
}

func micros(d time.Duration) int64 {
	us := int64(d / time.Microsecond)
	if us < histMinMicros {
		return histMinMicros
	}
	if us > histMaxMicros {
		return histMaxMicros
	}
	return us
}

// shard is one of the recorder's independently locked slices: users record into shard userID%shardCount,
// so a thousand goroutines never queue on one mutex.
type shard struct {
	mu sync.Mutex
	counts
	_ [64]byte // keep neighbouring shards' locks off one cache line
}

// counts is what one shard gathers between two harvests, and what a harvest adds up.
type counts struct {
	latency, overhead *hdrhistogram.Histogram
	latencySum        time.Duration
	latencyMax        time.Duration
	successes         int64
	noOverhead        int64
	failures          map[failures.Cause]int64
	samples           map[failures.Cause]string
}

func newCounts() counts {
	return counts{latency: NewHistogram(), overhead: NewHistogram(), failures: map[failures.Cause]int64{}, samples: map[failures.Cause]string{}}
}

func (c *counts) reset() {
	c.latency.Reset()
	c.overhead.Reset()
	c.latencySum, c.latencyMax, c.successes, c.noOverhead = 0, 0, 0, 0
	clear(c.failures)
	clear(c.samples)
}

func (c *counts) requests() int64 {
	n := c.successes
	for _, f := range c.failures {
		n += f
	}
	return n
}

// add merges o into c.
func (c *counts) add(o *counts) {
	if o.latency.TotalCount() > 0 {
		c.latency.Merge(o.latency)
	}
	if o.overhead.TotalCount() > 0 {
		c.overhead.Merge(o.overhead)
	}
	c.latencySum += o.latencySum
	c.latencyMax = max(c.latencyMax, o.latencyMax)
	c.successes += o.successes
	c.noOverhead += o.noOverhead
	for k, v := range o.failures {
		c.failures[k] += v
	}
	for k, v := range o.samples {
		if _, ok := c.samples[k]; !ok {
			c.samples[k] = v
		}
	}
}

// recorder takes results from every user; only the collector goroutine calls harvest.
type recorder struct {
	shards [shardCount]shard
	spare  [shardCount]counts // swapped in at each harvest so recording never waits for a merge
}

func newRecorder() *recorder {
	r := &recorder{}
	for i := range r.shards {
		r.shards[i].counts = newCounts()
		r.spare[i] = newCounts()
	}
	return r
}

// success records a 2xx/3xx response; overhead < 0 means the response had no overhead header.
func (r *recorder) success(user int, latency, overhead time.Duration) {
	s := &r.shards[user%shardCount]
	s.mu.Lock()
	_ = s.latency.RecordValue(micros(latency))
	s.latencySum += latency
	s.latencyMax = max(s.latencyMax, latency)
	s.successes++
	if overhead >= 0 {
		_ = s.overhead.RecordValue(micros(overhead))
	} else {
		s.noOverhead++
	}
	s.mu.Unlock()
}

// failure records a failed request; sample is kept for the first failure of each cause in an interval.
func (r *recorder) failure(user int, cause failures.Cause, sample func() string) {
	s := &r.shards[user%shardCount]
	s.mu.Lock()
	s.failures[cause]++
	_, seen := s.samples[cause]
	s.mu.Unlock()
	if !seen {
		msg := sample()
		if len(msg) > maxSampleLength {
			msg = msg[:maxSampleLength] + "..."
		}
		s.mu.Lock()
		if _, ok := s.samples[cause]; !ok {
			s.samples[cause] = msg
		}
		s.mu.Unlock()
	}
}

// harvest moves everything recorded since the last harvest into into.
func (r *recorder) harvest(into *counts) {
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		taken := s.counts
		s.counts = r.spare[i]
		s.mu.Unlock()
		into.add(&taken)
		taken.reset()
		r.spare[i] = taken
	}
}
