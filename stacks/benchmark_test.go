package stacks_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"litellm-aws/internal/stubtest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"

	"litellm-aws/constructs/loadgen"
	"litellm-aws/internal/emulator"
	"litellm-aws/internal/ociimage"
	"litellm-aws/internal/synthtest"
	"litellm-aws/internal/testbin"
	"litellm-aws/internal/tftest"
	"litellm-aws/stacks"
)

// loadgenCommand is the load generator's container command as the synthesized stack gives it to ECS.
func loadgenCommand(t *testing.T, doc *synthtest.Doc, stack string) []string {
	t.Helper()
	var cmd []string
	for _, td := range doc.Where(*ecstaskdefinition.EcsTaskDefinition_TfResourceType(), map[string]any{"family": stack + "-loadgen"}) {
		c := synthtest.ContainerDefinitions(t, td)
		if len(c) != 1 || c[0]["name"] != loadgen.ContainerName {
			t.Fatalf("the load generator's task has containers %v, want one named %s", c, loadgen.ContainerName)
		}
		for _, a := range c[0]["command"].([]any) {
			cmd = append(cmd, a.(string))
		}
	}
	if cmd == nil {
		t.Fatalf("no task definition %s-loadgen in the stack", stack)
	}
	return cmd
}

// setFlag replaces the value of -name in a command (a flag the command must have).
func setFlag(t *testing.T, cmd []string, name, value string) []string {
	t.Helper()
	out := slices.Clone(cmd)
	i := slices.Index(out, "-"+name)
	if i < 0 || i+1 >= len(out) {
		t.Fatalf("the command %q has no -%s", cmd, name)
	}
	out[i+1] = value
	return out
}

// emulatorS3 is an S3 client for the emulator, path-style as it needs.
func emulatorS3(t *testing.T, srv *emulator.Server) *s3.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(emulator.Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithSharedConfigFiles(nil), config.WithSharedCredentialsFiles(nil))
	if err != nil {
		t.Fatal(err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.Endpoint)
		o.UsePathStyle = true
	})
}

