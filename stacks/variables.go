package stacks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/monitoring"
	"litellm-aws/constructs/proxyservice"
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
	AlarmEmail         string
	// Declared only when the profile autoscales; zero otherwise.
	MinTaskCount, MaxTaskCount, CPUTargetPercent float64
	// Declared only when the profile has Redis; empty otherwise.
	RedisAuthToken, RedisNodeType string
}

// rule is one validation block: an HCL condition over the variable and the sentence shown when it fails.
type rule struct{ condition, message string }

func newVariables(stack constructs.Construct, p Profile) variables {
	sizes := proxyservice.FargateSizes
	cpus := proxyservice.FargateCPUs()
	var memories []int
	seen := map[int]bool{}
	for _, c := range cpus {
		for _, m := range sizes[c].Memories() {
			if !seen[m] {
				seen[m] = true
				memories = append(memories, m)
			}
		}
	}
	sort.Ints(memories)

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
			positiveWhole("master_key_version")).NumberValue(),
		DBPassword: *secretVariable(stack, "db_password",
			"Bring your own password for the database's litellm user: "+database.PasswordRule+". Default: generated inside AWS "+
				"at the first apply and written only to the database and the <stack>-database-url secret. Ephemeral: never stored in the state.").StringValue(),
		DBPasswordVersion: *variable(stack, "db_password_version", "number", 1, false,
			"Raise by one to rotate the database password; the next deploy writes a new one to the database and the URL secret, and rolls the tasks.",
			positiveWhole("db_password_version")).NumberValue(),
		Image: *variable(stack, "litellm_image", "string", p.Image, false,
			"LiteLLM container image, pinned to a release. Changing it runs the database migration task, then rolls the service.",
			rule{
				fmt.Sprintf("can(regex(%s, var.litellm_image))", hclString(proxyservice.ImagePattern)),
				"litellm_image = \"${var.litellm_image}\" is not a pinned image: allowed " + proxyservice.ImageRule + ".",
			}).StringValue(),
		DesiredTaskCount: *variable(stack, "desired_task_count", "number", p.DesiredTaskCount, false,
			"Number of LiteLLM tasks (the seed's DesiredTaskCount).",
			wholeNumber("desired_task_count", proxyservice.MinTasks, proxyservice.MaxTasks)).NumberValue(),
		WorkersPerTask: *variable(stack, "num_workers_per_task", "number", p.WorkersPerTask, false,
			"LiteLLM worker processes per task, --num_workers (the seed's NumWorkersPerTask); one per vCPU is the benchmark's choice.",
			wholeNumber("num_workers_per_task", proxyservice.MinWorkers, proxyservice.MaxWorkers)).NumberValue(),
		TaskCPU: *variable(stack, "task_cpu", "number", p.TaskCPU, false,
			"CPU units per task, 1024 per vCPU (the seed's TaskCPU). Must pair with task_memory as Fargate allows.",
			oneOf("task_cpu", cpus)).NumberValue(),
		TaskMemory: *variable(stack, "task_memory", "number", p.TaskMemoryMiB, false,
			"Memory per task in MiB (the seed's TaskMemory). Must pair with task_cpu as Fargate allows: "+proxyservice.FargateSizesText()+".",
			oneOf("task_memory", memories)).NumberValue(),
		DBInstanceClass: *variable(stack, "db_instance_class", "string", p.DBInstanceClass, false,
			"RDS for PostgreSQL instance class (the seed's DBInstanceClass). Its memory sets max_connections, which sizes LiteLLM's connection pools.",
			rule{
				fmt.Sprintf("contains(%s, var.db_instance_class)", hclList(database.InstanceClassNames())),
				fmt.Sprintf("db_instance_class = \"${var.db_instance_class}\" is not an RDS for PostgreSQL 16 class this project knows: allowed %s.",
					strings.Join(database.InstanceClassNames(), ", ")),
			}).StringValue(),
	}
	dp := cdktf.NewTerraformVariable(stack, jsii.String("deletion_protection"), &cdktf.TerraformVariableConfig{
		Type:    jsii.String("bool"),
		Default: true,
		Description: jsii.String("Protect the database and load balancer from deletion, and snapshot the database when it is deleted. " +
			"Set false for throwaway benchmark runs, then `cdktf destroy` removes everything."),
	})
	v.DeletionProtection = dp.BooleanValue()
	v.AlarmEmail = *variable(stack, "alarm_email", "string", "", false,
		"Email address subscribed to the stack's CloudWatch alarms (AWS mails a confirmation link first); empty for none.",
		rule{
			fmt.Sprintf("var.alarm_email == \"\" || can(regex(%s, var.alarm_email))", hclString(monitoring.EmailPattern)),
			"alarm_email = \"${var.alarm_email}\" is not an email address: allowed name@example.com, or empty for no subscription.",
		}).StringValue()
	if p.Redis {
		v.RedisAuthToken = *variable(stack, "redis_auth_token", "string", nil, true,
			"Redis auth token (REDIS_PASSWORD), stored in Secrets Manager as <stack>-redis-auth-token: "+cache.AuthTokenRule+".").StringValue()
		v.RedisNodeType = *variable(stack, "redis_node_type", "string", cache.DefaultNodeType, false,
			"ElastiCache node type of the Redis replication group.",
			rule{
				fmt.Sprintf("contains(%s, var.redis_node_type)", hclList(cache.NodeTypes)),
				fmt.Sprintf("redis_node_type = \"${var.redis_node_type}\" is not an ElastiCache node type this project knows: allowed %s.", strings.Join(cache.NodeTypes, ", ")),
			}).StringValue()
	}
	if p.Autoscaling {
		v.MinTaskCount = *variable(stack, "autoscaling_min_task_count", "number", proxyservice.DefaultMinCount, false,
			"Fewest LiteLLM tasks autoscaling keeps (the seed's --min-capacity).",
			wholeNumber("autoscaling_min_task_count", proxyservice.MinTasks, proxyservice.MaxTasks)).NumberValue()
		v.MaxTaskCount = *variable(stack, "autoscaling_max_task_count", "number", p.MaxTaskCount(), false,
			"Most LiteLLM tasks autoscaling may run (the seed's --max-capacity); the database connection pools are sized for it.",
			wholeNumber("autoscaling_max_task_count", proxyservice.MinTasks, proxyservice.MaxTasks)).NumberValue()
		v.CPUTargetPercent = *variable(stack, "autoscaling_cpu_target_percent", "number", proxyservice.DefaultAutoscalingCPUTargetPercent, false,
			"Average task CPU utilization autoscaling holds, in percent (the seed's TargetValue).",
			rule{"var.autoscaling_cpu_target_percent >= 10 && var.autoscaling_cpu_target_percent <= 95",
				"autoscaling_cpu_target_percent = ${var.autoscaling_cpu_target_percent} is out of range: allowed 10-95."}).NumberValue()
	}
	return v
}

