package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"litellm-aws/constructs/loadgen/contract"
	"litellm-aws/internal/facts"
)

// nothingStarted ends every message of a stop before anything was pushed or started.
const nothingStarted = "(nothing was pushed or started)"

// run is the whole benchmark; it returns the exit status of a run that ended with a verdict (0 or 3), else an
// error. What it starts it leaves in b.undo.
func (b *bench) run(ctx context.Context) (int, error) {
	// 1. The flags: those the benchmark sets itself, then the tester's own check.
	for _, f := range refusedFlags {
		if hasFlag(f.name, b.flags) {
			return 0, fmt.Errorf("./help benchmark does not take -%s: %s %s", f.name, f.why, nothingStarted)
		}
	}
	profile, _ := facts.StackNamed(b.stack)
	check := taskCommand([]string{"-url", "http://load-balancer.invalid", "-profile", profile.Profile, "-assert"},
		b.flags, "", "s3://report-bucket.invalid/benchmark/check/")
	if _, err := b.check(ctx, check); err != nil {
		return 0, err
	}
	var err error
	if b.work, err = os.MkdirTemp("", "litellm-benchmark-"); err != nil {
		return 0, err
	}

	// 2. Where the stack is, and who we are there.
	cloud, err := b.connect(ctx)
	if err != nil {
		return 0, err
	}
	out, err := b.outputs(ctx)
	if err != nil {
		return 0, err
	}
	cloud.setRegion(out.region())
	family := out.get("loadgen_task_family")
	def, base, err := b.taskDefinition(ctx, cloud, family)
	if err != nil {
		return 0, err
	}

	stamp := time.Now().UTC().Format("20060102T150405Z")
	report := filepath.Join(mustGetwd(), "benchmark-"+b.stack+"-"+stamp)
	upload := "s3://" + out.get("benchmark_report_bucket") + "/" + out.get("benchmark_report_prefix") + stamp + "/"
	// The real command, checked again before anything starts (with --local the stub's URL replaces the load
	// balancer's).
	target := ""
	if b.local {
		target = "http://127.0.0.1:9"
	}
	settings, err := b.check(ctx, taskCommand(base, b.flags, target, upload))
	if err != nil {
		return 0, err
	}
	b.log("benchmark of %s: %d users at %s/s for %s s, judged against %s, from a Fargate task in the stack's private subnets",
		b.stack, settings.Users, num(settings.SpawnRate), num(settings.DurationSeconds), judgedAgainst(settings.Profile, settings.Instances))

	// 3. With --local, a stub stands for the load balancer: the emulator's load balancer has no address.
	if b.local {
		if target, err = b.startStub(ctx, cloud); err != nil {
			return 0, err
		}
	}
	command := taskCommand(base, b.flags, target, upload)

	// 4. The image: built, pushed (once per content: tags are immutable), pinned by digest in a new revision.
	image, runner, err := b.pushImage(ctx, cloud, out.get("loadgen_repository_url"), family)
	if err != nil {
		return 0, err
	}
	revision, err := b.register(ctx, cloud, def, image)
	if err != nil {
		return 0, err
	}
	b.log("task definition %s runs %s", revision[strings.LastIndex(revision, "/")+1:], image)
	if b.local {
		if err := b.setRunner(ctx, cloud, family, runner); err != nil {
			return 0, err
		}
	}

	// 5. Run it, and follow it to the end.
	t := &task{
		cluster: out.get("cluster_name"), logGroup: out.get("loadgen_log_group_name"), region: cloud.cfg.Region,
		deadline: time.Duration(math.Floor(settings.DurationSeconds))*time.Second + 15*time.Minute,
	}
	if err := b.start(ctx, cloud, t, revision, command, strings.Split(out.get("private_subnet_ids"), ","), out.get("loadgen_security_group_id")); err != nil {
		return 0, err
	}
	code, err := b.follow(ctx, cloud, t)
	if err != nil {
		return 0, err
	}

	// 6. The verdict, the reports.
	b.log("fetching the reports from %s", upload)
	table, err := b.fetchReports(ctx, cloud, upload, report)
	if err != nil {
		return 0, fmt.Errorf("the run ended (exit code %d) but its reports could not be fetched from %s (%v); its log: %s", code, upload, err, t.tailCommand())
	}
	fmt.Fprintf(b.stdout, "%s\n", table)
	if code == 0 {
		fmt.Fprintf(b.stdout, "Verdict held: the run met the published figures for %s (task %s exited 0).\n", judgedAgainst(settings.Profile, settings.Instances), t.id)
	} else {
		fmt.Fprintf(b.stdout, "Verdict missed: the run fell short of the published figures (task %s exited 3, the tester's -assert); see the notes above.\n", t.id)
	}
	fmt.Fprintf(b.stdout, "Reports: %s.json and %s.html (also in %s)\n", report, report, upload)
	return code, nil
}

