package report

import (
	"reflect"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/runner"
)

func TestBucketFailures(t *testing.T) {
	second := func(i int, byCause map[string]int64) Point {
		var n int64
		for _, k := range byCause {
			n += k
		}
		return Point{StartS: float64(i), ElapsedS: float64(i + 1), Requests: 10, Failures: n, FailuresByCause: byCause}
	}
	tests := []struct {
		name    string
		points  []Point
		maxBars int
		want    []failureBucket
	}{
		{"no points", nil, 10, nil},
		{"fewer points than bars: one bar each", []Point{second(0, nil), second(1, map[string]int64{"timeout": 2})}, 10,
			[]failureBucket{
				{StartS: 0, EndS: 1, ByCause: map[string]int64{}},
				{StartS: 1, EndS: 2, Total: 2, ByCause: map[string]int64{"timeout": 2}},
			}},
		{"as many points as bars", []Point{second(0, map[string]int64{"http 503": 1}), second(1, nil)}, 2,
			[]failureBucket{
				{StartS: 0, EndS: 1, Total: 1, ByCause: map[string]int64{"http 503": 1}},
				{StartS: 1, EndS: 2, ByCause: map[string]int64{}},
			}},
		{"merged two to a bar, causes added up", []Point{
			second(0, map[string]int64{"http 503": 1}), second(1, map[string]int64{"http 503": 2, "timeout": 1}),
			second(2, nil), second(3, map[string]int64{"connection reset": 4}),
		}, 2, []failureBucket{
			{StartS: 0, EndS: 2, Total: 4, ByCause: map[string]int64{"http 503": 3, "timeout": 1}},
			{StartS: 2, EndS: 4, Total: 4, ByCause: map[string]int64{"connection reset": 4}},
		}},
		{"an uneven tail makes a shorter last bar", []Point{second(0, nil), second(1, nil), second(2, nil), second(3, nil), second(4, map[string]int64{"dns": 1})}, 2,
			[]failureBucket{
				{StartS: 0, EndS: 3, ByCause: map[string]int64{}},
				{StartS: 3, EndS: 5, Total: 1, ByCause: map[string]int64{"dns": 1}},
			}},
		{"a late tick keeps its own span", []Point{{StartS: 0, ElapsedS: 1}, {StartS: 1, ElapsedS: 2.6, Failures: 1, FailuresByCause: map[string]int64{"timeout": 1}}}, 5,
			[]failureBucket{
				{StartS: 0, EndS: 1, ByCause: map[string]int64{}},
				{StartS: 1, EndS: 2.6, Total: 1, ByCause: map[string]int64{"timeout": 1}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bucketFailures(tt.points, tt.maxBars); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("bucketFailures\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestHistogram(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name       string
		values     []time.Duration
		wantWidth  float64
		wantFrom   float64 // the first bin's start
		wantCounts map[float64]int64
		wantRest   *Bin // the last bin, when it holds the values past the 99.9th percentile
	}{
		{"empty", nil, 0, 0, nil, nil},
		{"one value: a spike, from zero", repeat(2*ms, 100), 0.1, 0, map[float64]int64{2: 100}, nil},
		{"published-like spread, from zero", append(append(repeat(2*ms, 50), repeat(8*ms, 45)...), repeat(13*ms, 5)...), 0.5, 0,
			map[float64]int64{2: 50, 8: 45, 13: 5}, nil},
		{"a band far from zero: bins start near it", append(repeat(200200*time.Microsecond, 10), repeat(230200*time.Microsecond, 10)...), 1, 200,
			map[float64]int64{200: 10, 230: 10}, nil},
		{"an outlier past the 99.9th percentile gets the last bin", append(repeat(3*ms, 2000), 900*ms), 0.1, 0,
			map[float64]int64{3: 2000}, &Bin{FromMS: 3.4, ToMS: 900, Count: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := runner.NewHistogram()
			for _, v := range tt.values {
				_ = h.RecordValue(int64(v / time.Microsecond))
			}
			bins := histogram(h, overheadBins)
			if len(tt.values) == 0 {
				if bins == nil || len(bins) != 0 {
					t.Fatalf("bins %v, want an empty list (a JSON [] rather than null)", bins)
				}
				return
			}
			equal := bins
			if tt.wantRest != nil {
				rest := bins[len(bins)-1]
				if rest.FromMS != tt.wantRest.FromMS || rest.ToMS < tt.wantRest.ToMS || rest.ToMS > tt.wantRest.ToMS*1.001 || rest.Count != tt.wantRest.Count {
					t.Errorf("last bin %+v, want %+v", rest, *tt.wantRest)
				}
				equal = bins[:len(bins)-1]
			}
			if len(equal) < overheadBins/2 || len(equal) > overheadBins+2 {
				t.Errorf("%d equal bins, want about %d", len(equal), overheadBins)
			}
			var total int64
			for i, b := range equal {
				if w := b.ToMS - b.FromMS; w < tt.wantWidth-1e-9 || w > tt.wantWidth+1e-9 {
					t.Errorf("bin %d %+v is %g ms wide, want %g", i, b, w, tt.wantWidth)
				}
				if i > 0 && b.FromMS != equal[i-1].ToMS {
					t.Errorf("bin %d starts at %g, the one before ends at %g", i, b.FromMS, equal[i-1].ToMS)
				}
				if want := tt.wantCounts[b.FromMS]; b.Count != want {
					t.Errorf("bin %d %+v holds %d, want %d", i, b, b.Count, want)
				}
				total += b.Count
			}
			if equal[0].FromMS != tt.wantFrom {
				t.Errorf("first bin starts at %g ms, want %g", equal[0].FromMS, tt.wantFrom)
			}
			if last := equal[len(equal)-1]; tt.wantRest == nil && last.Count != 0 {
				t.Errorf("the last bin %+v is not empty: the top values sit on the chart's edge", last)
			}
			var want int64
			for _, n := range tt.wantCounts {
				want += n
			}
			if total != want {
				t.Errorf("equal bins hold %d values, want %d", total, want)
			}
		})
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 1100, 5, []float64{0, 250, 500, 750, 1000, 1250}},
		{0, 24.6, 5, []float64{0, 5, 10, 15, 20, 25}},
		{0, 5, 5, []float64{0, 1, 2, 3, 4, 5}},
		{0, 0.3, 3, []float64{0, 0.1, 0.2, 0.3}},
		{200, 211, 5, []float64{200, 202.5, 205, 207.5, 210, 212.5}},
		{0, 0, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
	}
	for _, tt := range tests {
		if got := niceTicks(tt.lo, tt.hi, tt.n); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("niceTicks(%g, %g, %d) = %v, want %v", tt.lo, tt.hi, tt.n, got, tt.want)
		}
	}
}

func TestTimeAxisAndClock(t *testing.T) {
	tests := []struct {
		elapsed  float64
		wantStep float64
		labels   []string
	}{
		{5, 1, []string{"0 s", "1 s", "2 s", "3 s", "4 s", "5 s"}},
		{60, 10, []string{"0 s", "10 s", "20 s", "30 s", "40 s", "50 s", "60 s"}},
		{300, 60, []string{"0 s", "60 s", "2:00", "3:00", "4:00", "5:00"}},
		{3600, 600, []string{"0 s", "10:00", "20:00", "30:00", "40:00", "50:00", "1:00:00"}},
	}
	for _, tt := range tests {
		end, ticks := timeAxis(&Report{ElapsedSeconds: tt.elapsed})
		var labels []string
		for _, v := range ticks {
			labels = append(labels, clock(v))
		}
		if end != tt.elapsed || ticks[1]-ticks[0] != tt.wantStep || !reflect.DeepEqual(labels, tt.labels) {
			t.Errorf("timeAxis(%g s) = %g, %v (%q); want step %g, %q", tt.elapsed, end, ticks, labels, tt.wantStep, tt.labels)
		}
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}
