package loadgen_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/loadgen"
	"litellm-aws/constructs/network"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

const keyArn = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"

func props() loadgen.Props {
	return loadgen.Props{
		Name: "t", Region: "us-east-1", Network: &network.Network{}, LoadBalancer: &loadbalancer.LoadBalancer{},
		MasterKeySecretArn: jsii.String("arn:aws:secretsmanager:us-east-1:111122223333:secret:t-master-key-AbCdEf"),
		ReportBucket:       jsii.String("t-logs"), ReportBucketArn: jsii.String("arn:aws:s3:::t-logs"),
	}
}

func TestDefaults(t *testing.T) {
	p := props().WithDefaults()
	if p.CPU != 2048 || p.MemoryMiB != 4096 || p.LogRetentionDays != 30 || p.ImagesKept != 5 || p.StopTimeoutSeconds != 60 ||
		p.Profile != "benchmark" || p.ReportPrefix != "benchmark/" {
		t.Errorf("defaults %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*loadgen.Props)
		want   string
	}{
		{"empty name", func(p *loadgen.Props) { p.Name = "" }, `Name "" is not a valid name`},
		{"name too long for the execution role", func(p *loadgen.Props) { p.Name = strings.Repeat("a", 47) }, "is 47 characters long: allowed at most 46"},
		{"no region", func(p *loadgen.Props) { p.Region = "" }, "Region is required"},
		{"not a region", func(p *loadgen.Props) { p.Region = "Virginia" }, `Region "Virginia" is not an AWS region`},
		{"no network", func(p *loadgen.Props) { p.Network = nil }, "Network is required"},
		{"no load balancer", func(p *loadgen.Props) { p.LoadBalancer = nil }, "LoadBalancer is required"},
		{"no master key", func(p *loadgen.Props) { p.MasterKeySecretArn = nil }, "MasterKeySecretArn is required"},
		{"no bucket", func(p *loadgen.Props) { p.ReportBucketArn = jsii.String("") }, "ReportBucket and ReportBucketArn are required"},
		{"not a bucket name", func(p *loadgen.Props) { p.ReportBucket = jsii.String("My_Logs") }, `ReportBucket "My_Logs" is not an S3 bucket name`},
		{"prefix without a slash", func(p *loadgen.Props) { p.ReportPrefix = "benchmark" }, `ReportPrefix "benchmark" is not a key prefix`},
		{"prefix from the root", func(p *loadgen.Props) { p.ReportPrefix = "/benchmark/" }, `ReportPrefix "/benchmark/" is not a key prefix`},
		{"not a key", func(p *loadgen.Props) { p.KMSKeyArn = "alias/t" }, `KMSKeyArn "alias/t" is not a KMS key ARN`},
		{"unknown profile", func(p *loadgen.Props) { p.Profile = "four-instance" }, `Profile "four-instance" is not a load tester profile: allowed benchmark, two-instance, eight-instance`},
		{"Fargate pair", func(p *loadgen.Props) { p.CPU, p.MemoryMiB = 2048, 2048 }, "MemoryMiB = 2048 MiB is not valid with CPU = 2048 CPU units: allowed 4096-16384 in steps of 1024."},
		{"not a Fargate CPU", func(p *loadgen.Props) { p.CPU = 3000 }, "with CPU = 3000 CPU units: allowed CPU units 256, 512, 1024, 2048, 4096, 8192, 16384 only."},
		{"retention", func(p *loadgen.Props) { p.LogRetentionDays = 31 }, "LogRetentionDays 31 is not a CloudWatch Logs retention period"},
		{"no image kept", func(p *loadgen.Props) { p.ImagesKept = -1 }, "ImagesKept -1 is out of range: allowed 1-1000"},
		{"stop timeout beyond Fargate's", func(p *loadgen.Props) { p.StopTimeoutSeconds = 300 }, "StopTimeoutSeconds 300 is out of range: allowed 2-120"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := props().WithDefaults()
			tc.modify(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant an error containing %q", err, tc.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	err := loadgen.Props{Name: "X", Region: "x", CPU: 1, ImagesKept: -2}.WithDefaults().Validate()
	for _, want := range []string{"Name", "Region", "Network", "LoadBalancer", "MasterKeySecretArn", "ReportBucket", "MemoryMiB = ", "ImagesKept"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want a problem about %s in %v", want, err)
		}
	}
}

// build wires a load generator to a real network and load balancer, as the stacks do.
func build(t *testing.T, modify func(*loadgen.Props)) (*synthtest.Doc, *loadgen.LoadGen) {
	t.Helper()
	stack := synthtest.NewStack()
	net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	lb := loadbalancer.New(stack, "lb", loadbalancer.Props{Name: "t", Network: net})
	p := props()
	p.Network, p.LoadBalancer = net, lb
	if modify != nil {
		modify(&p)
	}
	g := loadgen.New(stack, "loadgen", p)
	return synthtest.Synth(t, stack), g
}

func only(t *testing.T, doc *synthtest.Doc, tfType string, attrs map[string]any) map[string]any {
	t.Helper()
	rs := doc.Where(tfType, attrs)
	if len(rs) != 1 {
		t.Fatalf("want one %s with %v, found %d: %v", tfType, attrs, len(rs), synthtest.Names(doc.Resources(tfType)))
	}
	for _, r := range rs {
		return r
	}
	return nil
}

type statement struct {
	Sid       string
	Effect    string
	Action    []string
	Resource  []string
	Condition map[string]map[string]string
}

func policyOf(t *testing.T, r map[string]any) []statement {
	t.Helper()
	var doc struct{ Statement []statement }
	if err := json.Unmarshal([]byte(r["policy"].(string)), &doc); err != nil {
		t.Fatalf("policy is not JSON: %v", err)
	}
	return doc.Statement
}

func TestRepository(t *testing.T) {
	doc, g := build(t, func(p *loadgen.Props) { p.KMSKeyArn = keyArn })
	repo := only(t, doc, *ecrrepository.EcrRepository_TfResourceType(), map[string]any{"name": "t-loadgen"})
	enc := repo["encryption_configuration"].([]any)[0].(map[string]any)
	if repo["image_tag_mutability"] != "IMMUTABLE" || repo["force_delete"] != true ||
		repo["image_scanning_configuration"].(map[string]any)["scan_on_push"] != true ||
		enc["encryption_type"] != "KMS" || enc["kms_key"] != keyArn {
		t.Errorf("repository %v: want immutable tags, scan on push, force delete and the stack's key", repo)
	}
	lc := only(t, doc, *ecrlifecyclepolicy.EcrLifecyclePolicy_TfResourceType(), nil)
	var policy struct {
		Rules []struct {
			Selection struct {
				TagStatus   string
				CountType   string
				CountNumber int
			}
			Action struct{ Type string }
		}
	}
	if err := json.Unmarshal([]byte(lc["policy"].(string)), &policy); err != nil || len(policy.Rules) != 1 ||
		policy.Rules[0].Selection.CountType != "imageCountMoreThan" || policy.Rules[0].Selection.CountNumber != 5 ||
		policy.Rules[0].Selection.TagStatus != "any" || policy.Rules[0].Action.Type != "expire" {
		t.Errorf("lifecycle policy %v (%v): want the last 5 images kept", lc["policy"], err)
	}
	if !*cdktf.Token_IsUnresolved(g.RepositoryURL) || *g.TaskFamily != "t-loadgen" || *g.LogGroupName != "/ecs/t-loadgen" {
		t.Errorf("exposed %q %q %q", *g.RepositoryURL, *g.TaskFamily, *g.LogGroupName)
	}
	logs := only(t, doc, *cloudwatchloggroup.CloudwatchLogGroup_TfResourceType(), map[string]any{"name": "/ecs/t-loadgen"})
	if logs["retention_in_days"] != float64(30) || logs["kms_key_id"] != keyArn {
		t.Errorf("log group %v", logs)
	}
}

func TestTaskDefinition(t *testing.T) {
	doc, g := build(t, func(p *loadgen.Props) { p.Profile = "eight-instance" })
	td := only(t, doc, *ecstaskdefinition.EcsTaskDefinition_TfResourceType(), map[string]any{"family": "t-loadgen"})
	if td["cpu"] != "2048" || td["memory"] != "4096" || td["network_mode"] != "awsvpc" || synthtest.JSON(td["requires_compatibilities"]) != `["FARGATE"]` {
		t.Errorf("task %v", td)
	}
	c := synthtest.ContainerDefinitions(t, td)
	if len(c) != 1 {
		t.Fatalf("%d containers, want 1", len(c))
	}
	ct := c[0]
	if ct["name"] != "loadgen" || !strings.HasSuffix(ct["image"].(string), ".repository_url}:push-with-help-benchmark") ||
		ct["readonlyRootFilesystem"] != true || ct["stopTimeout"] != float64(60) {
		t.Errorf("container %v", ct)
	}
	var cmd []string
	for _, a := range ct["command"].([]any) {
		cmd = append(cmd, a.(string))
	}
	var exposed []string
	for _, a := range g.Command {
		exposed = append(exposed, *a)
	}
	if len(cmd) != len(exposed) || !slices.Equal(cmd[2:], exposed[2:]) {
		t.Errorf("command %q, exposed %q", cmd, exposed)
	}
	joined := strings.Join(cmd, " ")
	for _, want := range []string{"-url http://${aws_lb.", "-profile eight-instance", "-users 1000 -spawn-rate 500 -duration 5m -wait 0.1s-0.5s",
		"-assert", "-upload s3://t-logs/benchmark/"} {
		if !strings.Contains(joined, want) {
			t.Errorf("command %q lacks %q", joined, want)
		}
	}
	if got := synthtest.JSON(ct["secrets"]); !strings.Contains(got, `"name":"LITELLM_MASTER_KEY"`) || !strings.Contains(got, "t-master-key") {
		t.Errorf("secrets %s: want the master key from its secret", got)
	}
	if strings.Contains(synthtest.JSON(ct["environment"]), "LITELLM_MASTER_KEY") {
		t.Error("the master key is in the environment")
	}
	if got := synthtest.JSON(ct["logConfiguration"]); !strings.Contains(got, `"awslogs-group":"/ecs/t-loadgen"`) || !strings.Contains(got, `"awslogs-stream-prefix":"loadgen"`) {
		t.Errorf("logs %s", got)
	}
}

func TestRoles(t *testing.T) {
	doc, _ := build(t, func(p *loadgen.Props) { p.KMSKeyArn = keyArn })
	only(t, doc, *iamrole.IamRole_TfResourceType(), map[string]any{"name": "t-loadgen-execution"})
	only(t, doc, *iamrole.IamRole_TfResourceType(), map[string]any{"name": "t-loadgen-task"})

	execution := policyOf(t, only(t, doc, *iamrolepolicy.IamRolePolicy_TfResourceType(), map[string]any{"name": "loadgen-execution"}))
	got := map[string]statement{}
	for _, s := range execution {
		got[s.Sid] = s
		for _, r := range s.Resource {
			if r == "*" && s.Sid != "EcrLogin" {
				t.Errorf("statement %s allows every resource", s.Sid)
			}
		}
	}
	if s := got["EcrPull"]; len(s.Resource) != 1 || !strings.HasPrefix(s.Resource[0], "${aws_ecr_repository.") {
		t.Errorf("EcrPull %v: want the tester's repository only", s)
	}
	if s := got["WriteLogs"]; len(s.Resource) != 1 || !strings.Contains(s.Resource[0], "aws_cloudwatch_log_group.loadgen_logs") {
		t.Errorf("WriteLogs %v: want the load generator's log group only", s)
	}
	if s := got["ReadMasterKey"]; len(s.Resource) != 1 || !strings.Contains(s.Resource[0], "t-master-key") || !slices.Equal(s.Action, []string{"secretsmanager:GetSecretValue"}) {
		t.Errorf("ReadMasterKey %v: want the master key only", s)
	}
	if s := got["DecryptMasterKey"]; len(s.Resource) != 1 || s.Resource[0] != keyArn ||
		s.Condition["StringEquals"]["kms:ViaService"] != "secretsmanager.us-east-1.amazonaws.com" {
		t.Errorf("DecryptMasterKey %v: want kms:Decrypt on the stack's key through Secrets Manager only", s)
	}
	if len(got) != 5 {
		t.Errorf("execution statements %v, want 5", synthtest.Names(got))
	}

	task := policyOf(t, only(t, doc, *iamrolepolicy.IamRolePolicy_TfResourceType(), map[string]any{"name": "loadgen-task"}))
	if len(task) != 1 || !slices.Equal(task[0].Action, []string{"s3:PutObject"}) || !slices.Equal(task[0].Resource, []string{"arn:aws:s3:::t-logs/benchmark/*"}) {
		t.Errorf("task policy %+v: want s3:PutObject under benchmark/ only", task)
	}

	// Without a customer-managed key there is nothing to decrypt with.
	doc, _ = build(t, nil)
	for _, s := range policyOf(t, only(t, doc, *iamrolepolicy.IamRolePolicy_TfResourceType(), map[string]any{"name": "loadgen-execution"})) {
		if s.Sid == "DecryptMasterKey" {
			t.Error("kms:Decrypt without a customer-managed key")
		}
	}
}

func TestSecurityGroup(t *testing.T) {
	doc, g := build(t, nil)
	sg := only(t, doc, *securitygroup.SecurityGroup_TfResourceType(), map[string]any{"name": "t-loadgen"})
	if sg["ingress"] != nil || sg["egress"] != nil {
		t.Errorf("inline rules %v", sg)
	}
	if !*cdktf.Token_IsUnresolved(g.SecurityGroupID) {
		t.Errorf("SecurityGroupID %s", *g.SecurityGroupID)
	}
	var ports []float64
	for _, r := range doc.Resources(*vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType()) {
		if !strings.Contains(r["security_group_id"].(string), "loadgen_security-group") {
			continue
		}
		if r["cidr_ipv4"] != "0.0.0.0/0" || r["ip_protocol"] != "tcp" || r["from_port"] != r["to_port"] {
			t.Errorf("egress rule %v", r)
		}
		ports = append(ports, r["from_port"].(float64))
	}
	slices.Sort(ports)
	if !slices.Equal(ports, []float64{80, 443}) {
		t.Errorf("egress ports %v, want the listeners' 80 and 443", ports)
	}
	for _, r := range doc.Resources(*vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType()) {
		if strings.Contains(synthtest.JSON(r), "loadgen") {
			t.Errorf("ingress to the load generator: %v", r)
		}
	}
}
