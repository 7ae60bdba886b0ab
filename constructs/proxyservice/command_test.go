package proxyservice_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/synthtest"
)

// startParts splits the proxy container's start command into the config download and the litellm flags.
func startParts(t *testing.T, c containerDef) (fetch string, flags map[string]string) {
	t.Helper()
	if !slices.Equal(c.EntryPoint, []string{"sh", "-c"}) || len(c.Command) != 1 {
		t.Fatalf("entryPoint %q command %q: want sh -c and one command string", c.EntryPoint, c.Command)
	}
	fetch, launch, ok := strings.Cut(c.Command[0], " && ")
	if !ok || strings.Contains(launch, "&&") {
		t.Fatalf("start command is not `<download> && exec litellm ...`: %s", c.Command[0])
	}
	if !strings.HasPrefix(fetch, `python -c "`) || !strings.HasSuffix(fetch, `"`) {
		t.Fatalf("download is not a python -c one-liner: %s", fetch)
	}
	fields := strings.Fields(launch)
	if len(fields) < 2 || fields[0] != "exec" || fields[1] != "litellm" || len(fields)%2 != 0 {
		t.Fatalf("launch is not `exec litellm --flag value ...`: %s", launch)
	}
	flags = map[string]string{}
	for i := 2; i < len(fields); i += 2 {
		if !strings.HasPrefix(fields[i], "--") {
			t.Fatalf("%q is not a flag in %s", fields[i], launch)
		}
		if _, dup := flags[fields[i]]; dup {
			t.Fatalf("flag %s given twice: %s", fields[i], launch)
		}
		flags[fields[i]] = fields[i+1]
	}
	return fetch, flags
}

func startFlags(t *testing.T, c containerDef) map[string]string {
	t.Helper()
	_, flags := startParts(t, c)
	return flags
}

// The worker flags every start command carries (see TestWorkerRecycling for their values).
const (
	recycle     = "--max_requests_before_restart"
	jitter      = "--max_requests_before_restart_jitter"
	healthcheck = "--timeout_worker_healthcheck"
)

