package cli_test

import (
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/cli"
	"litellm-aws/loadtest/internal/runner"
	"litellm-aws/loadtest/internal/targets"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestParseDefaults(t *testing.T) {
	o, err := cli.Parse([]string{"-url", "http://127.0.0.1:4000"}, env(map[string]string{cli.KeyEnv: "sk-env"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := runner.Config{URL: "http://127.0.0.1:4000", Key: "sk-env", Model: "fake-openai-endpoint", Users: 1000, SpawnRate: 500,
		Duration: 5 * time.Minute, WaitMin: 100 * time.Millisecond, WaitMax: 500 * time.Millisecond, Timeout: time.Minute}
	if o.Run.URL != want.URL || o.Run.Key != want.Key || o.Run.Model != want.Model || o.Run.Users != want.Users ||
		o.Run.SpawnRate != want.SpawnRate || o.Run.Duration != want.Duration || o.Run.WaitMin != want.WaitMin ||
		o.Run.WaitMax != want.WaitMax || o.Run.Timeout != want.Timeout {
		t.Errorf("defaults %+v, want %+v", o.Run, want)
	}
	if o.Mode != cli.Load || o.Profile != targets.Benchmark || o.Instances != 4 || o.Assert || o.JSONPath != "" || o.HTMLPath != "" {
		t.Errorf("options %+v, want a load test against the benchmark profile (4 instances)", o)
	}
}

func TestParseValues(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, o cli.Options)
	}{
		{"flag key beats the environment", []string{"-key", "sk-flag"}, func(t *testing.T, o cli.Options) {
			if o.Run.Key != "sk-flag" {
				t.Errorf("key %q", o.Run.Key)
			}
		}},
		{"wait in seconds as Locust writes it", []string{"-wait", "0.1-0.5"}, func(t *testing.T, o cli.Options) {
			if o.Run.WaitMin != 100*time.Millisecond || o.Run.WaitMax != 500*time.Millisecond {
				t.Errorf("wait %s-%s", o.Run.WaitMin, o.Run.WaitMax)
			}
		}},
		{"fixed wait", []string{"-wait", "250ms"}, func(t *testing.T, o cli.Options) {
			if o.Run.WaitMin != 250*time.Millisecond || o.Run.WaitMax != 250*time.Millisecond {
				t.Errorf("wait %s-%s", o.Run.WaitMin, o.Run.WaitMax)
			}
		}},
		{"no wait", []string{"-wait", "0"}, func(t *testing.T, o cli.Options) {
			if o.Run.WaitMin != 0 || o.Run.WaitMax != 0 {
				t.Errorf("wait %s-%s", o.Run.WaitMin, o.Run.WaitMax)
			}
		}},
		{"profile", []string{"-profile", "eight-instance"}, func(t *testing.T, o cli.Options) {
			if o.Profile != targets.EightInstance || o.Instances != 8 {
				t.Errorf("profile %q, %d instances", o.Profile, o.Instances)
			}
		}},
		{"instances alone", []string{"-instances", "6"}, func(t *testing.T, o cli.Options) {
			if o.Profile != "" || o.Instances != 6 {
				t.Errorf("profile %q, %d instances", o.Profile, o.Instances)
			}
		}},
		{"instances agreeing with the profile", []string{"-profile", "two-instance", "-instances", "2"}, func(t *testing.T, o cli.Options) {
			if o.Profile != targets.TwoInstance || o.Instances != 2 {
				t.Errorf("profile %q, %d instances", o.Profile, o.Instances)
			}
		}},
		{"everything else", []string{"-model", "m", "-users", "200", "-spawn-rate", "0.5", "-duration", "10s", "-timeout", "5s",
			"-json", filepath.Join(dir, "out.json"), "-html", filepath.Join(dir, "out.html"), "-assert", "-quiet"}, func(t *testing.T, o cli.Options) {
			if o.Run.Model != "m" || o.Run.Users != 200 || o.Run.SpawnRate != 0.5 || o.Run.Duration != 10*time.Second ||
				o.Run.Timeout != 5*time.Second || o.JSONPath != filepath.Join(dir, "out.json") || o.HTMLPath != filepath.Join(dir, "out.html") || !o.Assert || !o.Quiet {
				t.Errorf("options %+v", o)
			}
		}},
		{"smoke", []string{"-smoke"}, func(t *testing.T, o cli.Options) {
			if o.Mode != cli.Smoke {
				t.Errorf("mode %v", o.Mode)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-url", "http://127.0.0.1:4000"}, tt.args...)
			o, err := cli.Parse(args, env(map[string]string{cli.KeyEnv: "sk-env"}), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, o)
		})
	}
}

func TestParseStubNeedsNoURLOrKey(t *testing.T) {
	o, err := cli.Parse([]string{"-stub", "127.0.0.1:0", "-stub-latency", "100ms", "-stub-overhead", "2ms"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.Mode != cli.Stub || o.StubAddr != "127.0.0.1:0" || o.StubLatency != 100*time.Millisecond || o.StubOverhead != 2*time.Millisecond {
		t.Errorf("options %+v", o)
	}
}

// TestParseErrors checks that each bad value is reported with the flag, the value and what is allowed.
func TestParseErrors(t *testing.T) {
	base := []string{"-url", "http://127.0.0.1:4000", "-key", "k"}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"no url", []string{"-key", "k"}, nil, []string{"-url is required"}},
		{"no key anywhere", []string{"-url", "http://127.0.0.1:4000"}, nil, []string{"no master key: pass -key or set LITELLM_MASTER_KEY"}},
		{"key with a newline", []string{"-url", "http://127.0.0.1:4000"}, map[string]string{cli.KeyEnv: "sk-secret\n"},
			[]string{"invalid -key (or LITELLM_MASTER_KEY): it contains a line break"}},
		{"url without scheme", []string{"-url", "127.0.0.1:4000", "-key", "k"}, nil, []string{`invalid -url "127.0.0.1:4000": allowed an http:// or https:// URL`}},
		{"url with another scheme", []string{"-url", "ftp://host", "-key", "k"}, nil, []string{`invalid -url "ftp://host"`}},
		{"zero users", append(base, "-users", "0"), nil, []string{`invalid -users "0": allowed a whole number of at least 1`}},
		{"users not a number", append(base, "-users", "many"), nil, []string{`invalid -users "many"`}},
		{"zero spawn rate", append(base, "-spawn-rate", "0"), nil, []string{`invalid -spawn-rate "0": allowed a number of users per second greater than 0`}},
		{"duration without unit", append(base, "-duration", "300"), nil, []string{`invalid -duration "300": allowed a duration greater than 0, e.g. 30s, 5m or 1h30m`}},
		{"negative duration", append(base, "-duration", "-5m"), nil, []string{`invalid -duration "-5m"`}},
		{"wait upside down", append(base, "-wait", "0.5s-0.1s"), nil, []string{`invalid -wait "0.5s-0.1s": allowed MIN-MAX`, "MIN 500ms is above MAX 100ms"}},
		{"wait not a duration", append(base, "-wait", "soon"), nil, []string{`invalid -wait "soon"`, `"soon" is not a duration`}},
		{"negative wait", append(base, "-wait", "-1s"), nil, []string{`invalid -wait "-1s"`, "negative wait"}},
		{"zero timeout", append(base, "-timeout", "0s"), nil, []string{`invalid -timeout "0s": allowed a duration greater than 0`}},
		{"unknown profile", append(base, "-profile", "litellm-benchmark"), nil, []string{`invalid -profile "litellm-benchmark": allowed benchmark, two-instance, eight-instance`}},
		{"zero instances", append(base, "-instances", "0"), nil, []string{`invalid -instances "0": allowed a whole number of LiteLLM tasks, at least 1`}},
		{"instances contradict the profile", append(base, "-profile", "eight-instance", "-instances", "4"), nil, []string{"-instances 4 contradicts -profile eight-instance (8 instances)"}},
		{"json in a missing directory", append(base, "-json", "/nonexistent-dir/out.json"), nil, []string{`invalid -json "/nonexistent-dir/out.json": allowed a file in an existing directory`}},
		{"json is a directory", append(base, "-json", "/tmp"), nil, []string{`invalid -json "/tmp": allowed a file name, not a directory`}},
		{"html in a missing directory", append(base, "-html", "/nonexistent-dir/report.html"), nil, []string{`invalid -html "/nonexistent-dir/report.html": allowed a file in an existing directory`}},
		{"html is a directory", append(base, "-html", "/tmp"), nil, []string{`invalid -html "/tmp": allowed a file name, not a directory`}},
		{"html and json the same file", append(base, "-json", "/tmp/report", "-html", "/tmp/./report"), nil, []string{`invalid -html "/tmp/./report": allowed a file other than -json's`}},
		{"smoke and stub", append(base, "-smoke", "-stub", ":0"), nil, []string{"-smoke and -stub are exclusive"}},
		{"bad stub latency", []string{"-stub", ":0", "-stub-latency", "slow"}, nil, []string{`invalid -stub-latency "slow"`}},
		{"unknown flag", append(base, "-rate", "5"), nil, []string{"flag provided but not defined: -rate"}},
		{"stray argument", append(base, "litellm-benchmark"), nil, []string{`unexpected argument "litellm-benchmark"`}},
		{"every problem at once", []string{"-users", "0", "-spawn-rate", "x", "-duration", "0", "-wait", "a-b", "-profile", "big"}, nil,
			[]string{"-url is required", "no master key", "-users", "-spawn-rate", "-duration", "-wait", "-profile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli.Parse(tt.args, env(tt.env), io.Discard)
			if err == nil {
				t.Fatalf("Parse(%q) accepted it, want %q", tt.args, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse(%q) = %q, want it to say %q", tt.args, err, w)
				}
			}
			if strings.Contains(err.Error(), "sk-secret") {
				t.Errorf("Parse printed the key: %q", err)
			}
			if n := strings.Count(err.Error(), "\n") + 1; len(tt.want) > 2 && n < len(tt.want) {
				t.Errorf("%d problems reported, want at least %d:\n%s", n, len(tt.want), err)
			}
		})
	}
}

func TestParseHelp(t *testing.T) {
	var out strings.Builder
	_, err := cli.Parse([]string{"-h"}, env(nil), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("Parse(-h) = %v, want flag.ErrHelp", err)
	}
	for _, w := range []string{"Usage: loadtest -url URL", "-spawn-rate RATE", "-html FILE", "-wait MIN-MAX", "benchmark|two-instance|eight-instance", "Exit status"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("help lacks %q:\n%s", w, out.String())
		}
	}
}
