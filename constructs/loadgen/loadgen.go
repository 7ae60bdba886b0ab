package loadgen

import (
	"encoding/json"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"

	"litellm-aws/constructs/loadgen/contract"
	"litellm-aws/internal/awsiam"
	"litellm-aws/internal/opt"
	"litellm-aws/internal/sgrule"
)

// What the task definition names and ./help benchmark relies on: constructs/loadgen/contract.
const (
	ContainerName   = contract.ContainerName
	LogStreamPrefix = contract.LogStreamPrefix
	PlaceholderTag  = contract.PlaceholderTag
	StartedBy       = contract.StartedBy
)

// The seed's Locust scenario, as the task's default command runs it (./help benchmark passes it on and adds
// the flags it is given after it, which win).
var Scenario = []string{"-users", "1000", "-spawn-rate", "500", "-duration", "5m", "-wait", "0.1s-0.5s"}

// LoadGen is the load generator's definition; nothing of it runs until a task is started.
type LoadGen struct {
	securityGroup sgrule.Group
	// RepositoryURL is the ECR repository the tester's image is pushed to (<account>.dkr.ecr.<region>.amazonaws.com/<name>-loadgen).
	RepositoryURL *string
	// RepositoryArn is its ARN; the execution role may pull from it alone.
	RepositoryArn *string
	// TaskFamily is the task definition family, "<name>-loadgen"; TaskDefinitionArn is the revision Terraform
	// registered (with the PlaceholderTag image).
	TaskFamily        *string
	TaskDefinitionArn *string
	// LogGroupName is "/ecs/<name>-loadgen".
	LogGroupName *string
	// SecurityGroupID is the task's security group; SubnetIDs the private subnets it runs in.
	SecurityGroupID *string
	SubnetIDs       []*string
	// ReportBucket and ReportPrefix are where the task's reports go: s3://<bucket>/<prefix>...
	ReportBucket *string
	ReportPrefix *string
	// Command is the container's default command: the tester's flags, the load balancer's URL among them.
	Command []*string
}

// FamilySuffix ends the load generator's task definition family, "<name>-loadgen".
const FamilySuffix = "-loadgen"

// New builds the load generator. It panics on invalid props; call Props.Validate first to get the problems
// as an error.
func New(scope constructs.Construct, id string, props Props) *LoadGen {
	p := props.WithDefaults()
	if err := p.Validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	g := &LoadGen{
		TaskFamily:   jsii.String(p.Name + FamilySuffix),
		LogGroupName: jsii.String("/ecs/" + p.Name + "-loadgen"),
		SubnetIDs:    p.Network.PrivateSubnetIDs,
		ReportBucket: p.ReportBucket,
		ReportPrefix: jsii.String(p.ReportPrefix),
	}

	encryption := &ecrrepository.EcrRepositoryEncryptionConfiguration{EncryptionType: jsii.String("KMS"), KmsKey: opt.String(p.KMSKeyArn)}
	repo := ecrrepository.NewEcrRepository(c, jsii.String("repository"), &ecrrepository.EcrRepositoryConfig{
		Name: g.TaskFamily,
		// A tag always names the same image: the tester's tags are its digest's first 12 hex digits anyway.
		ImageTagMutability:         jsii.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecrrepository.EcrRepositoryImageScanningConfiguration{ScanOnPush: jsii.Bool(true)},
		EncryptionConfiguration:    &[]*ecrrepository.EcrRepositoryEncryptionConfiguration{encryption},
		// The images are built from this repository's source at any time: nothing to keep on a destroy.
		ForceDelete: jsii.Bool(true),
		Tags:        &map[string]*string{"Name": g.TaskFamily},
	})
	ecrlifecyclepolicy.NewEcrLifecyclePolicy(c, jsii.String("repository-lifecycle"), &ecrlifecyclepolicy.EcrLifecyclePolicyConfig{
		Repository: repo.Name(),
		Policy:     jsii.String(lifecyclePolicy(p.ImagesKept)),
	})
	g.RepositoryURL, g.RepositoryArn = repo.RepositoryUrl(), repo.Arn()

	logs := cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String("logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            g.LogGroupName,
		RetentionInDays: jsii.Number(float64(p.LogRetentionDays)),
		KmsKeyId:        opt.String(p.KMSKeyArn),
	})

	execution := awsiam.NewRole(c, "execution-role", awsiam.RoleProps{
		Name:        p.Name + "-loadgen-execution",
		Description: "ECS pulls the load tester's image, writes its log and reads the master key for it",
		Service:     "ecs-tasks.amazonaws.com",
		Policy:      awsiam.InlinePolicy{ID: "execution-policy", Name: "loadgen-execution", Document: executionPolicy(p, *repo.Arn(), *logs.Arn())},
	})
	task := awsiam.NewRole(c, "task-role", awsiam.RoleProps{
		Name:        p.Name + "-loadgen-task",
		Description: "The load tester puts its reports under " + p.ReportPrefix + " in the log bucket and does nothing else",
		Service:     "ecs-tasks.amazonaws.com",
		Policy: awsiam.InlinePolicy{ID: "task-policy", Name: "loadgen-task", Document: awsiam.Policy(awsiam.Statement{
			Sid:       "PutReports",
			Actions:   []string{"s3:PutObject"},
			Resources: []string{*p.ReportBucketArn + "/" + p.ReportPrefix + "*"},
		})},
	})

	g.securityGroup = securityGroup(c, p)
	g.SecurityGroupID = g.securityGroup.ID

	command := append([]string{"-url", *p.LoadBalancer.URL, "-profile", p.Profile}, Scenario...)
	// -assert: the task's exit code is the verdict (0 held, 3 missed); 1 is a failed run or upload.
	command = append(command, "-assert", "-upload", "s3://"+*p.ReportBucket+"/"+p.ReportPrefix)
	g.Command = *jsii.Strings(command...)
	container := map[string]any{
		"name":      ContainerName,
		"image":     *repo.RepositoryUrl() + ":" + PlaceholderTag,
		"essential": true,
		// The image's entrypoint is the tester (internal/ociimage), so the command is its flags.
		"command": command,
		// The uploader's S3 client; Fargate sets it too, but the tester must not depend on that.
		"environment": []map[string]string{{"name": "AWS_REGION", "value": p.Region}},
		"secrets":     []map[string]string{{"name": "LITELLM_MASTER_KEY", "valueFrom": *p.MasterKeySecretArn}},
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options": map[string]string{
				"awslogs-group":         *g.LogGroupName,
				"awslogs-region":        p.Region,
				"awslogs-stream-prefix": LogStreamPrefix,
			},
		},
		// The reports go to S3 from memory: the tester writes no file.
		"readonlyRootFilesystem": true,
		// A user per connection, 1,000 by default: well within this (Go raises its soft limit to the hard one).
		"ulimits":     []map[string]any{{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}},
		"stopTimeout": p.StopTimeoutSeconds,
	}
	defs, err := json.Marshal([]map[string]any{container})
	if err != nil {
		panic(err) // plain maps, strings and numbers only
	}
	td := ecstaskdefinition.NewEcsTaskDefinition(c, jsii.String("task"), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  g.TaskFamily,
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String(fmt.Sprint(p.CPU)),
		Memory:                  jsii.String(fmt.Sprint(p.MemoryMiB)),
		ExecutionRoleArn:        execution.Arn,
		TaskRoleArn:             task.Arn,
		RuntimePlatform: &ecstaskdefinition.EcsTaskDefinitionRuntimePlatform{
			OperatingSystemFamily: jsii.String("LINUX"),
			CpuArchitecture:       jsii.String("X86_64"),
		},
		ContainerDefinitions: jsii.String(string(defs)),
		Tags:                 &map[string]*string{"Name": g.TaskFamily},
	})
	g.TaskDefinitionArn = td.Arn()
	return g
}

