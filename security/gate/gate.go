package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Verdict is what the gate decided about one finding.
type Verdict int

const (
	Pass     Verdict = iota // LOW or INFO: reported, never fails the run
	Accepted                // MEDIUM and listed with a reason
	Fail                    // HIGH or CRITICAL, or MEDIUM and not listed
)

// Decision pairs a finding with the verdict and the entry that covered it, if any.
type Decision struct {
	Finding Finding
	Verdict Verdict
	Entry   *Entry
}

// Result is the gate's outcome over all reports.
type Result struct {
	Decisions []Decision
	Stale     []Entry // entries for a scanner that ran but matched no finding
}

// Failed reports whether any finding failed the gate.
func (r Result) Failed() bool {
	for _, d := range r.Decisions {
		if d.Verdict == Fail {
			return true
		}
	}
	return false
}

func (r Result) count(v Verdict) int {
	n := 0
	for _, d := range r.Decisions {
		if d.Verdict == v {
			n++
		}
	}
	return n
}

// Evaluate applies the policy. MEDIUM fails unless an entry covers it; LOW and INFO pass. HIGH and
// CRITICAL fail unless an entry names the exact resource (no wildcard) and the finding comes from KICS or
// tflint: a deliberate, reviewed exception for one resource, such as the internet-facing load balancer's
// listener ports, never a blanket one, and never for the project's own conftest policies, which state
// what the stacks promise. scanned names the scanners whose reports were read, so that entries for a
// scanner that did not run are not called stale.
func Evaluate(findings []Finding, entries []Entry, scanned map[string]bool) Result {
	used := make([]bool, len(entries))
	var r Result
	for _, f := range findings {
		d := Decision{Finding: f, Verdict: Pass}
		var exact *Entry
		for i := range entries {
			if entries[i].Matches(f) {
				used[i] = true
				if d.Entry == nil {
					d.Entry = &entries[i]
				}
				if exact == nil && entries[i].Exact() {
					exact = &entries[i]
				}
			}
		}
		switch {
		case f.Severity >= High && exact != nil && f.Scanner != Conftest:
			d.Entry, d.Verdict = exact, Accepted
		case f.Severity >= High:
			d.Verdict = Fail
		case f.Severity == Medium && d.Entry != nil:
			d.Verdict = Accepted
		case f.Severity == Medium:
			d.Verdict = Fail
		}
		r.Decisions = append(r.Decisions, d)
	}
	for i, e := range entries {
		if !used[i] && scanned[e.Scanner] {
			r.Stale = append(r.Stale, e)
		}
	}
	sort.SliceStable(r.Decisions, func(i, j int) bool {
		a, b := r.Decisions[i], r.Decisions[j]
		if a.Verdict != b.Verdict {
			return a.Verdict > b.Verdict
		}
		if a.Finding.Severity != b.Finding.Severity {
			return a.Finding.Severity > b.Finding.Severity
		}
		if a.Finding.Scanner != b.Finding.Scanner {
			return a.Finding.Scanner < b.Finding.Scanner
		}
		return a.Finding.Rule < b.Finding.Rule
	})
	return r
}

// Print writes the summary people read: failures first with the line to add for acceptable ones, then
// accepted findings with their reasons, then stale entries. LOW and INFO findings are listed only when
// verbose, since there are many and they never fail the run.
func (r Result) Print(w io.Writer, acceptedFile string, verbose bool) {
	for _, d := range r.Decisions {
		f := d.Finding
		switch {
		case d.Verdict == Fail:
			fmt.Fprintf(w, "FAIL      %s\n", describe(f))
			switch {
			case f.Severity >= High && d.Entry != nil:
				fmt.Fprintf(w, "          %s:%d lists it, but a %s finding can be accepted only from kics or tflint, for one exact resource: fix the resource\n",
					acceptedFile, d.Entry.Line, f.Severity)
			case f.Severity == Medium:
				fmt.Fprintf(w, "          to accept, add to %s:  %s %s %s <reason>\n",
					acceptedFile, f.Scanner, f.Rule, orStar(f.Resource))
			}
		case d.Verdict == Accepted:
			fmt.Fprintf(w, "ACCEPTED  %s\n          %s:%d: %s\n", describe(f), acceptedFile, d.Entry.Line, d.Entry.Reason)
		case verbose:
			fmt.Fprintf(w, "PASS      %s\n", describe(f))
		}
	}
	for _, e := range r.Stale {
		fmt.Fprintf(w, "STALE     %s:%d: %s matches no finding: remove it\n", acceptedFile, e.Line, e)
	}
	bySeverity := map[Severity]int{}
	for _, d := range r.Decisions {
		bySeverity[d.Finding.Severity]++
	}
	var counts []string
	for s := Critical; s >= Info; s-- {
		counts = append(counts, fmt.Sprintf("%d %s", bySeverity[s], s))
	}
	status := "PASSED"
	if r.Failed() {
		status = "FAILED"
	}
	fmt.Fprintf(w, "security gate %s: %d failing, %d accepted, %d low/info passed, %d stale entries (findings: %s)\n",
		status, r.count(Fail), r.count(Accepted), r.count(Pass), len(r.Stale), strings.Join(counts, ", "))
}

// describe is a finding as one line of what an accepted entry would name, then what is wrong.
func describe(f Finding) string {
	where := f.File
	if f.Line > 0 {
		where = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	s := fmt.Sprintf("%-8s %-8s %s  %s  %s", f.Severity, f.Scanner, f.Rule, orStar(f.Resource), where)
	for _, more := range []string{f.Title, f.Detail} {
		if more != "" && more != f.Rule {
			s += "\n          " + more
		}
	}
	return s
}

func orStar(resource string) string {
	if resource == "" {
		return "*"
	}
	return resource
}