func variable(stack constructs.Construct, name, typ string, def any, sensitive bool, description string, rules ...rule) cdktf.TerraformVariable {
	var validations []*cdktf.TerraformVariableValidationConfig
	for _, r := range rules {
		validations = append(validations, &cdktf.TerraformVariableValidationConfig{
			Condition:    jsii.String("${" + r.condition + "}"),
			ErrorMessage: jsii.String(r.message),
		})
	}
	config := &cdktf.TerraformVariableConfig{
		Type:        jsii.String(typ),
		Default:     def,
		Description: jsii.String(description),
		Sensitive:   jsii.Bool(sensitive),
		Nullable:    jsii.Bool(false),
	}
	if len(validations) > 0 {
		config.Validation = &validations
	}
	return cdktf.NewTerraformVariable(stack, jsii.String(name), config)
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

func positiveWhole(name string) rule {
	return rule{
		fmt.Sprintf("var.%[1]s == floor(var.%[1]s) && var.%[1]s >= 1 && var.%[1]s <= %[2]d", name, proxyservice.MaxSecretVersion),
		fmt.Sprintf("%[1]s = ${var.%[1]s} is not a positive whole number: allowed 1-%[2]d; raise it by one to rotate.", name, proxyservice.MaxSecretVersion),
	}
}

func wholeNumber(name string, min, max int) rule {
	return rule{
		fmt.Sprintf("var.%[1]s == floor(var.%[1]s) && var.%[1]s >= %[2]d && var.%[1]s <= %[3]d", name, min, max),
		fmt.Sprintf("%[1]s = ${var.%[1]s} is out of range: allowed whole numbers %[2]d-%[3]d.", name, min, max),
	}
}

func oneOf(name string, allowed []int) rule {
	s := make([]string, len(allowed))
	for i, a := range allowed {
		s[i] = fmt.Sprint(a)
	}
	return rule{
		fmt.Sprintf("contains([%s], var.%s)", strings.Join(s, ", "), name),
		fmt.Sprintf("%[1]s = ${var.%[1]s} is not a Fargate size: allowed %[2]s.", name, strings.Join(s, ", ")),
	}
}

// hclString quotes s as an HCL string literal: escapes, and $${ / %%{ so no template is started.
func hclString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", "$${", "%{", "%%{", "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func hclList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = hclString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
