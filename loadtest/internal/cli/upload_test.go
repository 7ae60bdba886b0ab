package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/cli"
	"litellm-aws/loadtest/internal/stub"
	"litellm-aws/loadtest/internal/upload/s3test"
)

// TestUpload runs a load test with -upload against a fake S3 on loopback, until the stub has received
// 20 requests: the three reports land under the prefix, the table is what stdout showed, and the exit
// status still carries the verdict.
func TestUpload(t *testing.T) {
	s3 := s3test.New(t)
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": s3.URL, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_SESSION_TOKEN": "", "AWS_REGION": "us-east-1", "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	url, s := startStub(t, stub.Options{Key: "sk-test", Mix: stub.Fixed(2*time.Millisecond, 500*time.Microsecond)})
	code, stdout, stderr := runUntil(t, []string{"-url", url, "-users", "5", "-spawn-rate", "50", "-duration", "1m", "-wait", "10ms",
		"-assert", "-upload", "s3://my-logs/benchmark/run-1"}, map[string]string{cli.KeyEnv: "sk-test"}, false, outcome{Received: 20, Requests: &s.Requests})
	if code != cli.ExitTargetMiss {
		t.Fatalf("exit %d, want %d (5 users miss the 4-instance RPS)\n%s", code, cli.ExitTargetMiss, stderr)
	}
	objects := s3.Objects()
	for _, name := range []string{"report.json", "report.html", "report.txt"} {
		u := "s3://my-logs/benchmark/run-1/" + name
		if !strings.Contains(stderr, "report uploaded to "+u) {
			t.Errorf("stderr does not name %s:\n%s", u, stderr)
		}
		if _, ok := objects["my-logs/benchmark/run-1/"+name]; !ok {
			t.Errorf("%s was not put; stored: %v", name, objects)
		}
	}
	if got := string(objects["my-logs/benchmark/run-1/report.txt"].Body); got != stdout || !strings.Contains(got, "Verdict against 4 instances") {
		t.Errorf("report.txt is not the table printed on stdout:\n%s\n---\n%s", got, stdout)
	}
	var doc struct {
		Requests int64 `json:"requests"`
	}
	if err := json.Unmarshal(objects["my-logs/benchmark/run-1/report.json"].Body, &doc); err != nil || doc.Requests == 0 {
		t.Errorf("report.json: %v, %d requests", err, doc.Requests)
	}
	if page := string(objects["my-logs/benchmark/run-1/report.html"].Body); !strings.Contains(page, `<svg class="plot"`) ||
		objects["my-logs/benchmark/run-1/report.html"].ContentType != "text/html; charset=utf-8" {
		t.Errorf("report.html is not the page")
	}

	// A refused upload fails the command: without its reports the run cannot be read.
	s3.Deny("my-logs")
	code, _, stderr = runCommand(t, []string{"-url", url, "-users", "2", "-duration", "300ms", "-wait", "10ms",
		"-upload", "s3://my-logs/benchmark/run-2/"}, map[string]string{cli.KeyEnv: "sk-test"}, false)
	if code != cli.ExitFailed || !strings.Contains(stderr, "error: -upload: put s3://my-logs/benchmark/run-2/report.json") {
		t.Errorf("exit %d, want %d with the object that failed:\n%s", code, cli.ExitFailed, stderr)
	}
}

// TestCheck: -check prints the settings a run would use and runs nothing; bad flags fail as usual.
func TestCheck(t *testing.T) {
	code, stdout, stderr := runCommand(t, []string{"-check", "-url", "http://127.0.0.1:9", "-profile", "eight-instance", "-duration", "2m",
		"-users", "300", "-wait", "0.1-0.3", "-assert", "-upload", "s3://my-logs/benchmark/x/"}, map[string]string{cli.KeyEnv: "sk-test"}, false)
	if code != cli.ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var got cli.Checked
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("-check printed %q: %v", stdout, err)
	}
	want := cli.Checked{Mode: "load", URL: "http://127.0.0.1:9", KeySet: true, Model: "fake-openai-endpoint", Users: 300, SpawnRate: 500,
		DurationSeconds: 120, WaitSeconds: [2]float64{0.1, 0.3}, TimeoutSeconds: 60, Profile: "eight-instance", Instances: 8, Assert: true,
		Upload: "s3://my-logs/benchmark/x/"}
	if got != want {
		t.Errorf("-check printed\n%+v\nwant\n%+v", got, want)
	}
	if strings.Contains(stdout, "sk-test") {
		t.Error("-check printed the key")
	}

	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"every problem at once", []string{"-check", "-url", "ftp://x", "-duration", "soon", "-upload", "s3://Logs/x"},
			[]string{`invalid -url "ftp://x"`, `invalid -duration "soon"`, `invalid -upload "s3://Logs/x"`}},
		{"upload with the stub", []string{"-check", "-stub", "127.0.0.1:0", "-upload", "s3://my-logs/x/"}, []string{"-upload \"s3://my-logs/x/\" applies to a load test"}},
		{"upload not to S3", []string{"-check", "-url", "http://x", "-upload", "/tmp/reports"}, []string{"not an s3:// URL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, tc.args, map[string]string{cli.KeyEnv: "sk-test"}, false)
			if code != cli.ExitUsage || stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, cli.ExitUsage)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}
