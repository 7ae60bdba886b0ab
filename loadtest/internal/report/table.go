package report

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"litellm-aws/loadtest/internal/targets"
)

// WriteTable prints r for a person: the run, the figures, failures by cause, the verdict and the notes.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "LiteLLM load test: POST %s (model %s)\n", r.Settings.Endpoint, r.Settings.Model)
	fmt.Fprintf(&b, "%s\n\n", r.runLine())

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "requests\t%d\n", r.Requests)
	fmt.Fprintf(tw, "failures\t%d (%.2f%%)\n", r.Failures.Total, r.Failures.Rate*100)
	fmt.Fprintf(tw, "RPS\t%.1f\n", r.RPS)
	if r.RPSAfterRampUp != nil {
		fmt.Fprintf(tw, "RPS after ramp-up\t%.1f\n", *r.RPSAfterRampUp)
	} else {
		fmt.Fprintf(tw, "RPS after ramp-up\tn/a\n")
	}
	tw.Flush()

	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-16s\tcount\tavg\tmin\tp50\tp90\tp95\tp99\tmax\t\n", "(ms)")
	for _, row := range []struct {
		name string
		d    Distribution
	}{{"latency", r.LatencyMS}, {"LiteLLM overhead", r.OverheadMS}} {
		if row.d.Count == 0 {
			fmt.Fprintf(tw, "%-16s\t0\t-\t-\t-\t-\t-\t-\t-\t\n", row.name)
			continue
		}
		d := row.d
		fmt.Fprintf(tw, "%-16s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", row.name, d.Count, d.Avg, d.Min, d.P50, d.P90, d.P95, d.P99, d.Max)
	}
	tw.Flush()
	if r.NoOverhead > 0 {
		fmt.Fprintf(&b, "(%d successful responses had no x-litellm-overhead-duration-ms header)\n", r.NoOverhead)
	}

	if r.Failures.Total > 0 {
		b.WriteString("\nFailures by cause\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  cause\tcount\tshare\tfirst error\n")
		for _, c := range r.causesByCount() {
			n := r.Failures.ByCause[c]
			fmt.Fprintf(tw, "  %s\t%d\t%.2f%%\t%s\n", c, n, float64(n)/float64(max(r.Requests, 1))*100, oneLine(r.Failures.Samples[c]))
		}
		tw.Flush()
	}

	v := r.Verdict
	fmt.Fprintf(&b, "\nVerdict against %d instances: %s\n", v.Instances, v.Source)
	fmt.Fprintf(&b, "tolerance: %s\n", toleranceLine())
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  check\ttarget\tlimit\tmeasured\tresult\n")
	for _, c := range checkRows(v) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.Metric, c.Target, c.Limit, c.Measured, c.Outcome)
	}
	tw.Flush()
	fmt.Fprintf(&b, "%s\n", v)
	if len(r.Notes) > 0 {
		b.WriteString("\nNotes\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// runLine says how the run went: users, spawn rate, ramp-up, wait and time.
func (r *Report) runLine() string {
	s := r.Settings
	ramp := "ramp-up not finished"
	if r.RampUpSeconds != nil {
		ramp = fmt.Sprintf("ramp-up %.2f s", *r.RampUpSeconds)
	}
	return fmt.Sprintf("%d of %d users started at %g/s (%s), wait %s-%s, ran %.1f s of %s",
		r.UsersSpawned, s.Users, s.SpawnRate, ramp, secs(s.WaitMinS), secs(s.WaitMaxS), r.ElapsedSeconds, secs(s.DurationS))
}

// checkRow is one line of the verdict as the table and the HTML page print it.
type checkRow struct {
	Metric, Target, Limit, Measured string
	Outcome                         targets.Outcome
}

func checkRows(v targets.Verdict) []checkRow {
	rows := make([]checkRow, 0, len(v.Checks))
	for _, c := range v.Checks {
		op := "<="
		if c.AtLeast {
			op = ">="
		}
		measured := fmt.Sprintf("%.1f", c.Measured)
		if c.Outcome == targets.NoData {
			measured = "-"
		}
		rows = append(rows, checkRow{Metric: c.Metric, Target: fmt.Sprintf("%.1f %s", c.Target, c.Unit),
			Limit: fmt.Sprintf("%s %.1f", op, c.Limit), Measured: measured, Outcome: c.Outcome})
	}
	return rows
}

func toleranceLine() string {
	return fmt.Sprintf("RPS -%.0f%%, latency +%.0f%%, overhead +%.0f%% +1 ms, failures at most %.0f%%",
		targets.RPSTolerance*100, targets.LatencyTolerance*100, targets.OverheadTolerance*100, targets.MaxFailureRate*100)
}

// causesByCount lists the failure causes, the most frequent first; ties by name so that the same run
// always prints the same.
func (r *Report) causesByCount() []string {
	return slices.SortedFunc(maps.Keys(r.Failures.ByCause), func(a, c string) int {
		return cmp.Or(cmp.Compare(r.Failures.ByCause[c], r.Failures.ByCause[a]), strings.Compare(a, c))
	})
}

func secs(s float64) string {
	return time.Duration(s * float64(time.Second)).String()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	return s
}
