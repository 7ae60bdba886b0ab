package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"litellm-aws/loadtest/internal/failures"
	"litellm-aws/loadtest/internal/report"
	"litellm-aws/loadtest/internal/runner"
)

// hostile is text a server or a user controls (an error message, a model name) written to break out
// of the page; it must come out as text.
const hostile = `</td><script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>`

// timeline is a run of n one-second intervals; failing, when given, adds failures of each cause to
// every third interval.
func timeline(n int, failing map[failures.Cause]int64) []runner.Snapshot {
	var s []runner.Snapshot
	for i := range n {
		p := runner.Snapshot{Elapsed: time.Duration(i+1) * time.Second, IntervalSpan: time.Second, Users: 1000,
			IntervalRequests: 1000 + int64(i*10), IntervalRPS: 1000 + float64(i*10),
			IntervalP50: 100 * ms, IntervalP95: 150 * ms, IntervalP99: (200 + time.Duration(i)) * ms, IntervalMax: 300 * ms}
		if i%3 == 1 && len(failing) > 0 {
			p.IntervalFailuresByCause = map[failures.Cause]int64{}
			for c, k := range failing {
				p.IntervalFailuresByCause[c] = k
				p.IntervalFailures += k
			}
		}
		s = append(s, p)
	}
	return s
}

// doc parses page, failing the test if it does not parse.
func doc(t *testing.T, page []byte) *html.Node {
	t.Helper()
	n, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("the page does not parse: %v", err)
	}
	return n
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(m *html.Node) {
		if m.Type == html.TextNode {
			b.WriteString(m.Data)
		}
	})
	return b.String()
}

