package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	bucket := Finding{Scanner: KICS, Rule: "q-1", Title: "S3 Bucket Logging Disabled", Stack: "litellm-benchmark", Resource: "aws_s3_bucket.config"}
	with := func(f Finding, s Severity) Finding { f.Severity = s; return f }
	entry := func(scanner, rule, resource string) Entry {
		return Entry{Line: 7, Scanner: scanner, Rule: rule, Resource: resource, Reason: "because"}
	}
	allScanned := map[string]bool{KICS: true, TFLint: true, Conftest: true}

	tests := []struct {
		name      string
		findings  []Finding
		entries   []Entry
		scanned   map[string]bool
		wantFail  bool
		verdicts  []Verdict // in the order of findings given (one finding per case keeps it unambiguous)
		wantStale int
	}{
		{
			name:     "no findings pass",
			scanned:  allScanned,
			wantFail: false,
		},
		{
			name:     "high fails",
			findings: []Finding{with(bucket, High)},
			scanned:  allScanned,
			wantFail: true,
			verdicts: []Verdict{Fail},
		},
		{
			name:     "high listed with a wildcard fails",
			findings: []Finding{with(bucket, High)},
			entries:  []Entry{entry(KICS, "q-1", "aws_s3_bucket.*")},
			scanned:  allScanned,
			wantFail: true,
			verdicts: []Verdict{Fail},
		},
		{
			name:     "high listed for its exact resource passes",
			findings: []Finding{with(bucket, High)},
			entries:  []Entry{entry(KICS, "q-1", "aws_s3_bucket.*"), entry(KICS, "q-1", "aws_s3_bucket.config")},
			scanned:  allScanned,
			wantFail: false,
			verdicts: []Verdict{Accepted},
		},
		{
			name:     "critical fails even if listed with a wildcard",
			findings: []Finding{with(bucket, Critical)},
			entries:  []Entry{entry(KICS, "q-1", "*")},
			scanned:  allScanned,
			wantFail: true,
			verdicts: []Verdict{Fail},
		},
		{
			name:     "medium unlisted fails",
			findings: []Finding{with(bucket, Medium)},
			scanned:  allScanned,
			wantFail: true,
			verdicts: []Verdict{Fail},
		},
		{
			name:     "medium listed passes",
			findings: []Finding{with(bucket, Medium)},
			entries:  []Entry{entry(KICS, "q-1", "aws_s3_bucket.config")},
			scanned:  allScanned,
			verdicts: []Verdict{Accepted},
		},
		{
			name:     "medium listed with star passes",
			findings: []Finding{with(bucket, Medium)},
			entries:  []Entry{entry(KICS, "q-1", "*")},
			scanned:  allScanned,
			verdicts: []Verdict{Accepted},
		},
		{
			name:     "medium listed with a glob passes",
			findings: []Finding{with(bucket, Medium)},
			entries:  []Entry{entry(KICS, "q-1", "aws_s3_bucket.*")},
			scanned:  allScanned,
			verdicts: []Verdict{Accepted},
		},
		{
			name:     "medium listed for its stack passes",
			findings: []Finding{with(bucket, Medium)},
			entries:  []Entry{entry(KICS, "q-1", "litellm-benchmark/aws_s3_bucket.config")},
			scanned:  allScanned,
			verdicts: []Verdict{Accepted},
		},
		{
			name:      "medium listed for another stack fails",
			findings:  []Finding{with(bucket, Medium)},
			entries:   []Entry{entry(KICS, "q-1", "litellm-two-instance/aws_s3_bucket.config")},
			scanned:   allScanned,
			wantFail:  true,
			verdicts:  []Verdict{Fail},
			wantStale: 1,
		},
		{
			name:      "medium listed for another resource fails",
			findings:  []Finding{with(bucket, Medium)},
			entries:   []Entry{entry(KICS, "q-1", "aws_s3_bucket.logs")},
			scanned:   allScanned,
			wantFail:  true,
			verdicts:  []Verdict{Fail},
			wantStale: 1,
		},
		{
			name:      "medium listed for another scanner fails",
			findings:  []Finding{with(bucket, Medium)},
			entries:   []Entry{entry(TFLint, "q-1", "*")},
			scanned:   allScanned,
			wantFail:  true,
			verdicts:  []Verdict{Fail},
			wantStale: 1,
		},
		{
			name:     "low passes",
			findings: []Finding{with(bucket, Low)},
			scanned:  allScanned,
			verdicts: []Verdict{Pass},
		},
		{
			name:     "info passes",
			findings: []Finding{with(bucket, Info)},
			scanned:  allScanned,
			verdicts: []Verdict{Pass},
		},
		{
			name:     "entry matching a low finding is not stale",
			findings: []Finding{with(bucket, Low)},
			entries:  []Entry{entry(KICS, "q-1", "*")},
			scanned:  allScanned,
			verdicts: []Verdict{Pass},
		},
		{
			name:      "entry matching nothing is stale",
			entries:   []Entry{entry(Conftest, "IAM_002", "*")},
			scanned:   allScanned,
			wantStale: 1,
		},
		{
			name:    "entry for a scanner that did not run is not stale",
			entries: []Entry{entry(Conftest, "IAM_002", "*")},
			scanned: map[string]bool{KICS: true},
		},
		{
			name:     "finding without a resource is matched by star",
			findings: []Finding{{Scanner: TFLint, Rule: "terraform_required_version", Severity: Medium}},
			entries:  []Entry{entry(TFLint, "terraform_required_version", "*")},
			scanned:  allScanned,
			verdicts: []Verdict{Accepted},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(tt.findings, tt.entries, tt.scanned)
			if got := r.Failed(); got != tt.wantFail {
				t.Errorf("Failed() = %v, want %v", got, tt.wantFail)
			}
			if len(r.Decisions) != len(tt.verdicts) {
				t.Fatalf("got %d decisions, want %d", len(r.Decisions), len(tt.verdicts))
			}
			for i, d := range r.Decisions {
				if d.Verdict != tt.verdicts[i] {
					t.Errorf("decision %d: verdict %d, want %d", i, d.Verdict, tt.verdicts[i])
				}
			}
			if len(r.Stale) != tt.wantStale {
				t.Errorf("stale entries %v, want %d", r.Stale, tt.wantStale)
			}
			// The summary must always render, and say the verdict.
			var out bytes.Buffer
			r.Print(&out, "accepted.txt", true)
			want := "PASSED"
			if tt.wantFail {
				want = "FAILED"
			}
			if !strings.Contains(out.String(), "security gate "+want) {
				t.Errorf("summary lacks %q:\n%s", want, out.String())
			}
		})
	}
}