func getObject(t *testing.T, client *s3.Client, bucket, key string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("s3://%s/%s in the emulator: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBenchmarkImageRunsTaskCommand proves the load generator's task offline: the container command the stack
// gives ECS, run by the binary in the image (built, pushed to a registry on 127.0.0.1, pulled back by digest), as
// ECS would run it (the command as flags, the master key and AWS_REGION in the environment, a task role's
// credentials), against a stub on loopback and uploading to the emulator's S3, where the reports are then read.
func TestBenchmarkImageRunsTaskCommand(t *testing.T) {
	t.Parallel()
	cmd := loadgenCommand(t, synth(t, stacks.Benchmark()), "litellm-benchmark")
	if got := strings.Join(cmd, " "); !strings.Contains(got, "-profile benchmark -users 1000 -spawn-rate 500 -duration 5m -wait 0.1s-0.5s -assert -upload s3://") {
		t.Errorf("the task's command %q is not the seed's scenario against the benchmark profile, asserted and uploaded", got)
	}

	srv := emulator.Start(t)
	client := emulatorS3(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const bucket = "litellm-benchmark-logs-test"
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}

	// Built once for the whole test process (and shared with TestBenchmarkVerb), outside this test's timeout.
	img, err := ociimage.Image(testbin.Loadtest(t, tftest.Root(t)))
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := ociimage.Tag(img)
	host, stop, err := ociimage.LoopbackRegistry()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	pinned, _, err := ociimage.Push(ctx, img, host+"/litellm-benchmark-loadgen:"+tag, nil)
	if err != nil {
		t.Fatal(err)
	}
	pulled := filepath.Join(t.TempDir(), "loadtest")
	if err := ociimage.Extract(ctx, pinned, nil, pulled); err != nil {
		t.Fatal(err)
	}

	// The task's command, pointed at loopback: the stub for the load balancer, the emulator's bucket for the log
	// bucket; a short run is added after it, as ./help benchmark adds its flags (later flags win).
	cmd = setFlag(t, cmd, "url", stubtest.Start(t, pulled, "sk-task"))
	cmd = setFlag(t, cmd, "upload", "s3://"+bucket+"/benchmark/test-run/")
	cmd = append(cmd, "-duration", "3s", "-users", "5", "-spawn-rate", "5", "-wait", "10ms-50ms")
	run := exec.CommandContext(ctx, pulled, cmd...)
	run.Dir = t.TempDir() // the image's /tmp
	run.Env = []string{"LITELLM_MASTER_KEY=sk-task", "AWS_REGION=" + emulator.Region, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_ENDPOINT_URL=" + srv.Endpoint, "AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull}
	out, err := run.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("the task's command: %v, want exit status 3 (5 users miss the published RPS: -assert)\n%s", err, out)
	}
	for _, name := range []string{"report.json", "report.html", "report.txt"} {
		if !strings.Contains(string(out), "report uploaded to s3://"+bucket+"/benchmark/test-run/"+name) {
			t.Errorf("the output does not name the uploaded %s:\n%s", name, out)
		}
	}
	var rep struct {
		Requests  int64 `json:"requests"`
		Successes int64 `json:"successes"`
		Settings  struct {
			Users int `json:"users"`
		} `json:"settings"`
		Verdict struct {
			Pass bool `json:"pass"`
		} `json:"verdict"`
	}
	if err := json.Unmarshal(getObject(t, client, bucket, "benchmark/test-run/report.json"), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Requests == 0 || rep.Successes != rep.Requests || rep.Settings.Users != 5 || rep.Verdict.Pass {
		t.Errorf("report.json: %+v; want requests, all successful with the master key, 5 users and a missed verdict", rep)
	}
	if page := getObject(t, client, bucket, "benchmark/test-run/report.html"); !strings.Contains(string(page), `<svg class="plot"`) {
		t.Error("report.html has no charts")
	}
	if table := getObject(t, client, bucket, "benchmark/test-run/report.txt"); !strings.Contains(string(table), "Verdict against 4 instances") {
		t.Errorf("report.txt is not the table:\n%s", table)
	}
}

// helpResult is what one ./help invocation did.
type helpResult struct {
	code           int
	stdout, stderr string
}

// helpEnv is env on top of this process's environment less its AWS_* and LITELLM_* variables.
func helpEnv(env []string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "LITELLM_") {
			out = append(out, kv)
		}
	}
	return append(out, env...)
}

