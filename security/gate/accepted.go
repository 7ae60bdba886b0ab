package main

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strings"
)

// Entry is one line of the accepted-findings file: a finding the project has decided to live with.
type Entry struct {
	Line     int
	Scanner  string
	Rule     string
	Resource string // a path.Match pattern over the address, or over <stack>/<address>
	Reason   string
}

func (e Entry) String() string {
	return fmt.Sprintf("%s %s %s", e.Scanner, e.Rule, e.Resource)
}

// Matches reports whether the entry covers f. The resource pattern may name the stack too
// ("litellm-benchmark/aws_s3_bucket.config") to accept a finding in one stack only.
func (e Entry) Matches(f Finding) bool {
	if e.Scanner != f.Scanner || e.Rule != f.Rule {
		return false
	}
	if ok, _ := path.Match(e.Resource, f.Resource); ok {
		return true
	}
	ok, _ := path.Match(e.Resource, f.Stack+"/"+f.Resource)
	return ok
}

// Exact reports whether the entry names one resource rather than a pattern; only such an entry can accept
// a HIGH or CRITICAL finding.
func (e Entry) Exact() bool { return !strings.ContainsAny(e.Resource, "*?[") }

// parseAccepted reads the accepted-findings file. Lines are "<scanner> <rule> <resource> <reason...>"
// separated by blanks; # starts a comment line. It returns every problem, not just the first, so that one
// run shows all the lines to fix.
func parseAccepted(r io.Reader) ([]Entry, []error) {
	var entries []Entry
	var errs []error
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 {
			errs = append(errs, fmt.Errorf("line %d: want <scanner> <rule> <resource> <reason>, got %q", n, line))
			continue
		}
		e := Entry{Line: n, Scanner: fields[0], Rule: fields[1], Resource: fields[2]}
		// The reason is the rest of the line after the third field, blanks inside it kept.
		rest := line
		for _, f := range fields[:3] {
			rest = strings.TrimLeft(rest, " \t")
			rest = rest[len(f):]
		}
		e.Reason = strings.TrimSpace(rest)

		switch e.Scanner {
		case KICS, TFLint, Conftest:
		default:
			errs = append(errs, fmt.Errorf("line %d: unknown scanner %q: allowed kics, tflint, conftest", n, e.Scanner))
		}
		if _, err := path.Match(e.Resource, ""); err != nil {
			errs = append(errs, fmt.Errorf("line %d: resource pattern %q: %v", n, e.Resource, err))
		}
		if e.Reason == "" {
			errs = append(errs, fmt.Errorf("line %d: %s has no reason: say why this finding is acceptable", n, e))
		}
		if first, dup := seen[e.String()]; dup {
			errs = append(errs, fmt.Errorf("line %d: %s is already listed on line %d", n, e, first))
		} else {
			seen[e.String()] = n
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err)
	}
	return entries, errs
}
