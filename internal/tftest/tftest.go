// Package tftest runs the real Terraform CLI against synthesized stacks in tests: init from the provider
// mirror or cache that ./help sets up, then validate, plan, apply and destroy.
package tftest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Terraform is a terraform binary with the environment it runs in.
type Terraform struct {
	Bin string
	Env []string
}

// Root is the project's top folder (where go.mod is).
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// Setup finds Terraform and its CLI configuration the way ./help does (scripts/lib.sh ensure_terraform):
// one source of truth for where Terraform and the AWS provider come from. It fails, never skips, when
// Terraform cannot be had.
func Setup(t testing.TB) *Terraform {
	t.Helper()
	cmd := exec.Command("bash", "-c", `set -e; source scripts/lib.sh; ensure_terraform >&2; printf '%s\n%s\n' "$TERRAFORM" "$TF_CLI_CONFIG_FILE"`)
	cmd.Dir = Root(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("setting up Terraform (scripts/lib.sh ensure_terraform): %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || lines[0] == "" {
		t.Fatalf("ensure_terraform printed %q", out)
	}
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+lines[1],
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		// No instance metadata lookups, no real credentials: tests never reach AWS.
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_SESSION_TOKEN=",
		"AWS_PROFILE=",
		"AWS_REGION=us-east-1",
	)
	return &Terraform{Bin: lines[0], Env: env}
}

// Result is what one terraform command did.
type Result struct {
	Output string
	Code   int
}

// Run runs terraform in dir and returns its combined output and exit code; it fails the test only when
// terraform could not be run at all.
func (tf *Terraform) Run(t testing.TB, dir string, timeout time.Duration, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	argv := append([]string{args[0], "-no-color"}, args[1:]...)
	if args[0] == "state" { // its subcommands come first and take no -no-color
		argv = args
	}
	cmd := exec.CommandContext(ctx, tf.Bin, argv...)
	cmd.Dir = dir
	cmd.Env = tf.Env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	// One line per command, so `go test -v` shows where a test's time goes.
	t.Logf("terraform %s: %.1fs", args[0], time.Since(start).Seconds())
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("terraform %s timed out after %s:\n%s", strings.Join(args, " "), timeout, out)
	case errors.As(err, &exit):
		return Result{string(out), exit.ExitCode()}
	case err != nil:
		t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return Result{string(out), 0}
}

// Must runs terraform and fails the test unless it exits 0.
func (tf *Terraform) Must(t testing.TB, dir string, timeout time.Duration, args ...string) string {
	t.Helper()
	r := tf.Run(t, dir, timeout, args...)
	if r.Code != 0 {
		t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), r.Code, tail(r.Output, 6000))
	}
	return r.Output
}

// WriteOfflineOverride makes the AWS provider in a stack folder plan with fake credentials and no calls to
// AWS: the checks that need AWS are off, and Secrets Manager (which the ephemeral secrets ask for a random
// password at every plan) and STS (data.aws_caller_identity, which names the account in the KMS key's policy)
// are the local emulator at endpoint. It is a Terraform override file, so the stack
// itself is tested unchanged.
func WriteOfflineOverride(t testing.TB, dir, endpoint string) {
	t.Helper()
	override := map[string]any{"provider": map[string]any{"aws": []map[string]any{{
		"access_key": "test", "secret_key": "test",
		"skip_credentials_validation": true, "skip_requesting_account_id": true, "skip_metadata_api_check": true,
		"endpoints": []map[string]string{{"secretsmanager": endpoint, "sts": endpoint}},
	}}}}
	b, err := json.Marshal(override)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "offline_override.tf.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// EnvWithout returns the Terraform environment less every variable whose name starts with prefix.
func (tf *Terraform) EnvWithout(prefix string) []string {
	var env []string
	for _, kv := range tf.Env {
		if !strings.HasPrefix(kv, prefix) {
			env = append(env, kv)
		}
	}
	return env
}

// CdktfCLI finds the cdktf CLI the way ./help does (scripts/lib.sh ensure_cdktf_cli, which installs the
// cdktf-cli version of internal/facts into the cache when missing) and returns its path.
func CdktfCLI(t testing.TB) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", `set -e; source scripts/lib.sh; ensure_cdktf_cli >&2; command -v cdktf`)
	cmd.Dir = Root(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("setting up the cdktf CLI (scripts/lib.sh ensure_cdktf_cli): %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}