// refusedFlags are the tester's flags the benchmark sets itself, with why.
var refusedFlags = []struct{ name, why string }{
	{"url", "the benchmark loads the stack's own load balancer (load_balancer_url); to load another URL, run ./help loadtest with -url"},
	{"key", "the task reads the master key from the stack's <stack>-master-key secret; a -key would be readable in the task's overrides"},
	{"json", "the benchmark writes benchmark-<stack>-<time>.json and .html into the current directory itself"},
	{"html", "the benchmark writes benchmark-<stack>-<time>.json and .html into the current directory itself"},
	{"upload", "the task puts its reports into the stack's report bucket itself"},
	{"smoke", "the benchmark runs a load test; for the smoke check run ./help smoke"},
	{"stub", "the benchmark runs a load test against the stack; to serve a stub run go run ./loadtest -stub ADDR"},
	{"check", "the benchmark checks the flags itself before it starts anything"},
}

// hasFlag is whether args set the Go flag name (-name, --name, -name=v or --name=v).
func hasFlag(name string, args []string) bool {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// taskCommand is the task's command: the task definition's (base), its -profile dropped when the flags name a
// profile or an instance count, the URL when given (the stub, with --local), the flags, and where to upload.
// Later flags win.
func taskCommand(base, flags []string, url, upload string) []string {
	var cmd []string
	dropProfile := hasFlag("profile", flags) || hasFlag("instances", flags)
	for i := 0; i < len(base); i++ {
		if dropProfile && base[i] == "-profile" {
			i++
			continue
		}
		cmd = append(cmd, base[i])
	}
	if url != "" {
		cmd = append(cmd, "-url", url)
	}
	cmd = append(cmd, flags...)
	return append(cmd, "-upload", upload)
}

// judgedAgainst names what a run is judged against: the profile, else the instance count.
func judgedAgainst(profile string, instances int) string {
	if profile != "" {
		return profile
	}
	return fmt.Sprintf("%d instances", instances)
}

// num prints a number as jq does: no trailing zeros, no exponent for the sizes here.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func mustGetwd() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	return dir
}

// startStub serves the tester's stub LiteLLM on 127.0.0.1 for the task to load, accepting the stack's master key
// (from the emulator's Secrets Manager), and returns its URL.
func (b *bench) startStub(ctx context.Context, cloud *cloud) (string, error) {
	key := ""
	secret, err := secretsmanager.NewFromConfig(cloud.cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(b.stack + "-master-key")})
	if err == nil {
		key = aws.ToString(secret.SecretString)
	}
	latency := b.getenv("LITELLM_BENCHMARK_STUB_LATENCY")
	if latency == "" {
		latency = "100ms"
	}
	url, stop, err := serveStub(ctx, key, latency, b.getenv)
	if err != nil {
		return "", err
	}
	b.undo = append(b.undo, func(context.Context) { stop() })
	b.log("stub LiteLLM at %s stands for the load balancer (latency %s, the stack's master key)", url, latency)
	return url, nil
}

// register registers a revision of the stack's task definition with the load generator's image replaced, and
// deregisters it at the end: the revision named this run's image; the family's own (Terraform's) stays.
func (b *bench) register(ctx context.Context, cloud *cloud, def *ecs.DescribeTaskDefinitionOutput, image string) (string, error) {
	td := def.TaskDefinition
	containers := append([]types.ContainerDefinition(nil), td.ContainerDefinitions...)
	for i := range containers {
		if aws.ToString(containers[i].Name) == contract.ContainerName {
			containers[i].Image = aws.String(image)
		}
	}
	in := &ecs.RegisterTaskDefinitionInput{
		Family: td.Family, TaskRoleArn: td.TaskRoleArn, ExecutionRoleArn: td.ExecutionRoleArn, NetworkMode: td.NetworkMode,
		ContainerDefinitions: containers, Volumes: td.Volumes, PlacementConstraints: td.PlacementConstraints,
		RequiresCompatibilities: td.RequiresCompatibilities, Cpu: td.Cpu, Memory: td.Memory, PidMode: td.PidMode,
		IpcMode: td.IpcMode, EphemeralStorage: td.EphemeralStorage, RuntimePlatform: td.RuntimePlatform, Tags: def.Tags,
	}
	out, err := cloud.ecs.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return "", fmt.Errorf("cannot register a revision of %s with the image %s: %v", aws.ToString(td.Family), image, err)
	}
	revision := aws.ToString(out.TaskDefinition.TaskDefinitionArn)
	b.undo = append(b.undo, func(ctx context.Context) {
		_, _ = cloud.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(revision)})
	})
	return revision, nil
}
