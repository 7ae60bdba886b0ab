package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"litellm-aws/constructs/loadgen/contract"
)

// task is the load generator's task of this run.
type task struct {
	cluster, logGroup, region string
	// deadline is how long the task may take from its start to its end: the run's duration and 15 minutes to start
	// and report.
	deadline time.Duration
	arn, id  string
	stream   string // its log stream
	done     bool   // it stopped, or was stopped: nothing to stop at the end
}

// tailCommand is how to read the task's log.
func (t *task) tailCommand() string {
	return fmt.Sprintf("aws logs tail %s --log-stream-names %s --region %s", t.logGroup, t.stream, t.region)
}

// start runs the task with the command as its override, in the stack's private subnets; it is stopped at the end
// unless it ended by itself.
func (b *bench) start(ctx context.Context, c *cloud, t *task, revision string, command, subnets []string, securityGroup string) error {
	out, err := c.ecs.RunTask(ctx, &ecs.RunTaskInput{
		Cluster: aws.String(t.cluster), TaskDefinition: aws.String(revision), LaunchType: types.LaunchTypeFargate,
		Count: aws.Int32(1), StartedBy: aws.String(contract.StartedBy),
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: subnets, SecurityGroups: []string{securityGroup}, AssignPublicIp: types.AssignPublicIpDisabled}},
		Overrides: &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{
			{Name: aws.String(contract.ContainerName), Command: command}}},
	})
	if err != nil {
		return fmt.Errorf("ECS did not start the load generator: %v", err)
	}
	if len(out.Tasks) == 0 {
		var reasons []string
		for _, f := range out.Failures {
			r := aws.ToString(f.Reason)
			if f.Detail != nil {
				r += " (" + *f.Detail + ")"
			}
			reasons = append(reasons, r)
		}
		if len(reasons) == 0 {
			reasons = []string{"no task and no reason given"}
		}
		return fmt.Errorf("ECS did not start the load generator: %s", strings.Join(reasons, "; "))
	}
	t.arn = aws.ToString(out.Tasks[0].TaskArn)
	t.id = path.Base(t.arn)
	t.stream = contract.LogStreamPrefix + "/" + contract.ContainerName + "/" + t.id
	b.undo = append(b.undo, func(ctx context.Context) {
		if !t.done {
			b.log("stopping the load generator task %s", t.id)
			_, _ = c.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(t.cluster), Task: aws.String(t.arn), Reason: aws.String("./help benchmark was interrupted")})
		}
	})
	b.log("task %s started in %s; its log: %s", t.id, t.cluster, t.tailCommand())
	return nil
}

// follow waits for the task to stop (ECS's TasksStopped waiter), saying each state it reaches and, while it runs, the
// tester's latest line, and returns the tester's exit status: 0 or 3 (the verdict), anything else an error.
func (b *bench) follow(ctx context.Context, c *cloud, t *task) (int, error) {
	poll, err := b.pollInterval()
	if err != nil {
		return 0, err
	}
	p := &progress{b: b, c: c, t: t}
	var readErr error // the last DescribeTasks error: the waiter gives up on the first
	waiter := ecs.NewTasksStoppedWaiter(c.ecs, func(o *ecs.TasksStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = poll, poll
		stopped := o.Retryable
		o.Retryable = func(ctx context.Context, in *ecs.DescribeTasksInput, out *ecs.DescribeTasksOutput, err error) (bool, error) {
			readErr = err
			if err == nil && len(out.Tasks) > 0 {
				p.show(ctx, out.Tasks[0])
			}
			return stopped(ctx, in, out, err)
		}
	})
	out, err := waiter.WaitForOutput(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(t.cluster), Tasks: []string{t.arn}}, t.deadline)
	p.end()
	switch {
	case ctx.Err() != nil:
		return 0, ctx.Err()
	case readErr != nil && !errors.Is(readErr, context.DeadlineExceeded):
		return 0, fmt.Errorf("cannot read the state of task %s: %v", t.id, readErr)
	case err != nil:
		_, _ = c.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(t.cluster), Task: aws.String(t.arn),
			Reason: aws.String("./help benchmark: no end within the run's duration + 15 min")})
		t.done = true
		return 0, fmt.Errorf("task %s did not finish within %.0f s (the run's %.0f s and 15 min to start and report) and was stopped; its log: %s",
			t.id, t.deadline.Seconds(), (t.deadline - 15*time.Minute).Seconds(), t.tailCommand())
	}
	t.done = true

	stopped := out.Tasks[0]
	why := []string{}
	if r := aws.ToString(stopped.StoppedReason); r != "" {
		why = append(why, r)
	}
	var code *int32
	for _, ct := range stopped.Containers {
		if aws.ToString(ct.Name) == contract.ContainerName {
			code = ct.ExitCode
			if r := aws.ToString(ct.Reason); r != "" {
				why = append(why, r)
			}
		}
	}
	reason := strings.Join(why, ": ")
	if reason == "" {
		reason = "no reason given"
	}
	switch {
	case code == nil:
		return 0, fmt.Errorf("the load generator stopped before the tester ran: %s (task %s; ECS's reason above; log, if any: %s)", reason, t.id, t.tailCommand())
	case *code == 0 || *code == exitMissed:
		return int(*code), nil
	}
	b.log("the load tester's last lines:")
	for _, line := range b.lastLogLines(ctx, c, t, 20) {
		fmt.Fprintf(b.stderr, "  | %s\n", line)
	}
	return 0, fmt.Errorf("the load generator failed: exit code %d (%s); task %s; its log: %s", *code, reason, t.id, t.tailCommand())
}

