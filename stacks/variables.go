package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/monitoring"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/rule"
	"litellm-aws/internal/writeonly"
)

// variables are the stack's deploy-time inputs, named as in the seed's Terraform option. Each holds a
// Terraform token that the constructs take in place of a literal.
type variables struct {
	MasterKey          string
	MasterKeyVersion   float64
	DBPassword         string
	DBPasswordVersion  float64
	Image              string
	DesiredTaskCount   float64
	WorkersPerTask     float64
	TaskCPU            float64
	TaskMemory         float64
	DBInstanceClass    string
	DeletionProtection cdktf.IResolvable
	// FinalSnapshotIdentifier is set by ./help teardown; DBSnapshotIdentifier by a restore.
	FinalSnapshotIdentifier, DBSnapshotIdentifier string
	AlarmEmail                                    string
	// Declared only when the profile autoscales; zero otherwise.
	MinTaskCount, MaxTaskCount, CPUTargetPercent float64
	// Declared only when the profile has Redis; empty otherwise. The token's default, "", generates one.
	RedisAuthToken, RedisNodeType string
}

// varCheck is a rule on one variable, called with the variable's name and value.
type varCheck func(name string, x rule.Expr) rule.Rule

func newVariables(stack constructs.Construct, p Profile) variables {
	v := variables{
		// The secrets are optional and ephemeral: unset, they are generated inside AWS; given, they reach AWS
		// only through write-only arguments, never the state or a plan. They have no validation block:
		// Terraform (1.11) prints the value of a variable that fails validation, sensitive or not. Their rules
		// are preconditions on the resources that use them, which plan checks without showing the value.
		MasterKey: *secretVariable(stack, "master_key",
			"Bring your own LiteLLM master key (admin API key): "+proxyservice.MasterKeyRule+". Default: generated inside AWS "+
				"at the first apply and kept in Secrets Manager as <stack>-master-key. Ephemeral: never stored in the state.").StringValue(),
		MasterKeyVersion: *variable(stack, "master_key_version", "number", proxyservice.DefaultMasterKeyVersion, false,
			"Raise by one to rotate the master key; the next deploy writes a new one (generated, or master_key) and rolls the tasks.",
			rule.RotationCounter).NumberValue(),
		DBPassword: *secretVariable(stack, "db_password",
			"Bring your own password for the database's litellm user: "+database.PasswordRule+". Default: generated inside AWS "+
				"at the first apply and written only to the database and the <stack>-database-url secret. Ephemeral: never stored in the state.").StringValue(),
		DBPasswordVersion: *variable(stack, "db_password_version", "number", 1, false,
			"Raise by one to rotate the database password; the next deploy writes a new one to the database and the URL secret, and rolls the tasks.",
			rule.RotationCounter).NumberValue(),
		Image: *variable(stack, "litellm_image", "string", p.Image, false,
			"LiteLLM container image, pinned to a release. Changing it runs the database migration task, then rolls the service.",
			proxyservice.ImageRuleFor).StringValue(),
		DesiredTaskCount: *variable(stack, "desired_task_count", "number", p.DesiredTaskCount, false,
			"Number of LiteLLM tasks (the seed's DesiredTaskCount).",
			proxyservice.TaskCountRule).NumberValue(),
		WorkersPerTask: *variable(stack, "num_workers_per_task", "number", p.WorkersPerTask, false,
			"LiteLLM worker processes per task, --num_workers (the seed's NumWorkersPerTask); one per vCPU is the benchmark's choice.",
			proxyservice.WorkersRule).NumberValue(),
		TaskCPU: *variable(stack, "task_cpu", "number", p.TaskCPU, false,
			"CPU units per task, 1024 per vCPU (the seed's TaskCPU). Must pair with task_memory as Fargate allows.",
			proxyservice.TaskCPURule).NumberValue(),
		TaskMemory: *variable(stack, "task_memory", "number", p.TaskMemoryMiB, false,
			"Memory per task in MiB (the seed's TaskMemory). Must pair with task_cpu as Fargate allows: "+proxyservice.FargateSizesText()+".",
			proxyservice.TaskMemoryRule).NumberValue(),
		DBInstanceClass: *variable(stack, "db_instance_class", "string", p.DBInstanceClass, false,
			"RDS for PostgreSQL instance class (the seed's DBInstanceClass). Its memory sets max_connections, which sizes LiteLLM's connection pools.",
			database.InstanceClassRule).StringValue(),
	}
	dp := cdktf.NewTerraformVariable(stack, jsii.String("deletion_protection"), &cdktf.TerraformVariableConfig{
		Type:    jsii.String("bool"),
		Default: true,
		Description: jsii.String("Protect the stack from deletion: while true, RDS and ELB refuse to delete the database and load balancer, and " +
			"a destroy stops before it deletes anything, naming `./help teardown <stack>`, which keeps the data. " +
			"Set false for throwaway benchmark runs, then `cdktf destroy` removes everything, with no final snapshot."),
	})
	v.DeletionProtection = dp.BooleanValue()
	v.FinalSnapshotIdentifier = *variable(stack, "final_snapshot_identifier", "string", "", false,
		"Name of the snapshot RDS takes when the database is deleted; empty deletes it without one. "+
			"./help teardown sets it to <stack>-litellm-db-final-<UTC time>, a new name each time.",
		database.SnapshotIdentifierRule).StringValue()
	v.DBSnapshotIdentifier = *variable(stack, "db_snapshot_identifier", "string", "", false,
		"Restore the database from this snapshot (the name ./help teardown printed) when the deploy creates it. "+
			"Ignored once the database exists: leaving it set or dropping it never replaces the database.",
		database.SnapshotIdentifierRule).StringValue()
	v.AlarmEmail = *variable(stack, "alarm_email", "string", "", false,
		"Email address subscribed to the stack's CloudWatch alarms (AWS mails a confirmation link first); empty for none.",
		monitoring.EmailRule).StringValue()
	if p.Redis {
		// Not ephemeral: ElastiCache's auth_token has no write-only form, so the token is in the state either
		// way. Checked by a precondition on the replication group, not a validation block, as the others.
		v.RedisAuthToken = *variable(stack, "redis_auth_token", "string", "", true,
			"Bring your own Redis auth token (REDIS_PASSWORD): "+cache.AuthTokenRule+". Default: empty, generated by Terraform at the "+
				"first apply. Either way it is kept in Secrets Manager as <stack>-redis-auth-token and in the state.").StringValue()
		v.RedisNodeType = *variable(stack, "redis_node_type", "string", cache.DefaultNodeType, false,
			"ElastiCache node type of the Redis replication group.",
			cache.NodeTypeRule).StringValue()
	}
	if p.Autoscaling {
		v.MinTaskCount = *variable(stack, "autoscaling_min_task_count", "number", proxyservice.DefaultMinCount, false,
			"Fewest LiteLLM tasks autoscaling keeps (the seed's --min-capacity).",
			proxyservice.TaskCountRule).NumberValue()
		v.MaxTaskCount = *variable(stack, "autoscaling_max_task_count", "number", p.MaxTaskCount(), false,
			"Most LiteLLM tasks autoscaling may run (the seed's --max-capacity); the database connection pools are sized for it.",
			proxyservice.TaskCountRule).NumberValue()
		v.CPUTargetPercent = *variable(stack, "autoscaling_cpu_target_percent", "number", proxyservice.DefaultAutoscalingCPUTargetPercent, false,
			"Average task CPU utilization autoscaling holds, in percent (the seed's TargetValue).",
			proxyservice.CPUTargetRule).NumberValue()
	}
	return v
}

// variable declares a deploy-time input; each check becomes a validation block over it.
func variable(stack constructs.Construct, name, typ string, def any, sensitive bool, description string, checks ...varCheck) cdktf.TerraformVariable {
	v := cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{
		Type:        jsii.String(typ),
		Default:     def,
		Description: jsii.String(description),
		Sensitive:   jsii.Bool(sensitive),
		Nullable:    jsii.Bool(false),
	})
	for _, c := range checks {
		x := rule.String(*v.StringValue())
		if typ == "number" {
			x = rule.Number(*v.NumberValue())
		}
		v.AddValidation(c(name, x).Validation())
	}
	return v
}

// secretVariable declares an optional secret input: sensitive, ephemeral, null unless given.
func secretVariable(stack constructs.Construct, name, description string) cdktf.TerraformVariable {
	v := cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{
		Type:        jsii.String("string"),
		Description: jsii.String(description),
		Sensitive:   jsii.Bool(true),
		Nullable:    jsii.Bool(true),
	})
	// An explicit null default makes the variable optional (cdktf leaves a nil Default out).
	v.AddOverride(jsii.String("default"), cdktf.Token_NullValue())
	writeonly.Ephemeral(v)
	return v
}
