package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"litellm-aws/loadtest/internal/targets"
)

// A chart is drawn as inline SVG from these figures, computed here so the template only places them.
// Coordinates are SVG user units in a chartWidth x chartHeight view box that scales with the page.
const (
	chartWidth  = 600
	chartHeight = 280
	plotLeft    = 58
	plotRight   = 14
	plotTop     = 16
	plotBottom  = 36
	// maxErrorBars keeps the error bars of a long run a few pixels wide: beyond it, seconds are merged.
	maxErrorBars = 150
)

// The colours of the series; each percentile keeps its colour in every chart and in the tables.
const (
	colourRPS   = "#0f766e"
	colourP50   = "#2563eb"
	colourP95   = "#d97706"
	colourP99   = "#dc2626"
	colourRule  = "#64748b"
	colourLimit = "#9333ea"
	colourBars  = "#0891b2"
)

// causeColours are given to failure causes, the most frequent first.
var causeColours = []string{"#dc2626", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569", "#0f172a"}

type chart struct {
	ID, Title, Note string
	XLabel, YLabel  string
	// Left, Top, Right and Bottom bound the plot area.
	Left, Top, Right, Bottom float64
	XTicks, YTicks           []tick
	Paths                    []path
	Bars                     []bar
	Rules                    []rule
	Legend                   []legendEntry
	// Empty, when set, is written across the plot instead of data.
	Empty string
}

type tick struct {
	At    float64 // x for an x tick, y for a y tick
	Label string
}

// path is one line series; D is its SVG path data, broken where the series has no value.
type path struct {
	Name, Colour, D string
	Dashed          bool
}

type bar struct {
	X, Y, W, H    float64
	Colour, Title string
}

// rule is a reference line (a limit, the end of the ramp-up) with its label at (LX, LY).
type rule struct {
	X1, Y1, X2, Y2 float64
	Colour, Label  string
	LX, LY         float64
	Anchor         string // text-anchor of the label: start or end
}

type legendEntry struct {
	Name, Colour string
	Dashed       bool
}

// scale maps data to the plot area: x from x0 to x1, y from 0 to y1.
type scale struct {
	x0, x1, y1 float64
}

func newChart(id, title, xLabel, yLabel string) *chart {
	return &chart{ID: id, Title: title, XLabel: xLabel, YLabel: yLabel,
		Left: plotLeft, Top: plotTop, Right: chartWidth - plotRight, Bottom: chartHeight - plotBottom}
}

// MidX and MidY are the middle of the plot area, where Empty is written.
func (c *chart) MidX() float64 { return (c.Left + c.Right) / 2 }
func (c *chart) MidY() float64 { return (c.Top + c.Bottom) / 2 }

func (c *chart) x(s scale, v float64) float64 {
	return c.Left + (v-s.x0)/(s.x1-s.x0)*(c.Right-c.Left)
}

func (c *chart) y(s scale, v float64) float64 {
	return c.Bottom - min(max(v, 0), s.y1)/s.y1*(c.Bottom-c.Top)
}

// axes sets the ticks and returns the scale: x over [x0, x1] with ticks from xTicks, y from 0 to a
// nice value at or above yTop.
func (c *chart) axes(x0, x1 float64, xTicks []float64, xFormat func(float64) string, yTop float64, yFormat func(float64) string) scale {
	ys := niceTicks(0, yTop, 5)
	s := scale{x0: x0, x1: max(x1, x0+1e-9), y1: ys[len(ys)-1]}
	for _, v := range xTicks {
		if v >= x0-1e-9 && v <= s.x1+1e-9 {
			c.XTicks = append(c.XTicks, tick{At: c.x(s, v), Label: xFormat(v)})
		}
	}
	for _, v := range ys {
		c.YTicks = append(c.YTicks, tick{At: c.y(s, v), Label: yFormat(v)})
	}
	return s
}

// line draws the series (x, y) as one path, lifting the pen over the points where has is false.
func (c *chart) line(s scale, name, colour string, xs, ys []float64, has func(int) bool) {
	var d strings.Builder
	pen := false
	for i := range xs {
		if !has(i) {
			pen = false
			continue
		}
		op := "L"
		if !pen {
			op = "M"
		}
		fmt.Fprintf(&d, "%s%.1f %.1f ", op, c.x(s, xs[i]), c.y(s, ys[i]))
		pen = true
	}
	c.Paths = append(c.Paths, path{Name: name, Colour: colour, D: strings.TrimSpace(d.String())})
	c.Legend = append(c.Legend, legendEntry{Name: name, Colour: colour})
}

// hRule draws a dashed horizontal reference at y = v, labelled at the right end.
func (c *chart) hRule(s scale, v float64, colour, label string) {
	y := c.y(s, v)
	c.Rules = append(c.Rules, rule{X1: c.Left, Y1: y, X2: c.Right, Y2: y, Colour: colour, Label: label, LX: c.Right - 4, LY: y - 4, Anchor: "end"})
}

// vRule draws a dashed vertical reference at x = v, labelled at the top; row staggers labels that
// would otherwise print over each other.
func (c *chart) vRule(s scale, v float64, colour, label string, row int) {
	x := c.x(s, v)
	anchor, lx := "start", x+4
	if x > (c.Left+c.Right)/2 {
		anchor, lx = "end", x-4
	}
	c.Rules = append(c.Rules, rule{X1: x, Y1: c.Top, X2: x, Y2: c.Bottom, Colour: colour, Label: label, LX: lx, LY: c.Top + 12 + float64(row)*13, Anchor: anchor})
}

// timeAxis returns the end of the time axis (the run's length, or the last point if later) and its
// ticks: whole seconds, minutes or hours, about six of them.
func timeAxis(r *Report) (end float64, ticks []float64) {
	end = max(r.ElapsedSeconds, 1)
	if n := len(r.Timeline); n > 0 {
		end = max(end, r.Timeline[n-1].ElapsedS)
	}
	step := 3600.0
	for _, s := range []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600} {
		if end/s <= 7 {
			step = s
			break
		}
	}
	for v := 0.0; v <= end+1e-9; v += step {
		ticks = append(ticks, v)
	}
	return end, ticks
}