func TestStartCommand(t *testing.T) {
	cases := []struct {
		name      string
		setup     setup
		wantFlags map[string]string
	}{
		{"defaults", setup{}, map[string]string{
			"--config": `"$CONFIG_FILE_PATH"`, "--port": "4000", "--num_workers": "4", "--keepalive_timeout": "310", recycle: "100000", jitter: "10000", healthcheck: "30"}},
		{"more workers", setup{proxy: func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.WorkersPerTask = 8 }}, map[string]string{
			"--config": `"$CONFIG_FILE_PATH"`, "--port": "4000", "--num_workers": "8", "--keepalive_timeout": "310", recycle: "100000", jitter: "10000", healthcheck: "30"}},
		{"deploy-time workers", setup{proxy: func(s cdktf.TerraformStack, p *proxyservice.Props) {
			p.WorkersPerTask = numberVar(s, "num_workers_per_task")
		}},
			map[string]string{"--config": `"$CONFIG_FILE_PATH"`, "--port": "4000", "--num_workers": "${var.num_workers_per_task}", "--keepalive_timeout": "310", recycle: "100000", jitter: "10000", healthcheck: "30"}},
		{"longer idle timeout, longer keep-alive", setup{
			lb:    func(p *loadbalancer.Props) { p.IdleTimeoutSeconds = 600 },
			proxy: func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.KeepAliveTimeoutSeconds = 700 },
		}, map[string]string{"--config": `"$CONFIG_FILE_PATH"`, "--port": "4000", "--num_workers": "4", "--keepalive_timeout": "700", recycle: "100000", jitter: "10000", healthcheck: "30"}},
		{"recycle sooner", setup{proxy: func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.MaxRequestsBeforeRestart = 25000 }}, map[string]string{
			"--config": `"$CONFIG_FILE_PATH"`, "--port": "4000", "--num_workers": "4", "--keepalive_timeout": "310", recycle: "25000", jitter: "2500", healthcheck: "30"}},
		{"another port", setup{lb: func(p *loadbalancer.Props) { p.TargetPort = 8080 }}, map[string]string{
			"--config": `"$CONFIG_FILE_PATH"`, "--port": "8080", "--num_workers": "4", "--keepalive_timeout": "310", recycle: "100000", jitter: "10000", healthcheck: "30"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, c := taskOf(t, tc.setup.build(t).doc, proxyFamily)
			fetch, flags := startParts(t, c)
			if synthtest.JSON(flags) != synthtest.JSON(tc.wantFlags) {
				t.Errorf("litellm flags = %v, want %v", flags, tc.wantFlags)
			}
			env := c.env()
			// What the download reads from the environment is all there, and is all of what it needs.
			var read []string
			for _, m := range regexp.MustCompile(`os\.environ\['([A-Z0-9_]+)'\]`).FindAllStringSubmatch(fetch, -1) {
				read = append(read, m[1])
			}
			read = slices.Compact(slices.Sorted(slices.Values(read)))
			if want := []string{"AWS_REGION", "CONFIG_FILE_PATH", "CONFIG_S3_BUCKET", "CONFIG_S3_OBJECT"}; !slices.Equal(read, want) {
				t.Errorf("the download reads %v, want %v", read, want)
			}
			for _, v := range read {
				if _, ok := env[v]; !ok {
					t.Errorf("the download reads %s, which is not in the environment %v", v, keys(env))
				}
			}
			for _, want := range []string{
				"boto3.client('s3', region_name=os.environ['AWS_REGION'])",
				"download_file(os.environ['CONFIG_S3_BUCKET'], os.environ['CONFIG_S3_OBJECT'], os.environ['CONFIG_FILE_PATH'])",
			} {
				if !strings.Contains(fetch, want) {
					t.Errorf("download lacks %q: %s", want, fetch)
				}
			}
			// Shell variables in the litellm part are set too.
			for _, m := range regexp.MustCompile(`\$\{?([A-Z_][A-Z0-9_]*)`).FindAllStringSubmatch(c.Command[0], -1) {
				if _, ok := env[m[1]]; !ok {
					t.Errorf("the command uses $%s, which is not in the environment", m[1])
				}
			}
			// The old ways of handing over the config are gone.
			for _, gone := range []string{"LITELLM_CONFIG_BUCKET_NAME", "LITELLM_CONFIG_BUCKET_OBJECT_KEY", "LITELLM_CONFIG_SHA256"} {
				if _, ok := env[gone]; ok {
					t.Errorf("environment still has %s", gone)
				}
			}
			wantEnv := []string{"AWS_REGION", "CONFIG_FILE_PATH", "CONFIG_S3_BUCKET", "CONFIG_S3_OBJECT", "LITELLM_LOG", "LITELLM_MODE"}
			if got := keys(env); !slices.Equal(got, wantEnv) {
				t.Errorf("environment = %v, want %v", got, wantEnv)
			}
			if env["AWS_REGION"] != "us-east-1" || env["LITELLM_LOG"] != "ERROR" || env["LITELLM_MODE"] != "PRODUCTION" || env["CONFIG_S3_OBJECT"] != proxyservice.ConfigObjectKey {
				t.Errorf("environment = %v", env)
			}
		})
	}
}