// lifecyclePolicy expires all but the newest kept images.
func lifecyclePolicy(kept int) string {
	b, err := json.Marshal(map[string]any{"rules": []map[string]any{{
		"rulePriority": 1,
		"description":  fmt.Sprintf("keep the last %d images of the load tester", kept),
		"selection":    map[string]any{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": kept},
		"action":       map[string]string{"type": "expire"},
	}}})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// executionPolicy lets ECS pull from exactly the tester's repository, write exactly its log group and read
// exactly the master key.
func executionPolicy(p Props, repositoryArn, logGroupArn string) *string {
	statements := []awsiam.Statement{
		// GetAuthorizationToken acts on the registry as a whole; AWS allows no narrower resource.
		{Sid: "EcrLogin", Actions: []string{"ecr:GetAuthorizationToken"}, Resources: []string{"*"}},
		{Sid: "EcrPull", Actions: []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
			Resources: []string{repositoryArn}},
		{Sid: "WriteLogs", Actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resources: []string{logGroupArn + ":*"}},
		{Sid: "ReadMasterKey", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: []string{*p.MasterKeySecretArn}},
	}
	if p.KMSKeyArn != "" {
		// The secret is encrypted with the stack's key, and decrypted with the reader's permission; through
		// Secrets Manager only.
		statements = append(statements, awsiam.Statement{Sid: "DecryptMasterKey", Actions: []string{"kms:Decrypt"}, Resources: []string{p.KMSKeyArn},
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "secretsmanager." + p.Region + ".amazonaws.com"}}})
	}
	return awsiam.Policy(statements...)
}

// ListenerPorts are the ports the task may leave on: the load balancer's HTTP and HTTPS listeners. 443 is
// also how the task reaches ECR, S3, CloudWatch Logs and Secrets Manager.
var ListenerPorts = []int{80, 443}

// securityGroup lets nothing in, and the task out on ListenerPorts to anywhere. Anywhere, because the load
// balancer is internet-facing: from a private subnet its name resolves to public addresses, which are
// reached through the NAT gateway, so the destination is the load balancer's public address (which can
// change), not its security group or the VPC's range.
func securityGroup(c constructs.Construct, p Props) sgrule.Group {
	group := sgrule.NewGroup(c, "loadgen", p.Network.VpcID, p.Name+"-loadgen", "Load generator: nothing in; out to the load balancer's listeners (through NAT) and HTTPS to AWS APIs", nil)
	for _, port := range ListenerPorts {
		description := "HTTP to the load balancer's public address, through NAT"
		if port == 443 {
			description = "HTTPS to the load balancer (through NAT), ECR, S3, CloudWatch Logs and Secrets Manager"
		}
		sgrule.AllowToCIDR(group, fmt.Sprintf("egress-%d", port), "0.0.0.0/0", port, description)
	}
	return group
}

// SecurityGroup is the task's security group. Rules on it are created in the load generator's scope.
func (g *LoadGen) SecurityGroup() sgrule.Group { return g.securityGroup }
