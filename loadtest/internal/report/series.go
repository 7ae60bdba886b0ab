package report

import (
	"math"
	"slices"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"litellm-aws/loadtest/internal/runner"
)

// overheadBins is about how many equal bins the overhead histogram has.
const overheadBins = 40

// histogram sorts h (microseconds) into equal bins of a round width (1, 2, 2.5 or 5 x 10^k ms) that
// cover the values up to the 99.9th percentile, so that one stray outlier does not squash the shape
// into a single bar; what lies above goes into one last, wider bin that ends at the maximum. The bins
// start at 0 unless the values spread over a band well away from it (200 to 260 ms, say).
func histogram(h *hdrhistogram.Histogram, n int) []Bin {
	if h.TotalCount() == 0 {
		return []Bin{}
	}
	lo := float64(h.Min()) / 1000
	top := ms(runner.Quantile(h, 99.9))
	start := 0.0
	if spread := top - lo; lo > 2*spread && spread > top/20 {
		start = lo
	}
	// A tenth of headroom keeps the top values off the chart's edge.
	width := niceStep((top - start) * 1.1 / float64(n))
	start = math.Floor(start/width) * width
	k := max(int(math.Ceil((top-start)*1.1/width)), int((top-start)/width)+1)
	bins := make([]Bin, k)
	for i := range bins {
		bins[i] = Bin{FromMS: round(start + float64(i)*width), ToMS: round(start + float64(i+1)*width)}
	}
	end := bins[k-1].ToMS
	rest := Bin{FromMS: end, ToMS: float64(h.Max()) / 1000}
	for _, b := range h.Distribution() {
		if b.Count == 0 {
			continue
		}
		v := float64(b.From+b.To) / 2000 // the middle of the values HDR holds as one
		if v >= end {
			rest.Count += b.Count
			continue
		}
		i := min(max(int((v-start)/width), 0), k-1)
		bins[i].Count += b.Count
	}
	if rest.Count > 0 {
		rest.ToMS = max(rest.ToMS, rest.FromMS+width)
		bins = append(bins, rest)
	}
	return bins
}

// round drops the float noise of adding up bin widths (0.1 + 0.2) so the edges print as typed.
func round(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// niceStep is the smallest of 1, 2, 2.5 and 5 times a power of ten that is at least x (x > 0), the
// widths and tick steps people read without effort.
func niceStep(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if s := m * p; s >= x*(1-1e-9) {
			return s
		}
	}
	return 10 * p
}

// niceTicks divides [lo, hi] into about n steps of a nice size: the first tick is at or below lo,
// the last at or above hi.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / float64(n))
	first := math.Floor(lo/step+1e-9) * step
	var ticks []float64
	for i := 0; ; i++ {
		v := round(first + float64(i)*step)
		ticks = append(ticks, v)
		if v >= hi-1e-9*step {
			return ticks
		}
	}
}

// failureBucket is one bar of the errors chart: the failures of the timeline points from StartS to
// EndS, by cause.
type failureBucket struct {
	StartS, EndS float64
	Total        int64
	ByCause      map[string]int64
}

// bucketFailures merges consecutive timeline points into at most maxBars buckets of as many points
// each, so a long run's errors still draw as bars a few pixels wide. Counts add up exactly, unlike
// percentiles, which is why only the errors chart is bucketed.
func bucketFailures(points []Point, maxBars int) []failureBucket {
	if len(points) == 0 {
		return nil
	}
	per := (len(points) + maxBars - 1) / max(maxBars, 1)
	var out []failureBucket
	for chunk := range slices.Chunk(points, per) {
		b := failureBucket{StartS: chunk[0].StartS, EndS: chunk[len(chunk)-1].ElapsedS, ByCause: map[string]int64{}}
		for _, p := range chunk {
			b.Total += p.Failures
			for c, n := range p.FailuresByCause {
				b.ByCause[c] += n
			}
		}
		out = append(out, b)
	}
	return out
}