// runHelp runs ./help with args in dir, with helpEnv(env), within timeout.
func runHelp(t *testing.T, dir string, env []string, timeout time.Duration, args ...string) helpResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(tftest.Root(t), "help"), args...)
	cmd.Dir = dir
	cmd.Env = helpEnv(env)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// ./help's children (the benchmark command) go with it when the test gives up.
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	r := helpResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("./help %s did not finish within %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), timeout, r.stdout, r.stderr)
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("./help %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// buildBenchmarkCommand builds ./help benchmark's Go command as ./help does (scripts/lib.sh go_command), so that
// every run of the verb below finds it up to date and none compiles it within its own timeout.
func buildBenchmarkCommand(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testbin.BuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -e; source scripts/lib.sh; go_command ./loadtest/benchmark")
	cmd.Dir = tftest.Root(t)
	cmd.Env = helpEnv(nil)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building ./loadtest/benchmark (scripts/lib.sh go_command): %v\n%s", err, out)
	}
}

func (r helpResult) want(t *testing.T, code int, stderr ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
		return
	}
	for _, w := range stderr {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

// TestBenchmarkVerb runs ./help benchmark the user's way against the emulator: litellm-benchmark is deployed there
// with Terraform (as ./help deploy --local does), then `./help benchmark litellm-benchmark --local` pushes the
// image, starts the load generator's task, which the emulator runs (emulator/patches_loadgen.py) against a stub,
// follows it and writes the two reports. Every bad input stops with one message before anything is pushed or
// started; a task that cannot start or that fails is reported with ECS's reason and its log stream.
func TestBenchmarkVerb(t *testing.T) {
	t.Parallel()
	buildBenchmarkCommand(t)
	srv := emulator.Start(t)
	tf := pointAt(tftest.Setup(t), srv)
	dir := filepath.Join(emulated(t, srv, plainStacks), "litellm-benchmark")
	tf.Must(t, dir, 5*time.Minute, "init", "-input=false")
	tf.Must(t, dir, 20*time.Minute, "apply", "-input=false", "-auto-approve", "-var", "deletion_protection=false")

	// The runs push the tester TestBenchmarkImageRunsTaskCommand builds too, rather than each building its own.
	local := []string{"LITELLM_AWS_ENDPOINT=" + srv.Endpoint, "LITELLM_BENCHMARK_STACK_DIR=" + dir,
		"LITELLM_BENCHMARK_LOADTEST=" + testbin.Loadtest(t, tftest.Root(t))}
	family := "litellm-benchmark-loadgen"
	cluster := "litellm-benchmark-LiteLLM-Cluster"
	benchmarkTasks := func() int {
		return len(list(awsQuery(t, srv, "ecs", "list-tasks", "--cluster", cluster, "--started-by", loadgen.StartedBy, "--desired-status", "STOPPED"), "taskArns")) +
			len(list(awsQuery(t, srv, "ecs", "list-tasks", "--cluster", cluster, "--started-by", loadgen.StartedBy), "taskArns"))
	}

	t.Run("bad input", func(t *testing.T) {
		empty := t.TempDir()
		noOutputs := t.TempDir()
		writeFile(t, filepath.Join(noOutputs, "main.tf.json"), []byte(`{}`))
		tf.Must(t, noOutputs, time.Minute, "init", "-input=false")
		// What init leaves in a stack's folder (a configuration without providers has none of its own).
		os.MkdirAll(filepath.Join(noOutputs, ".terraform"), 0o755)
		beforeLoadgen := t.TempDir()
		writeFile(t, filepath.Join(beforeLoadgen, "main.tf.json"), []byte(`{"output": {"cluster_name": {"value": "litellm-benchmark-LiteLLM-Cluster"}}}`))
		tf.Must(t, beforeLoadgen, time.Minute, "init", "-input=false")
		tf.Must(t, beforeLoadgen, time.Minute, "apply", "-input=false", "-auto-approve")
		os.MkdirAll(filepath.Join(beforeLoadgen, ".terraform"), 0o755)
		other := emulator.Start(t) // a restarted emulator: nothing deployed in it

		noCredentials := []string{"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull, "AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=us-east-1"}
		for _, tc := range []struct {
			name string
			env  []string
			args []string
			want []string
		}{
			{"bad load test flags", local, []string{"-duration", "soon", "-users", "0"},
				[]string{`invalid -duration "soon"`, `invalid -users "0"`, "bad load test flags for ./help benchmark (nothing was pushed or started)"}},
			{"an unknown flag", local, []string{"-rate", "5"}, []string{"flag provided but not defined: -rate"}},
			{"a key on the command line", local, []string{"-key", "sk-mine"}, []string{"./help benchmark does not take -key: the task reads the master key from the stack's <stack>-master-key secret"}},
			{"report files of its own", local, []string{"-json", "x.json"}, []string{"does not take -json: the benchmark writes benchmark-<stack>-<time>.json and .html"}},
			{"not deployed", []string{"LITELLM_AWS_ENDPOINT=" + srv.Endpoint, "LITELLM_BENCHMARK_STACK_DIR=" + empty}, nil,
				[]string{"stack litellm-benchmark has not been deployed from this checkout", "run ./help deploy litellm-benchmark --local first"}},
			{"no outputs", []string{"LITELLM_AWS_ENDPOINT=" + srv.Endpoint, "LITELLM_BENCHMARK_STACK_DIR=" + noOutputs}, nil,
				[]string{"stack litellm-benchmark has no outputs: has ./help deploy litellm-benchmark --local finished?"}},
			{"deployed before the load generator", []string{"LITELLM_AWS_ENDPOINT=" + srv.Endpoint, "LITELLM_BENCHMARK_STACK_DIR=" + beforeLoadgen}, nil,
				[]string{"stack litellm-benchmark has no load generator (no loadgen_* outputs)", "run ./help deploy litellm-benchmark --local to add it"}},
			{"not in this emulator", []string{"LITELLM_AWS_ENDPOINT=" + other.Endpoint, "LITELLM_BENCHMARK_STACK_DIR=" + dir}, nil,
				[]string{"stack litellm-benchmark is not deployed in the emulator at " + other.Endpoint}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				args := append([]string{"benchmark", "litellm-benchmark", "--local"}, tc.args...)
				runHelp(t, t.TempDir(), tc.env, 5*time.Minute, args...).want(t, 1, tc.want...)
			})
		}
		t.Run("no AWS credentials", func(t *testing.T) {
			r := runHelp(t, t.TempDir(), append(noCredentials, "LITELLM_BENCHMARK_STACK_DIR="+dir), 5*time.Minute, "benchmark", "litellm-benchmark", "-duration", "1m")
			r.want(t, 1, "no usable AWS credentials", "configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)", "nothing was pushed or started")
		})
		if n := benchmarkTasks(); n != 0 {
			t.Errorf("bad input started %d tasks, want none", n)
		}
	})

	t.Run("a run", func(t *testing.T) {
		out := t.TempDir()
		r := runHelp(t, out, local, 10*time.Minute, "benchmark", "litellm-benchmark", "--local", "-duration", "5s", "-users", "20", "-spawn-rate", "20")
		// 20 users are far from the published 1,170 RPS: the verdict misses, and the verb says so with exit status 3.
		// What the task went through on the way (RUNNING, the live line) depends on how fast the machine polls; the
		// outcome, checked here and in the emulator below, does not.
		r.want(t, 3, "pushing the load tester's image to a registry on 127.0.0.1", "stub LiteLLM at http://127.0.0.1:",
			"runs 123456789012.dkr.ecr.us-east-1.amazonaws.com/"+family+"@sha256:", ": STOPPED", "fetching the reports from s3://")
		for _, w := range []string{"LiteLLM load test", "Verdict against 4 instances", "Verdict missed", "Reports: " + out + "/benchmark-litellm-benchmark-"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
			}
		}
		jsons, _ := filepath.Glob(filepath.Join(out, "benchmark-litellm-benchmark-*Z.json"))
		htmls, _ := filepath.Glob(filepath.Join(out, "benchmark-litellm-benchmark-*Z.html"))
		if len(jsons) != 1 || len(htmls) != 1 || strings.TrimSuffix(jsons[0], ".json") != strings.TrimSuffix(htmls[0], ".html") {
			t.Fatalf("reports written: %v %v, want one benchmark-litellm-benchmark-<UTC time>.json and .html", jsons, htmls)
		}
		if !regexp.MustCompile(`benchmark-litellm-benchmark-\d{8}T\d{6}Z\.json$`).MatchString(jsons[0]) {
			t.Errorf("report name %s, want benchmark-<stack>-<UTC time>.json", jsons[0])
		}
		var rep struct {
			Requests  int64 `json:"requests"`
			Successes int64 `json:"successes"`
			Settings  struct {
				Users    int     `json:"users"`
				Duration float64 `json:"duration_s"`
			} `json:"settings"`
		}
		b, err := os.ReadFile(jsons[0])
		if err == nil {
			err = json.Unmarshal(b, &rep)
		}
		// Every request succeeded against a stub that takes only the stack's master key: the secret reached the task.
		if err != nil || rep.Requests == 0 || rep.Successes != rep.Requests || rep.Settings.Users != 20 {
			t.Errorf("report %s: %v %+v; want requests, all successful, 20 users", jsons[0], err, rep)
		}
		if page, err := os.ReadFile(htmls[0]); err != nil || !strings.Contains(string(page), `<svg class="plot"`) {
			t.Errorf("HTML report %s: %v, want the charts", htmls[0], err)
		}

		// In the emulator: one task, stopped with the verdict's exit code; its output in the log stream; this run's
		// revision deregistered, the stack's own still there.
		tasks := list(awsQuery(t, srv, "ecs", "list-tasks", "--cluster", cluster, "--started-by", loadgen.StartedBy, "--desired-status", "STOPPED"), "taskArns")
		if len(tasks) != 1 {
			t.Fatalf("%d benchmark tasks, want 1", len(tasks))
		}
		task := list(awsQuery(t, srv, "ecs", "describe-tasks", "--cluster", cluster, "--tasks", tasks[0].(string)), "tasks")[0].(map[string]any)
		container := task["containers"].([]any)[0].(map[string]any)
		if task["lastStatus"] != "STOPPED" || container["exitCode"] != float64(3) {
			t.Errorf("task %v, container %v: want STOPPED with exit code 3", task["lastStatus"], container)
		}
		id := tasks[0].(string)[strings.LastIndex(tasks[0].(string), "/")+1:]
		events := list(awsQuery(t, srv, "logs", "get-log-events", "--log-group-name", "/ecs/"+family, "--log-stream-name", "loadgen/loadgen/"+id), "events")
		var logged []string
		for _, e := range events {
			logged = append(logged, e.(map[string]any)["message"].(string))
		}
		if all := strings.Join(logged, "\n"); !strings.Contains(all, "loadtest: 20 users at 20/s for 5s") || !strings.Contains(all, "report uploaded to s3://") {
			t.Errorf("the task's log stream:\n%s", all)
		}
		run := awsQuery(t, srv, "ecs", "describe-task-definition", "--task-definition", task["taskDefinitionArn"].(string))["taskDefinition"].(map[string]any)
		if image := run["containerDefinitions"].([]any)[0].(map[string]any)["image"].(string); !regexp.MustCompile(`^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com/`+family+`@sha256:[0-9a-f]{64}$`).MatchString(image) || run["status"] != "INACTIVE" {
			t.Errorf("the task ran revision %v with image %s: want the repository's image pinned by digest, deregistered after the run", run["status"], image)
		}
		active := list(awsQuery(t, srv, "ecs", "list-task-definitions", "--family-prefix", family, "--status", "ACTIVE"), "taskDefinitionArns")
		if len(active) != 1 || !strings.HasSuffix(active[0].(string), ":1") {
			t.Errorf("active revisions of %s: %v, want the stack's own (1) alone", family, active)
		}
	})

	t.Run("a task that cannot start", func(t *testing.T) {
		reason := "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/" + family + "@sha256:0: not found"
		if err := srv.SetTaskOutcome(family, nil, reason); err != nil {
			t.Fatal(err)
		}
		defer srv.ResetTaskOutcome(family)
		runHelp(t, t.TempDir(), local, 10*time.Minute, "benchmark", "litellm-benchmark", "--local", "-duration", "2s", "-users", "2").
			want(t, 1, "the load generator stopped before the tester ran: "+reason)
	})

	t.Run("a task that fails", func(t *testing.T) {
		one := 1
		if err := srv.SetTaskOutcome(family, &one, "Essential container in task exited"); err != nil {
			t.Fatal(err)
		}
		defer srv.ResetTaskOutcome(family)
		runHelp(t, t.TempDir(), local, 10*time.Minute, "benchmark", "litellm-benchmark", "--local", "-duration", "2s", "-users", "2").
			want(t, 1, "the load generator failed: exit code 1 (Essential container in task exited)",
				"its log: aws logs tail /ecs/"+family+" --log-stream-names loadgen/loadgen/")
	})

	tf.Must(t, dir, 20*time.Minute, "destroy", "-input=false", "-auto-approve", "-var", "deletion_protection=false")
}