// TestStartCommandRuns runs the container's entry point and command with a stand-in python (the real one, with a
// fake boto3) and a stand-in litellm that records its arguments: the config is downloaded where
// CONFIG_FILE_PATH says, from CONFIG_S3_BUCKET/CONFIG_S3_OBJECT in AWS_REGION, and litellm starts on it; a failed
// download stops the container before litellm starts.
func TestStartCommandRuns(t *testing.T) {
	_, _, c := taskOf(t, build(t, nil).doc, proxyFamily)
	python := realPython(t)

	cases := []struct {
		name       string
		s3Fails    bool
		wantExit   int
		wantLaunch bool
	}{
		{"download, then litellm", false, 0, true},
		{"failed download: no litellm", true, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			lib := filepath.Join(dir, "lib", "boto3")
			for _, d := range []string{bin, lib} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			writeFile(t, filepath.Join(lib, "__init__.py"), fakeBoto3, 0o644)
			writeFile(t, filepath.Join(bin, "python"), "#!/bin/sh\nPYTHONPATH="+filepath.Join(dir, "lib")+" exec "+python+" \"$@\"\n", 0o755)
			writeFile(t, filepath.Join(bin, "litellm"), "#!/bin/sh\n[ -f \"$CONFIG_FILE_PATH\" ] && echo config-present >\"$FAKE_DIR/litellm.config\"\n"+
				"printf '%s\\n' \"$@\" >\"$FAKE_DIR/litellm.args\"\n", 0o755)

			env := c.env()
			env["CONFIG_S3_BUCKET"] = "litellm-test-config-0123" // a token in the task definition
			env["CONFIG_FILE_PATH"] = filepath.Join(dir, "container", "tmp", "litellm", "config.yaml")
			vars := []string{"PATH=" + bin + ":/usr/bin:/bin", "FAKE_DIR=" + dir}
			if tc.s3Fails {
				vars = append(vars, "FAKE_S3_FAIL=1")
			}
			for k, v := range env {
				vars = append(vars, k+"="+v)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, c.EntryPoint[0], append(c.EntryPoint[1:], c.Command...)...)
			cmd.Env = vars
			out, err := cmd.CombinedOutput()
			if exit := exitCode(t, err); exit != tc.wantExit {
				t.Fatalf("exit %d, want %d; output:\n%s", exit, tc.wantExit, out)
			}

			args, err := os.ReadFile(filepath.Join(dir, "litellm.args"))
			if !tc.wantLaunch {
				if err == nil {
					t.Fatalf("litellm started after a failed download: %s", args)
				}
				return
			}
			if err != nil {
				t.Fatalf("litellm did not start: %v; output:\n%s", err, out)
			}
			want := []string{"--config", env["CONFIG_FILE_PATH"], "--port", "4000", "--num_workers", "4", "--keepalive_timeout", "310",
				recycle, "100000", jitter, "10000", healthcheck, "30"}
			if got := strings.Split(strings.TrimSuffix(string(args), "\n"), "\n"); !slices.Equal(got, want) {
				t.Errorf("litellm arguments = %q, want %q", got, want)
			}
			if _, err := os.Stat(filepath.Join(dir, "litellm.config")); err != nil {
				t.Errorf("the config file was not there when litellm started")
			}
			var got map[string]string
			if b, err := os.ReadFile(filepath.Join(dir, "s3.json")); err != nil || json.Unmarshal(b, &got) != nil {
				t.Fatalf("no S3 download recorded: %v", err)
			}
			wantS3 := map[string]string{"service": "s3", "region": "us-east-1", "bucket": env["CONFIG_S3_BUCKET"], "key": proxyservice.ConfigObjectKey, "path": env["CONFIG_FILE_PATH"]}
			if synthtest.JSON(got) != synthtest.JSON(wantS3) {
				t.Errorf("download = %v, want %v", got, wantS3)
			}
		})
	}

	t.Run("shell syntax", func(t *testing.T) {
		if out, err := exec.Command("sh", "-n", "-c", c.Command[0]).CombinedOutput(); err != nil {
			t.Fatalf("sh -n: %v\n%s", err, out)
		}
	})
}

// fakeBoto3 stands in for boto3: download_file records what it was asked for and writes the file, which only
// works when the command has created its directory.
const fakeBoto3 = `import json, os

class _S3:
    def __init__(self, service, region):
        self.service, self.region = service, region

    def download_file(self, bucket, key, path):
        if os.environ.get("FAKE_S3_FAIL"):
            raise RuntimeError("An error occurred (404) when calling the HeadObject operation: Not Found")
        with open(path, "w") as f:
            f.write("model_list: []\n")
        with open(os.path.join(os.environ["FAKE_DIR"], "s3.json"), "w") as f:
            json.dump({"service": self.service, "region": self.region, "bucket": bucket, "key": key, "path": path}, f)

def client(service, region_name=None):
    return _S3(service, region_name)
`

// realPython is the python3 executable itself (not a version manager's shim, which needs its own PATH).
func realPython(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatalf("python3 is needed to run the start command's download: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// exitCode is a finished command's exit status; it fails the test when the command did not run or was killed.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() >= 0 {
		return ee.ExitCode()
	}
	t.Fatalf("command did not finish: %v", err)
	return -1
}