// clock prints seconds of the run as people read them on a time axis: 45 s, 2:30, 1:00:00.
func clock(s float64) string {
	t := int(math.Round(s))
	switch {
	case t < 120:
		return strconv.Itoa(t) + " s"
	case t < 3600:
		return fmt.Sprintf("%d:%02d", t/60, t%60)
	}
	return fmt.Sprintf("%d:%02d:%02d", t/3600, t/60%60, t%60)
}

// num prints v with at most three significant digits (whole numbers from 1000 up), no trailing zeros.
func num(v float64) string {
	if math.Abs(v) >= 1000 {
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	}
	if v == 0 {
		return "0"
	}
	p := math.Pow(10, 2-math.Floor(math.Log10(math.Abs(v))))
	return strconv.FormatFloat(math.Round(v*p)/p, 'f', -1, 64)
}

func midpoints(ps []Point) []float64 {
	xs := make([]float64, len(ps))
	for i, p := range ps {
		xs[i] = (p.StartS + p.ElapsedS) / 2
	}
	return xs
}

// limitFor returns the verdict's limit for metric, and whether the verdict has it.
func limitFor(v targets.Verdict, metric string) (float64, bool) {
	for _, c := range v.Checks {
		if c.Metric == metric {
			return c.Limit, true
		}
	}
	return 0, false
}