// find returns the elements named tag (any, if empty) whose class list has class (any, if empty).
func find(root *html.Node, tag, class string) []*html.Node {
	var out []*html.Node
	walk(root, func(n *html.Node) {
		if n.Type == html.ElementNode && (tag == "" || n.Data == tag) && (class == "" || hasClass(n, class)) {
			out = append(out, n)
		}
	})
	return out
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func byID(root *html.Node, id string) *html.Node {
	var found *html.Node
	walk(root, func(n *html.Node) {
		if found == nil && n.Type == html.ElementNode && attr(n, "id") == id {
			found = n
		}
	})
	return found
}

func TestHTML(t *testing.T) {
	type chartWant struct {
		paths, bars int    // at least this many series paths and bars
		empty       string // the text written across an empty chart
	}
	tests := []struct {
		name    string
		res     func() *runner.Result
		opts    report.Options
		verdict string
		charts  map[string]chartWant
		text    []string // in the page's text
	}{
		{"a passing run", func() *runner.Result {
			r := result(1000, append(repeat(90*ms, 95), repeat(140*ms, 5)...), append(repeat(2*ms, 90), repeat(9*ms, 10)...), nil)
			r.Timeline = timeline(10, nil)
			r.AfterRampRequests = 8 * 300 // 300 RPS: above the 1-instance limit, 263.25
			return r
		}, report.Options{Instances: 1}, "PASS", map[string]chartWant{
			"rps": {paths: 1}, "latency": {paths: 3}, "errors": {empty: "No failed requests"}, "overhead": {bars: 2},
		}, []string{"PASS: every check within tolerance of the 1-instance targets", "latency p99", "overhead p95", "all 1000 users started"}},
		{"failures, and hostile text from the server and the command line", func() *runner.Result {
			r := result(1000, repeat(100*ms, 50), repeat(2*ms, 50), map[failures.Cause]int64{"http 503": 6, failures.Timeout: 3})
			r.FailureSamples["http 503"] = hostile
			r.Config.Model = hostile
			r.Timeline = timeline(10, map[failures.Cause]int64{"http 503": 2, failures.Timeout: 1})
			return r
		}, report.Options{Profile: "benchmark", Instances: 4}, "MISS", map[string]chartWant{
			"rps": {paths: 1}, "latency": {paths: 3}, "errors": {bars: 6}, "overhead": {bars: 1},
		}, []string{hostile, "Failures by cause", "http 503 (6)", "timeout (3)", "failure rate"}},
		{"no overhead header, nothing but failures", func() *runner.Result {
			r := result(1000, nil, nil, map[failures.Cause]int64{failures.ConnectionRefused: 40})
			r.Timeline = timeline(4, map[failures.Cause]int64{failures.ConnectionRefused: 10})
			for i := range r.Timeline {
				r.Timeline[i].IntervalP50, r.Timeline[i].IntervalP95, r.Timeline[i].IntervalP99 = 0, 0, 0
				r.Timeline[i].IntervalRequests = r.Timeline[i].IntervalFailures
			}
			return r
		}, report.Options{Profile: "two-instance", Instances: 2}, "MISS", map[string]chartWant{
			"rps": {paths: 1}, "latency": {empty: "No successful response to measure"}, "errors": {bars: 1},
			"overhead": {empty: "No response carried the overhead header"},
		}, []string{"connection refused (40)", "MISS: 6 of 9 checks"}},
		{"a long run: errors merged into fewer bars", func() *runner.Result {
			r := result(1000, repeat(100*ms, 10), repeat(2*ms, 10), map[failures.Cause]int64{"http 502": 400})
			r.Timeline = timeline(1200, map[failures.Cause]int64{"http 502": 1})
			r.Elapsed, r.Config.Duration = 20*time.Minute, 20*time.Minute
			return r
		}, report.Options{Instances: 8}, "MISS", map[string]chartWant{
			"rps": {paths: 1}, "latency": {paths: 3}, "errors": {bars: 100}, "overhead": {bars: 1},
		}, []string{"8 intervals to a bar", "20:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := report.New(tt.res(), tt.opts)
			path := filepath.Join(t.TempDir(), "report.html")
			if err := rep.WriteHTML(path); err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			root := doc(t, page)
			all := text(root)

			// Self-contained: nothing to fetch, nothing to run.
			for _, tag := range []string{"script", "link", "img", "iframe", "object", "embed", "base", "image", "use", "foreignObject"} {
				if n := find(root, tag, ""); len(n) > 0 {
					t.Errorf("the page has a <%s> element", tag)
				}
			}
			walk(root, func(n *html.Node) {
				for _, a := range n.Attr {
					if a.Key == "src" || a.Key == "href" || a.Key == "xlink:href" || strings.HasPrefix(a.Key, "on") ||
						strings.Contains(a.Val, "//") || strings.Contains(a.Val, "url(") {
						t.Errorf("<%s %s=%q> could load or run something", n.Data, a.Key, a.Val)
					}
				}
			})
			for _, style := range find(root, "style", "") {
				if css := text(style); strings.Contains(css, "url(") || strings.Contains(css, "@import") {
					t.Errorf("the style sheet fetches something: %s", css)
				}
			}
			// The only URL is the one tested, as text.
			rest := strings.NewReplacer(rep.Settings.Endpoint, "", rep.Settings.URL, "").Replace(string(page))
			for _, scheme := range []string{"http://", "https://"} {
				if i := strings.Index(rest, scheme); i >= 0 {
					t.Errorf("the page names a URL other than the target: ...%s...", rest[max(i-60, 0):min(i+60, len(rest))])
				}
			}

			// The four charts, each an inline SVG with what it should draw.
			for id, want := range tt.charts {
				fig := byID(root, "chart-"+id)
				if fig == nil {
					t.Errorf("no chart %q", id)
					continue
				}
				if len(find(fig, "svg", "plot")) != 1 {
					t.Errorf("chart %q has no <svg class=plot>", id)
				}
				if got := len(find(fig, "path", "series")); got < want.paths {
					t.Errorf("chart %q draws %d series, want at least %d", id, got, want.paths)
				}
				if got := len(find(fig, "rect", "bar")); got < want.bars {
					t.Errorf("chart %q draws %d bars, want at least %d", id, got, want.bars)
				}
				if empty := find(fig, "text", "empty"); want.empty != "" && (len(empty) != 1 || text(empty[0]) != want.empty) {
					t.Errorf("chart %q should say %q across it", id, want.empty)
				} else if want.empty == "" && len(empty) > 0 {
					t.Errorf("chart %q says %q, want data", id, text(empty[0]))
				}
				if len(find(fig, "text", "")) < 6 {
					t.Errorf("chart %q has too few labels for its axes", id)
				}
			}

			// The verdict: one row per check, with the table's cells.
			rows := find(byID(root, "verdict").Parent, "tr", "")
			var checks []*html.Node
			for _, r := range rows {
				if hasClass(r, "pass") || hasClass(r, "miss") || hasClass(r, "nodata") {
					checks = append(checks, r)
				}
			}
			if len(checks) != len(rep.Verdict.Checks) {
				t.Fatalf("%d verdict rows, want %d", len(checks), len(rep.Verdict.Checks))
			}
			var table strings.Builder
			if err := rep.WriteTable(&table); err != nil {
				t.Fatal(err)
			}
			for i, c := range rep.Verdict.Checks {
				cells := find(checks[i], "td", "")
				if len(cells) != 5 || text(cells[0]) != c.Metric || text(cells[4]) != string(c.Outcome) || !hasClass(checks[i], strings.ReplaceAll(string(c.Outcome), " ", "")) {
					t.Errorf("verdict row %d = %q, want %s ... %s", i, text(checks[i]), c.Metric, c.Outcome)
					continue
				}
				// The same cells as the text table's line.
				line := strings.Join([]string{text(cells[0]), text(cells[1]), text(cells[2]), text(cells[3]), text(cells[4])}, " ")
				if !strings.Contains(strings.Join(strings.Fields(table.String()), " "), line) {
					t.Errorf("verdict row %q is not in the text table:\n%s", line, table.String())
				}
			}
			if s := byID(root, "verdict-summary"); s == nil || !strings.HasPrefix(text(s), tt.verdict) || !hasClass(s, strings.ToLower(tt.verdict)) {
				t.Errorf("verdict summary missing or not %s", tt.verdict)
			}
			for _, w := range tt.text {
				if !strings.Contains(all, w) {
					t.Errorf("the page's text lacks %q", w)
				}
			}
		})
	}
}