// pollInterval is how often follow asks ECS: LITELLM_BENCHMARK_POLL_SECONDS, else 5 s, or 1 s with --local.
func (b *bench) pollInterval() (time.Duration, error) {
	s := b.getenv("LITELLM_BENCHMARK_POLL_SECONDS")
	if s == "" {
		if b.local {
			return time.Second, nil
		}
		return 5 * time.Second, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("LITELLM_BENCHMARK_POLL_SECONDS=%s: allowed a number of seconds greater than 0", s)
	}
	return time.Duration(v * float64(time.Second)), nil
}

// lastLogLines is the task's last n log lines, none when they cannot be read.
func (b *bench) lastLogLines(ctx context.Context, c *cloud, t *task, n int32) []string {
	out, err := c.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(t.logGroup),
		LogStreamName: aws.String(t.stream), Limit: aws.Int32(n), StartFromHead: aws.Bool(false)})
	if err != nil {
		return nil
	}
	var lines []string
	for _, e := range out.Events {
		lines = append(lines, aws.ToString(e.Message))
	}
	return lines
}

// progress shows the task's states as they change and, while it runs, a line with the time and the tester's latest
// output: redrawn in place on a terminal, else printed when the output changes.
type progress struct {
	b      *bench
	c      *cloud
	t      *task
	status string
	began  time.Time
	drawn  bool   // a live line is on the terminal
	last   string // the output printed last (not on a terminal)
}

func (p *progress) show(ctx context.Context, task types.Task) {
	if now := aws.ToString(task.LastStatus); now != p.status {
		p.end()
		p.status = now
		p.b.log("task %s: %s", p.t.id, now)
		p.began = time.Now()
	}
	if p.status != "RUNNING" {
		return
	}
	last := ""
	if lines := p.b.lastLogLines(ctx, p.c, p.t, 1); len(lines) > 0 {
		last = lines[len(lines)-1]
	}
	e := int(time.Since(p.began).Seconds())
	line := fmt.Sprintf("  running %d:%02d  %s", e/60, e%60, last)
	switch {
	case p.b.terminal:
		fmt.Fprintf(p.b.stderr, "\r\033[K%s", line)
		p.drawn = true
	case last != "" && last != p.last:
		fmt.Fprintln(p.b.stderr, line)
		p.last = last
	}
}

// end finishes a live line, so that what follows starts on a line of its own.
func (p *progress) end() {
	if p.drawn {
		fmt.Fprintln(p.b.stderr)
		p.drawn = false
	}
}

// fetchReports copies report.json and report.html from the run's upload prefix to report+".json" and ".html", and
// returns report.txt, the table.
func (b *bench) fetchReports(ctx context.Context, c *cloud, upload, report string) (string, error) {
	u, err := url.Parse(upload)
	if err != nil {
		return "", err
	}
	get := func(name string) ([]byte, error) {
		out, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(u.Host), Key: aws.String(strings.TrimPrefix(u.Path, "/") + name)})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		defer out.Body.Close()
		return io.ReadAll(out.Body)
	}
	for _, ext := range []string{"json", "html"} {
		body, err := get("report." + ext)
		if err == nil {
			err = os.WriteFile(report+"."+ext, body, 0o644)
		}
		if err != nil {
			return "", err
		}
	}
	table, err := get("report.txt")
	return string(table), err
}
