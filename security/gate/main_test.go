package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.txt", "# nothing accepted\n")
	bothTFLint := write("tflint-accepted.txt", `
tflint aws_db_instance_previous_type aws_db_instance.db  the fixture uses an old class on purpose
tflint terraform_required_version    terraform           cdktf pins the Terraform version itself
`)
	noReason := write("no-reason.txt", "tflint terraform_required_version terraform\n")
	staleToo := write("stale.txt", `
tflint aws_db_instance_previous_type aws_db_instance.db  old class on purpose
tflint terraform_required_version    *                   cdktf pins it
tflint aws_s3_bucket_name            *                   no bucket any more
`)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string // substrings of stdout
		wantErr  []string // substrings of stderr
	}{
		{
			name:     "high conftest findings fail",
			args:     []string{"-accepted", empty, "-conftest", "testdata/conftest.json"},
			wantCode: 1,
			wantOut:  []string{"FAIL      HIGH     conftest DB_001  aws_db_instance.db", "security gate FAILED: 7 failing"},
		},
		{
			name:     "unlisted medium tflint findings fail",
			args:     []string{"-accepted", empty, "-tflint", "testdata/tflint.json"},
			wantCode: 1,
			wantOut:  []string{"to accept, add to " + empty + ":  tflint terraform_required_version terraform <reason>"},
		},
		{
			name:     "listed medium tflint findings pass",
			args:     []string{"-accepted", bothTFLint, "-tflint", "testdata/tflint.json"},
			wantCode: 0,
			wantOut:  []string{"ACCEPTED", "cdktf pins the Terraform version itself", "security gate PASSED: 0 failing, 2 accepted"},
		},
		{
			name:     "stale entry is reported but passes",
			args:     []string{"-accepted", staleToo, "-tflint", "testdata/tflint.json"},
			wantCode: 0,
			wantOut:  []string{"STALE", "tflint aws_s3_bucket_name * matches no finding", "1 stale entries"},
		},
		{
			name:     "entry without reason is an error",
			args:     []string{"-accepted", noReason, "-tflint", "testdata/tflint.json"},
			wantCode: 2,
			wantErr:  []string{"has no reason"},
		},
		{
			name:     "tflint errors are an error",
			args:     []string{"-accepted", empty, "-tflint", "testdata/tflint-error.json"},
			wantCode: 2,
			wantErr:  []string{"tflint could not check the configuration"},
		},
		{
			name:     "missing report is an error",
			args:     []string{"-accepted", empty, "-kics", filepath.Join(dir, "nope.json")},
			wantCode: 2,
			wantErr:  []string{"nope.json"},
		},
		{
			name:     "no report is a usage error",
			args:     []string{"-accepted", empty},
			wantCode: 2,
			wantErr:  []string{"give at least one report"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
		})
	}
}
