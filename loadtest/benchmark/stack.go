package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-containerregistry/pkg/authn"

	"litellm-aws/constructs/loadgen/contract"
	"litellm-aws/internal/ociimage"
)

// cloud is where the stack is, AWS or the local emulator, with the clients the benchmark calls there.
type cloud struct {
	cfg      aws.Config
	endpoint string // the emulator's, with --local
	local    bool
	ecs      *ecs.Client
	s3       *s3.Client
	logs     *cloudwatchlogs.Client
}

// connect finds the AWS the stack is in: with --local the emulator at LITELLM_AWS_ENDPOINT with fake credentials
// and no shared config (a profile there could carry real credentials or its own endpoint), else the caller's
// credentials, which it checks first.
func (b *bench) connect(ctx context.Context) (*cloud, error) {
	region := b.getenv("AWS_REGION")
	if region == "" {
		region = b.getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		region = "us-east-1"
	}
	if b.local {
		endpoint := b.getenv("LITELLM_AWS_ENDPOINT")
		if endpoint == "" {
			return nil, fmt.Errorf("the local AWS emulator is not running, so stack %s is not deployed in it: run ./help deploy %s --local first", b.stack, b.stack)
		}
		if !strings.HasPrefix(endpoint, "http://127.") && !strings.HasPrefix(endpoint, "http://localhost:") {
			return nil, fmt.Errorf("LITELLM_AWS_ENDPOINT=%s is not a local emulator: allowed http://127.0.0.1:PORT", endpoint)
		}
		cfg := aws.Config{Region: region, BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
		return &cloud{cfg: cfg, endpoint: endpoint, local: true}, nil
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err == nil {
		if cfg.Region == "" {
			cfg.Region = region
		}
		var who *sts.GetCallerIdentityOutput
		if who, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
			b.log("AWS identity: %s", aws.ToString(who.Arn))
			return &cloud{cfg: cfg}, nil
		}
	}
	return nil, fmt.Errorf("no usable AWS credentials (%v): configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and "+
		"AWS_SECRET_ACCESS_KEY) for the account %s is deployed in, then run this again %s", err, b.stack, nothingStarted)
}

// setRegion moves the clients to the stack's region.
func (c *cloud) setRegion(region string) {
	if region != "" {
		c.cfg.Region = region
	}
	c.ecs = ecs.NewFromConfig(c.cfg)
	c.s3 = s3.NewFromConfig(c.cfg, func(o *s3.Options) {
		// The emulator answers S3 on its one address, not on a name per bucket, and sends no checksums, which the
		// SDK would otherwise warn about on every report fetched.
		o.UsePathStyle = c.local
		o.DisableLogOutputChecksumValidationSkipped = c.local
	})
	c.logs = cloudwatchlogs.NewFromConfig(c.cfg)
}

// ecrAuth is the push credential for the account's ECR registry in the stack's region.
func (c *cloud) ecrAuth(ctx context.Context) (authn.Authenticator, error) {
	out, err := ecr.NewFromConfig(c.cfg).GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return nil, err
	}
	if len(out.AuthorizationData) == 0 {
		return nil, fmt.Errorf("ECR gave no authorization token")
	}
	token, err := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	if err != nil {
		return nil, fmt.Errorf("ECR's authorization token: %v", err)
	}
	_, password, _ := strings.Cut(string(token), ":") // AWS:<password>
	return ociimage.ECR(password), nil
}

// outputs are the stack's Terraform outputs.
type outputs map[string]struct {
	Value any `json:"value"`
}

// get is one output as text: a list joined with commas, nothing for a missing one.
func (o outputs) get(name string) string {
	switch v := o[name].Value.(type) {
	case nil:
		return ""
	case string:
		return v
	case []any:
		var parts []string
		for _, p := range v {
			parts = append(parts, fmt.Sprint(p))
		}
		return strings.Join(parts, ",")
	default:
		return fmt.Sprint(v)
	}
}

var ecrRegion = regexp.MustCompile(`^[0-9]*\.dkr\.ecr\.([a-z0-9-]*)\.amazonaws\.com`)

// region is the stack's region, read from its ECR repository's URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>).
func (o outputs) region() string {
	if m := ecrRegion.FindStringSubmatch(o.get("loadgen_repository_url")); m != nil {
		return m[1]
	}
	return ""
}

// outputs reads the deployed stack's outputs with terraform, and checks that it has a load generator.
func (b *bench) outputs(ctx context.Context) (outputs, error) {
	dir := b.getenv("LITELLM_BENCHMARK_STACK_DIR")
	if dir == "" {
		out := "cdktf.out"
		if b.local {
			out = "cdktf.local.out"
		}
		dir = filepath.Join(b.root, out, "stacks", b.stack)
	}
	if _, err := os.Stat(filepath.Join(dir, ".terraform")); err != nil {
		return nil, fmt.Errorf("stack %s has not been deployed from this checkout (%s has no .terraform): run ./help deploy %s%s first", b.stack, dir, b.stack, b.where)
	}
	cmd := exec.CommandContext(ctx, b.terraform, "output", "-json")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	text, err := cmd.Output()
	var out outputs
	if err == nil {
		err = json.Unmarshal(text, &out)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read stack %s's outputs: %v %s", b.stack, err, lastLines(stderr.String(), 3))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("stack %s has no outputs: has ./help deploy %s%s finished? %s", b.stack, b.stack, b.where, nothingStarted)
	}
	if out.get("loadgen_task_family") == "" {
		return nil, fmt.Errorf("stack %s has no load generator (no loadgen_* outputs): it was deployed before the load generator was added; "+
			"run ./help deploy %s%s to add it (an ECR repository, a task definition, two roles, a security group and a log group; "+
			"nothing runs until a benchmark)", b.stack, b.stack, b.where)
	}
	return out, nil
}

// taskDefinition reads the family's latest revision, with its tags, and the load generator's command in it.
func (b *bench) taskDefinition(ctx context.Context, c *cloud, family string) (*ecs.DescribeTaskDefinitionOutput, []string, error) {
	def, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family),
		Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
	if err != nil {
		if b.local {
			return nil, nil, fmt.Errorf("stack %s is not deployed in the emulator at %s (no task definition %s; the emulator keeps nothing across restarts): run ./help deploy %s --local first", b.stack, c.endpoint, family, b.stack)
		}
		return nil, nil, fmt.Errorf("cannot read the task definition %s: %v", family, err)
	}
	for _, cd := range def.TaskDefinition.ContainerDefinitions {
		if aws.ToString(cd.Name) == contract.ContainerName && len(cd.Command) > 0 {
			return def, cd.Command, nil
		}
	}
	return nil, nil, fmt.Errorf("the task definition %s has no %s container with a command: run ./help deploy %s%s", family, contract.ContainerName, b.stack, b.where)
}

// setRunner tells the emulator which binary runs the family's tasks (emulator/patches_loadgen.py), and makes it
// forget it at the end.
func (b *bench) setRunner(ctx context.Context, c *cloud, family, binary string) error {
	post := func(ctx context.Context, body map[string]string) error {
		j, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/_emulator/ecs/task-runner", bytes.NewReader(j))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("it answered %s", resp.Status)
		}
		return nil
	}
	if err := post(ctx, map[string]string{"family": family, "binary": binary}); err != nil {
		return fmt.Errorf("the emulator at %s did not take the load generator's runner: %v", c.endpoint, err)
	}
	b.undo = append(b.undo, func(ctx context.Context) { _ = post(ctx, map[string]string{"family": family}) })
	return nil
}

// lastLines is the last n lines of s, on one line.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " ")
}
