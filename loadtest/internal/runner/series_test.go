package runner

import (
	"maps"
	"reflect"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/failures"
)

// TestSnapshotBucketsOneInterval checks one timeline point: what the interval's harvest holds, over
// the time between two harvests, next to the run's running totals.
func TestSnapshotBucketsOneInterval(t *testing.T) {
	const ms = time.Millisecond
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	type rec struct {
		latency time.Duration
		cause   failures.Cause // empty for a success
	}
	tests := []struct {
		name     string
		from, to time.Duration // from the start
		before   []rec         // recorded in earlier intervals
		now      []rec         // recorded in this one
		want     Snapshot
	}{
		{name: "empty interval", from: 0, to: time.Second,
			want: Snapshot{Elapsed: time.Second, IntervalSpan: time.Second}},
		{name: "successes only: percentiles and max of this interval",
			from: time.Second, to: 2 * time.Second,
			before: []rec{{latency: 900 * ms}},
			now:    append(repeat(rec{latency: 10 * ms}, 95), append(repeat(rec{latency: 20 * ms}, 4), rec{latency: 40 * ms})...),
			want: Snapshot{Elapsed: 2 * time.Second, IntervalSpan: time.Second, Requests: 101, IntervalRequests: 100,
				IntervalRPS: 100, IntervalP50: 10 * ms, IntervalP95: 10 * ms, IntervalP99: 20 * ms, IntervalMax: 40 * ms}},
		{name: "failures by cause, none of them in the percentiles",
			from: 2 * time.Second, to: 3 * time.Second,
			before: []rec{{cause: failures.Timeout}},
			now:    []rec{{latency: 30 * ms}, {cause: "http 503"}, {cause: "http 503"}, {cause: failures.ConnectionRefused}},
			want: Snapshot{Elapsed: 3 * time.Second, IntervalSpan: time.Second, Requests: 5, Failures: 4, IntervalRequests: 4,
				IntervalFailures: 3, IntervalFailuresByCause: map[failures.Cause]int64{"http 503": 2, failures.ConnectionRefused: 1},
				IntervalRPS: 4, IntervalP50: 30 * ms, IntervalP95: 30 * ms, IntervalP99: 30 * ms, IntervalMax: 30 * ms}},
		{name: "a late tick: the rate is over the time the interval really took",
			from: 3 * time.Second, to: 5 * time.Second,
			now: repeat(rec{latency: 5 * ms}, 50),
			want: Snapshot{Elapsed: 5 * time.Second, IntervalSpan: 2 * time.Second, Requests: 50, IntervalRequests: 50,
				IntervalRPS: 25, IntervalP50: 5 * ms, IntervalP95: 5 * ms, IntervalP99: 5 * ms, IntervalMax: 5 * ms}},
		{name: "a short last interval",
			from: 5 * time.Second, to: 5*time.Second + 250*ms,
			now: repeat(rec{cause: failures.Timeout}, 3),
			want: Snapshot{Elapsed: 5*time.Second + 250*ms, IntervalSpan: 250 * ms, Requests: 3, Failures: 3, IntervalRequests: 3,
				IntervalFailures: 3, IntervalFailuresByCause: map[failures.Cause]int64{failures.Timeout: 3}, IntervalRPS: 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder()
			record := func(rs []rec) {
				for i, x := range rs {
					if x.cause == "" {
						r.success(i, x.latency, -1)
					} else {
						r.failure(i, x.cause, func() string { return string(x.cause) })
					}
				}
			}
			total, interval := newCounts(), newCounts()
			record(tt.before)
			r.harvest(&total)
			record(tt.now)
			r.harvest(&interval)
			total.add(&interval)

			got := snapshot(start, start.Add(tt.from), start.Add(tt.to), 7, &interval, &total)
			tt.want.Users = 7
			if !maps.Equal(got.IntervalFailuresByCause, tt.want.IntervalFailuresByCause) {
				t.Errorf("failures by cause %v, want %v", got.IntervalFailuresByCause, tt.want.IntervalFailuresByCause)
			}
			got.IntervalFailuresByCause, tt.want.IntervalFailuresByCause = nil, nil
			// HDR buckets hold three significant digits: a percentile reads up to 0.1% above the value.
			for _, d := range []struct {
				name      string
				got, want *time.Duration
			}{{"p50", &got.IntervalP50, &tt.want.IntervalP50}, {"p95", &got.IntervalP95, &tt.want.IntervalP95}, {"p99", &got.IntervalP99, &tt.want.IntervalP99}} {
				if *d.got < *d.want || *d.got > *d.want+*d.want/1000 {
					t.Errorf("%s = %s, want %s (+0.1%%)", d.name, *d.got, *d.want)
				}
				*d.got = *d.want
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("snapshot\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func repeat[T any](v T, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = v
	}
	return s
}