// rpsChart is requests per second over time, with the RPS limit and the end of the ramp-up.
func rpsChart(r *Report) *chart {
	c := newChart("rps", "Requests per second", "time since start", "req/s")
	end, ticks := timeAxis(r)
	ys := make([]float64, len(r.Timeline))
	top := 0.0
	for i, p := range r.Timeline {
		ys[i] = p.RPS
		top = max(top, p.RPS)
	}
	limit, hasLimit := limitFor(r.Verdict, "RPS")
	// A limit far above the run would flatten the measured line against the axis: name it instead.
	showLimit := hasLimit && limit <= 3*top
	if showLimit {
		top = max(top, limit)
	}
	s := c.axes(0, end, ticks, clock, max(top*1.1, 1), num)
	c.line(s, "req/s in each interval", colourRPS, midpoints(r.Timeline), ys, func(int) bool { return true })
	notes := []string{"completed requests per interval, failures included, as Locust counts them"}
	if showLimit {
		c.hRule(s, limit, colourLimit, "verdict limit "+num(limit))
		c.Legend = append(c.Legend, legendEntry{Name: "verdict limit", Colour: colourLimit, Dashed: true})
	} else if hasLimit {
		notes = append(notes, fmt.Sprintf("the verdict's limit, %s req/s, is off the chart", num(limit)))
	}
	if r.RampUpSeconds != nil {
		c.vRule(s, *r.RampUpSeconds, colourRule, fmt.Sprintf("all %d users started", r.UsersSpawned), 0)
	}
	if len(r.Timeline) == 0 {
		c.Empty = "No interval completed"
	}
	c.Note = strings.Join(notes, "; ")
	return c
}

// latencyChart is p50, p95 and p99 of each interval over time, with the verdict's limits when they
// fit on the same scale.
func latencyChart(r *Report) *chart {
	c := newChart("latency", "Latency percentiles", "time since start", "ms")
	end, ticks := timeAxis(r)
	series := []struct {
		name, metric, colour string
		value                func(Point) float64
	}{
		{"p50", "latency p50", colourP50, func(p Point) float64 { return p.P50 }},
		{"p95", "latency p95", colourP95, func(p Point) float64 { return p.P95 }},
		{"p99", "latency p99", colourP99, func(p Point) float64 { return p.P99 }},
	}
	top := 0.0
	for _, p := range r.Timeline {
		top = max(top, p.P99)
	}
	dataTop := top
	var shown, hidden []string
	for _, se := range series {
		if l, ok := limitFor(r.Verdict, se.metric); ok && dataTop > 0 && l <= 2*dataTop {
			top = max(top, l)
		}
	}
	s := c.axes(0, end, ticks, clock, max(top*1.1, 1), num)
	xs := midpoints(r.Timeline)
	for _, se := range series {
		ys := make([]float64, len(r.Timeline))
		for i, p := range r.Timeline {
			ys[i] = se.value(p)
		}
		// An interval without a success has no latency: a gap, not a drop to zero.
		c.line(s, se.name, se.colour, xs, ys, func(i int) bool { return r.Timeline[i].Requests > r.Timeline[i].Failures })
	}
	for _, se := range series {
		l, ok := limitFor(r.Verdict, se.metric)
		switch {
		case !ok:
		case dataTop > 0 && l <= 2*dataTop:
			c.hRule(s, l, se.colour, se.name+" limit "+num(l))
			shown = append(shown, se.name)
		default:
			hidden = append(hidden, se.name+" "+num(l))
		}
	}
	notes := []string{"successful responses in each interval, as the client saw them"}
	if len(shown) > 0 {
		notes = append(notes, "dashed: the verdict's limits")
	}
	if len(hidden) > 0 {
		notes = append(notes, "limits off the chart: "+strings.Join(hidden, ", ")+" ms")
	}
	c.Note = strings.Join(notes, "; ")
	if dataTop == 0 {
		c.Empty = "No successful response to measure"
	}
	return c
}