func TestPrintTellsHowToAccept(t *testing.T) {
	f := Finding{Scanner: KICS, Rule: "q-1", Title: "t", Severity: Medium, Resource: "aws_s3_bucket.config"}
	var out bytes.Buffer
	Evaluate([]Finding{f}, nil, nil).Print(&out, "security/accepted-findings.txt", false)
	if want := "add to security/accepted-findings.txt:  kics q-1 aws_s3_bucket.config <reason>"; !strings.Contains(out.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, out.String())
	}
}

func TestPrintRefusesListedHigh(t *testing.T) {
	// The project's own policies state what the stacks promise: even an exact entry cannot waive one.
	f := Finding{Scanner: Conftest, Rule: "DB_002", Title: "t", Severity: High, Resource: "aws_db_instance.db"}
	e := Entry{Line: 12, Scanner: Conftest, Rule: "DB_002", Resource: "aws_db_instance.db", Reason: "r"}
	var out bytes.Buffer
	r := Evaluate([]Finding{f}, []Entry{e}, nil)
	r.Print(&out, "a.txt", false)
	if r.Decisions[0].Verdict != Fail {
		t.Errorf("a HIGH conftest finding was accepted")
	}
	if want := "a.txt:12 lists it, but a HIGH finding can be accepted only from kics or tflint, for one exact resource"; !strings.Contains(out.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, out.String())
	}
}
