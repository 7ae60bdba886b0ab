package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseAccepted(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		want    []Entry
		wantErr []string // substrings, one per expected error
	}{
		{
			name:  "comments and blank lines only",
			input: "# header\n\n   # indented comment\n",
		},
		{
			name:  "entry with a reason of many words",
			input: "kics  abc-123\taws_s3_bucket.config   config holds no secrets;  logs add cost\n",
			want: []Entry{{Line: 1, Scanner: "kics", Rule: "abc-123", Resource: "aws_s3_bucket.config",
				Reason: "config holds no secrets;  logs add cost"}},
		},
		{
			name:  "stack-qualified glob",
			input: "# c\ntflint aws_db_instance_default_parameter_group litellm-*/aws_db_instance.* one-off benchmark database\n",
			want: []Entry{{Line: 2, Scanner: "tflint", Rule: "aws_db_instance_default_parameter_group",
				Resource: "litellm-*/aws_db_instance.*", Reason: "one-off benchmark database"}},
		},
		{
			name:    "entry without reason",
			input:   "conftest IAM_002 aws_iam_policy.task\n",
			want:    []Entry{{Line: 1, Scanner: "conftest", Rule: "IAM_002", Resource: "aws_iam_policy.task"}},
			wantErr: []string{"line 1: conftest IAM_002 aws_iam_policy.task has no reason"},
		},
		{
			name:    "too few fields",
			input:   "kics abc\n",
			wantErr: []string{"line 1: want <scanner> <rule> <resource> <reason>"},
		},
		{
			name:    "unknown scanner",
			input:   "checkov CKV_AWS_1 * reason\n",
			want:    []Entry{{Line: 1, Scanner: "checkov", Rule: "CKV_AWS_1", Resource: "*", Reason: "reason"}},
			wantErr: []string{`line 1: unknown scanner "checkov"`},
		},
		{
			name:    "bad pattern",
			input:   "kics q [aws reason\n",
			want:    []Entry{{Line: 1, Scanner: "kics", Rule: "q", Resource: "[aws", Reason: "reason"}},
			wantErr: []string{`line 1: resource pattern "[aws"`},
		},
		{
			name:  "duplicate",
			input: "kics q * one\nkics q * two\n",
			want: []Entry{
				{Line: 1, Scanner: "kics", Rule: "q", Resource: "*", Reason: "one"},
				{Line: 2, Scanner: "kics", Rule: "q", Resource: "*", Reason: "two"},
			},
			wantErr: []string{"line 2: kics q * is already listed on line 1"},
		},
		{
			name:  "every problem is reported",
			input: "kics a *\nkics b\ntflint c * ok\n",
			want: []Entry{
				{Line: 1, Scanner: "kics", Rule: "a", Resource: "*"},
				{Line: 3, Scanner: "tflint", Rule: "c", Resource: "*", Reason: "ok"},
			},
			wantErr: []string{"line 1:", "line 2:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := parseAccepted(strings.NewReader(tt.input))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("entries = %+v, want %+v", got, tt.want)
			}
			if len(errs) != len(tt.wantErr) {
				t.Fatalf("errors = %v, want %d matching %q", errs, len(tt.wantErr), tt.wantErr)
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tt.wantErr[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, err, tt.wantErr[i])
				}
			}
		})
	}
}

// The file in the repository must always parse, or every scan stops before it starts.
func TestRepositoryAcceptedFileParses(t *testing.T) {
	f, err := os.Open("../accepted-findings.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, errs := parseAccepted(f); len(errs) > 0 {
		t.Errorf("security/accepted-findings.txt: %v", errs)
	}
}