// errorsChart stacks the failures of each interval (or of merged intervals, in a long run) by cause.
func errorsChart(r *Report) *chart {
	c := newChart("errors", "Failed requests", "time since start", "failures")
	end, ticks := timeAxis(r)
	buckets := bucketFailures(r.Timeline, maxErrorBars)
	top := 0.0
	for _, b := range buckets {
		top = max(top, float64(b.Total))
	}
	// The most frequent cause first, at the bottom of each stack and first in the legend.
	causes := r.causesByCount()
	colour := map[string]string{}
	for i, cause := range causes {
		colour[cause] = causeColours[min(i, len(causeColours)-1)]
		c.Legend = append(c.Legend, legendEntry{Name: fmt.Sprintf("%s (%d)", cause, r.Failures.ByCause[cause]), Colour: colour[cause]})
	}
	// Counts are whole: at least five on the axis, so its ticks never fall between two.
	s := c.axes(0, end, ticks, clock, max(top*1.1, 5), num)
	for _, b := range buckets {
		x0, x1 := c.x(s, b.StartS), c.x(s, b.EndS)
		w := max(x1-x0-1, 1) // a pixel between bars
		base := 0.0
		for _, cause := range causes {
			n := b.ByCause[cause]
			if n == 0 {
				continue
			}
			yTop, yBase := c.y(s, base+float64(n)), c.y(s, base)
			c.Bars = append(c.Bars, bar{X: x0, Y: yTop, W: w, H: yBase - yTop, Colour: colour[cause],
				Title: fmt.Sprintf("%s to %s: %d %s", clock(b.StartS), clock(b.EndS), n, cause)})
			base += float64(n)
		}
	}
	note := "each interval's failed requests by cause"
	if len(buckets) < len(r.Timeline) {
		note = fmt.Sprintf("failed requests by cause, %d intervals to a bar", (len(r.Timeline)+len(buckets)-1)/len(buckets))
	}
	c.Note = note
	if r.Failures.Total == 0 {
		c.Empty = "No failed requests"
	}
	return c
}

// overheadChart is the distribution of LiteLLM's own overhead, with its measured percentiles.
func overheadChart(r *Report) *chart {
	c := newChart("overhead", "LiteLLM overhead (x-litellm-overhead-duration-ms)", "ms", "responses")
	bins := r.OverheadHistogram
	if len(bins) == 0 {
		c.axes(0, 1, niceTicks(0, 1, 5), num, 5, num)
		c.Empty = "No response carried the overhead header"
		c.Note = "LiteLLM reports its own share of each response's latency in this header"
		return c
	}
	equal := bins
	var rest *Bin
	if n := len(bins); n > 1 && bins[n-1].ToMS-bins[n-1].FromMS > bins[0].ToMS-bins[0].FromMS+1e-9 {
		equal, rest = bins[:n-1], &bins[n-1]
	}
	width := equal[0].ToMS - equal[0].FromMS
	x0, x1 := equal[0].FromMS, equal[len(equal)-1].ToMS
	if rest != nil {
		x1 += 2 * width // room for the bar of everything above
	}
	top := 0.0
	for _, b := range bins {
		top = max(top, float64(b.Count))
	}
	s := c.axes(x0, x1, niceTicks(x0, equal[len(equal)-1].ToMS, 8), num, max(top*1.15, 5), num)
	draw := func(from, to float64, b Bin, label string) {
		xa, xb := c.x(s, from), c.x(s, to)
		y := c.y(s, float64(b.Count))
		c.Bars = append(c.Bars, bar{X: xa, Y: y, W: max(xb-xa-0.5, 0.5), H: c.Bottom - y, Colour: colourBars,
			Title: fmt.Sprintf("%s ms: %d responses", label, b.Count)})
	}
	for _, b := range equal {
		if b.Count > 0 {
			draw(b.FromMS, b.ToMS, b, num(b.FromMS)+" to "+num(b.ToMS))
		}
	}
	if rest != nil {
		end := equal[len(equal)-1].ToMS
		draw(end+0.5*width, end+1.5*width, *rest, num(rest.FromMS)+" to "+num(rest.ToMS))
		c.XTicks = append(c.XTicks, tick{At: c.x(s, end+width), Label: "> " + num(end)})
	}
	for i, p := range []struct {
		name, colour string
		v            float64
	}{{"p50", colourP50, r.OverheadMS.P50}, {"p95", colourP95, r.OverheadMS.P95}, {"p99", colourP99, r.OverheadMS.P99}} {
		c.vRule(s, min(p.v, x1), p.colour, p.name+" "+num(p.v), i)
		c.Legend = append(c.Legend, legendEntry{Name: p.name + " " + num(p.v) + " ms", Colour: p.colour, Dashed: true})
	}
	c.Note = fmt.Sprintf("%d responses in bins of %s ms", r.OverheadMS.Count, num(width))
	if rest != nil {
		c.Note += fmt.Sprintf("; the last bar holds the %d above the 99.9th percentile, up to %s ms", rest.Count, num(rest.ToMS))
	}
	return c
}
