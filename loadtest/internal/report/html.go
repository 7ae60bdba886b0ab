package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"strconv"
	"strings"

	"litellm-aws/loadtest/internal/targets"
)

//go:embed report.html.tmpl
var pageSource string

// page is parsed once; html/template escapes every value by where it lands (text, attribute, SVG).
var page = template.Must(template.New("report").Funcs(template.FuncMap{
	// f1 prints an SVG coordinate: a tenth of a unit is finer than a pixel.
	"f1":  func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"add": func(a, b float64) float64 { return a + b },
}).Parse(pageSource))

// htmlPage is what the template shows: the report, and everything derived from it for display.
type htmlPage struct {
	R         *Report
	Started   string
	RunLine   string
	Verdict   string
	Tolerance string
	Checks    []checkRow
	Cards     []card
	Charts    []*chart
	ChartW    float64
	ChartH    float64
	Dists     []distRow
	Failures  []failureRow
	PassClass string
}

// card is one figure in the summary strip.
type card struct {
	Label, Value, Detail string
}

// distRow is a line of the figures table; Empty when nothing was measured.
type distRow struct {
	Name                              string
	Empty                             bool
	Count                             int64
	Avg, Min, P50, P90, P95, P99, Max string
}

// failureRow is a line of the failures table, in the colour the errors chart gives its cause.
type failureRow struct {
	Cause, Share, Sample string
	Count                int64
	Colour               string
}

// WriteHTML writes r to path as one self-contained page (inline CSS and SVG, nothing fetched when it
// is opened), replacing any file there.
func (r *Report) WriteHTML(path string) error {
	var b bytes.Buffer
	if err := r.RenderHTML(&b); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// RenderHTML writes r as a self-contained HTML page to w.
func (r *Report) RenderHTML(w io.Writer) error {
	p := htmlPage{
		R:         r,
		Started:   r.Started.UTC().Format("2006-01-02 15:04:05 UTC"),
		RunLine:   r.runLine(),
		Verdict:   r.Verdict.String(),
		Tolerance: toleranceLine(),
		Checks:    checkRows(r.Verdict),
		Charts:    []*chart{rpsChart(r), latencyChart(r), errorsChart(r), overheadChart(r)},
		ChartW:    chartWidth,
		ChartH:    chartHeight,
		PassClass: "miss",
	}
	if r.Verdict.Pass {
		p.PassClass = "pass"
	}
	rps, rpsDetail := r.RPS, "over the whole run"
	if r.RPSAfterRampUp != nil {
		rps, rpsDetail = *r.RPSAfterRampUp, fmt.Sprintf("after the ramp-up (%.1f over the run)", r.RPS)
	}
	p.Cards = []card{
		{"requests", strconv.FormatInt(r.Requests, 10), fmt.Sprintf("%d users, %.1f s", r.UsersSpawned, r.ElapsedSeconds)},
		{"failures", fmt.Sprintf("%.2f%%", r.Failures.Rate*100), fmt.Sprintf("%d requests", r.Failures.Total)},
		{"RPS", fmt.Sprintf("%.1f", rps), rpsDetail},
		{"latency p50 / p95 / p99", dists3(r.LatencyMS), "ms, successful responses"},
		{"LiteLLM overhead p50 / p95 / p99", dists3(r.OverheadMS), "ms, x-litellm-overhead-duration-ms"},
	}
	for _, row := range []struct {
		name string
		d    Distribution
	}{{"latency", r.LatencyMS}, {"LiteLLM overhead", r.OverheadMS}} {
		d := row.d
		if d.Count == 0 {
			p.Dists = append(p.Dists, distRow{Name: row.name, Empty: true})
			continue
		}
		f := func(v float64) string { return fmt.Sprintf("%.1f", v) }
		p.Dists = append(p.Dists, distRow{Name: row.name, Count: d.Count, Avg: f(d.Avg), Min: f(d.Min), P50: f(d.P50),
			P90: f(d.P90), P95: f(d.P95), P99: f(d.P99), Max: f(d.Max)})
	}
	for i, c := range r.causesByCount() {
		n := r.Failures.ByCause[c]
		p.Failures = append(p.Failures, failureRow{Cause: c, Count: n, Colour: causeColours[min(i, len(causeColours)-1)],
			Share: fmt.Sprintf("%.2f%%", float64(n)/float64(max(r.Requests, 1))*100), Sample: oneLine(r.Failures.Samples[c])})
	}
	return page.Execute(w, p)
}

func dists3(d Distribution) string {
	if d.Count == 0 {
		return "-"
	}
	return strings.Join([]string{num(d.P50), num(d.P95), num(d.P99)}, " / ")
}

// Class is the CSS class of a verdict line.
func (c checkRow) Class() string {
	switch c.Outcome {
	case targets.Pass:
		return "pass"
	case targets.Miss:
		return "miss"
	}
	return "nodata"
}
