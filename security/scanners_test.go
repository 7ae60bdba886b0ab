package security

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// help runs ./help with args from the repository root and returns its combined output and exit code.
func help(t *testing.T, args ...string) (string, int) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "help"), args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		t.Fatalf("./help %s: %v", strings.Join(args, " "), err)
	}
	return string(out), 0
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func sorted(set map[string]bool) []string {
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestScannersOnFixtures plants known problems in policy/testdata/insecure and checks that every scanner
// reports them in the JSON the gate reads, that the compliant fixture passes the project's own policies,
// and that the gate then fails (exit 1) rather than failing to read a report (exit 2).
func TestScannersOnFixtures(t *testing.T) {
	reports := t.TempDir()
	out, code := help(t, "scan", "--no-gate", "--reports", reports, "policy/testdata")
	if code != 0 {
		t.Fatalf("./help scan --no-gate exited %d:\n%s", code, out)
	}

	t.Run("conftest", func(t *testing.T) {
		var report []struct {
			Filename string `json:"filename"`
			Failures []struct {
				Metadata map[string]any `json:"metadata"`
			} `json:"failures"`
			Warnings []struct {
				Metadata map[string]any `json:"metadata"`
			} `json:"warnings"`
		}
		readJSON(t, filepath.Join(reports, "conftest.json"), &report)
		got := map[string]map[string]bool{"insecure": {}, "secure": {}}
		for _, file := range report {
			stack := filepath.Base(filepath.Dir(file.Filename))
			for _, f := range append(file.Failures, file.Warnings...) {
				got[stack][f.Metadata["rule"].(string)] = true
			}
		}
		want := "DB_001 DB_002 IAM_001 IAM_002 NET_001 SEC_001 SEC_003 TAG_001"
		if s := strings.Join(sorted(got["insecure"]), " "); s != want {
			t.Errorf("insecure fixture: rules %s, want %s", s, want)
		}
		if len(got["secure"]) > 0 {
			t.Errorf("secure fixture: rules %v, want none", sorted(got["secure"]))
		}
	})

	t.Run("tflint", func(t *testing.T) {
		var report struct {
			Issues []struct {
				Rule struct{ Name string } `json:"rule"`
			} `json:"issues"`
			Errors []any `json:"errors"`
		}
		readJSON(t, filepath.Join(reports, "tflint-1-insecure.json"), &report)
		rules := map[string]bool{}
		for _, is := range report.Issues {
			rules[is.Rule.Name] = true
		}
		// Found only if the AWS ruleset plugin loaded and read cdk.tf.json.
		if !rules["aws_db_instance_previous_type"] || len(report.Errors) > 0 {
			t.Errorf("rules %v, errors %v; want aws_db_instance_previous_type and no errors", sorted(rules), report.Errors)
		}
	})

	t.Run("kics", func(t *testing.T) {
		var report struct {
			FilesScanned int `json:"files_scanned"`
			Queries      []struct {
				QueryID  string `json:"query_id"`
				Severity string `json:"severity"`
				Files    []struct {
					FileName string `json:"file_name"`
				} `json:"files"`
			} `json:"queries"`
		}
		readJSON(t, filepath.Join(reports, "kics.json"), &report)
		found := map[string]bool{}
		for _, q := range report.Queries {
			for _, f := range q.Files {
				if strings.Contains(f.FileName, "insecure") {
					found[q.Severity+" "+q.QueryID] = true
				}
			}
		}
		for _, want := range []string{
			"CRITICAL 35113e6f-2c6b-414d-beec-7a9482d3b2d1", // RDS DB Instance Publicly Accessible
			"HIGH 08bd0760-8752-44e1-9779-7bb369b2b4e4",     // DB Instance Storage Not Encrypted
			"HIGH 4728cd65-a20c-49da-8b31-9c08b423e4db",     // Unrestricted Security Group Ingress
		} {
			if !found[want] {
				t.Errorf("KICS did not report %s on the insecure fixture (scanned %d files)", want, report.FilesScanned)
			}
		}
	})

	t.Run("gate", func(t *testing.T) {
		tflints, _ := filepath.Glob(filepath.Join(reports, "tflint-*.json"))
		args := []string{"run", "./security/gate", "-accepted", "security/accepted-findings.txt",
			"-kics", filepath.Join(reports, "kics.json"), "-conftest", filepath.Join(reports, "conftest.json")}
		for _, f := range tflints {
			args = append(args, "-tflint", f)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "security gate FAILED") {
			t.Errorf("gate over the fixtures: %v, want exit status 1 and FAILED\n%s", err, out)
		}
	})
}
