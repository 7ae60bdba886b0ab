package proxyservice

import (
	"fmt"
	"regexp"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/awsiam"
	"litellm-aws/internal/check"
)

type serviceRoles struct {
	// execution lets ECS start a task: pull the image, write logs, read secrets.
	execution *string
	// task is what the LiteLLM container itself may do: read its config.yaml.
	task *string
	// policies are the roles' inline policies: a task must not start before they are attached.
	policies []cdktf.ITerraformDependable
}

// roles creates the execution role (shared by the proxy and the migration task) and the proxy's task role.
func (s *ProxyService) roles(p Props, logGroupArn string, secretArns []string, configObjectArn string) serviceRoles {
	execution := awsiam.NewRole(s.scope, "execution-role", awsiam.RoleProps{
		Name:        p.Name + "-ecs-execution",
		Description: "ECS pulls the LiteLLM image, writes its logs and reads its secrets",
		Service:     "ecs-tasks.amazonaws.com",
		Policy:      awsiam.InlinePolicy{ID: "execution-policy", Name: "litellm-execution", Document: executionPolicyDocument(p, logGroupArn, secretArns)},
	})
	if check.IsTokenString(p.Image) {
		s.ecrPullPolicy(p, execution)
	}
	task := awsiam.NewRole(s.scope, "task-role", awsiam.RoleProps{
		Name:        p.Name + "-ecs-task",
		Description: "The LiteLLM container reads its config.yaml and nothing else",
		Service:     "ecs-tasks.amazonaws.com",
		Policy: awsiam.InlinePolicy{ID: "task-policy", Name: "litellm-task", Document: awsiam.Policy(awsiam.Statement{
			Sid:       "ReadConfig",
			Actions:   []string{"s3:GetObject"},
			Resources: []string{configObjectArn},
		})},
	})
	return serviceRoles{execution: execution.Arn, task: task.Arn,
		policies: []cdktf.ITerraformDependable{execution.Policy, task.Policy}}
}

// ECRImagePattern matches an image in a private ECR repository: account, region, repository.
const ECRImagePattern = `^([0-9]{12})[.]dkr[.]ecr[.]([a-z0-9-]+)[.]amazonaws[.]com/([^:@]+)`

var ecrImageRE = regexp.MustCompile(ECRImagePattern)

// executionPolicyDocument lets ECS write the containers' logs, read exactly their secrets and, for an image in ECR,
// pull it. Images from public registries such as ghcr.io need no permission.
func executionPolicyDocument(p Props, logGroupArn string, secretArns []string) *string {
	statements := []awsiam.Statement{
		{Sid: "WriteLogs", Actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resources: []string{logGroupArn + ":*"}},
		{Sid: "ReadSecrets", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: secretArns},
	}
	if p.KMSKeyArn != "" {
		// Secrets encrypted with a customer-managed key are decrypted with the reader's permission.
		statements = append(statements, awsiam.Statement{Sid: "DecryptSecrets", Actions: []string{"kms:Decrypt"}, Resources: []string{p.KMSKeyArn},
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "secretsmanager." + p.Region + ".amazonaws.com"}}})
	}
	if m := ecrImageRE.FindStringSubmatch(p.Image); m != nil {
		statements = append(statements, ecrStatements(fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", m[2], m[1], m[3]))...)
	}
	return awsiam.Policy(statements...)
}

// ecrPullPolicy gives the execution role ECR pull permission when a deploy-time image turns out to be in ECR:
// a second inline policy that exists (count 1) only then, scoped to the image's repository.
func (s *ProxyService) ecrPullPolicy(p Props, role *awsiam.Role) {
	m := cdktf.Fn_Regex(jsii.String(ECRImagePattern), jsii.String(p.Image))
	part := func(i int) string { return *cdktf.Token_AsString(cdktf.Fn_Element(m, jsii.Number(float64(i))), nil) }
	// A local keeps the policy plain JSON (so it can be checked); try() keeps it defined for any image, as
	// regex() fails when the image is not in ECR (and the policy, count 0, is not created).
	repository := cdktf.NewTerraformLocal(s.scope, jsii.String("litellm_ecr_repository_arn"), cdktf.Fn_Try(&[]any{
		cdktf.Fn_Format(jsii.String("arn:aws:ecr:%s:%s:repository/%s"), &[]any{part(1), part(0), part(2)}), jsii.String("")}))
	policy := role.AddPolicy(awsiam.InlinePolicy{ID: "execution-ecr-policy", Name: "litellm-ecr-pull",
		Document: awsiam.Policy(ecrStatements(*repository.AsString())...)})
	policy.SetCount(cdktf.Fn_Conditional(cdktf.Fn_Can(m), jsii.Number(1), jsii.Number(0)))
}

func ecrStatements(repositoryArn string) []awsiam.Statement {
	return []awsiam.Statement{
		// GetAuthorizationToken acts on the registry as a whole; AWS allows no narrower resource.
		{Sid: "EcrLogin", Actions: []string{"ecr:GetAuthorizationToken"}, Resources: []string{"*"}},
		{Sid: "EcrPull", Actions: []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
			Resources: []string{repositoryArn}},
	}
}
