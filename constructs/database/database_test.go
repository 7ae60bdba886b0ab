package database_test

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbparametergroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbsubnetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/database"
	"litellm-aws/constructs/network"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// passwordToken stands for a sensitive variable's value, as the stacks pass it.
func passwordToken(stack cdktf.TerraformStack) string {
	return synthtest.SecretVar(stack, "db_password")
}

func TestValidateRejects(t *testing.T) {
	const literal = "Recognizable-Password-1234"
	cases := []struct {
		name   string
		modify func(*database.Props)
		want   string
	}{
		{"literal password", func(p *database.Props) { p.Password = literal }, "Password (not shown) is a literal string: allowed only a Terraform expression"},
		{"no password", func(p *database.Props) { p.Password = "" }, "Password is required"},
		{"unknown class", func(p *database.Props) { p.InstanceClass = "db.t2.nano" }, `InstanceClass "db.t2.nano" is not an RDS for PostgreSQL class this project knows: allowed [db.m5.12xlarge`},
		{"storage too small", func(p *database.Props) { p.AllocatedStorageGB = 10 }, "AllocatedStorageGB 10 is out of range: allowed 20-65536"},
		{"max below allocated", func(p *database.Props) { p.MaxAllocatedStorageGB = 50 }, "MaxAllocatedStorageGB 50 is out of range: allowed 0 (off) or AllocatedStorageGB (100) to 65536"},
		{"engine 15", func(p *database.Props) { p.EngineVersion = "15.4" }, `EngineVersion "15.4" is not PostgreSQL 16`},
		{"no backups", func(p *database.Props) { p.BackupRetentionDays = 40 }, "BackupRetentionDays 40 is out of range: allowed 1-35"},
		{"name too long", func(p *database.Props) { p.Name = strings.Repeat("a", 46) }, "is 46 characters long: allowed at most 45"},
	}
	stack := synthtest.NewStack()
	token := passwordToken(stack)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := database.Props{Name: "litellm-test", Password: token}.WithDefaults()
			tc.modify(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), literal) {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
	if err := (database.Props{Name: "litellm-test", Password: token}).WithDefaults().Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestConnectionBudget(t *testing.T) {
	cases := []struct {
		class           string
		maxConn, budget int
	}{
		{"db.t3.micro", 112, 89},     // 1 GiB / 9531392
		{"db.t3.medium", 450, 360},   // the benchmark's class
		{"db.r6g.large", 1802, 1441}, // 16 GiB
		{"db.r6g.16xlarge", 5000, 4000},
	}
	for _, tc := range cases {
		t.Run(tc.class, func(t *testing.T) {
			maxConn, err := database.MaxConnections(tc.class)
			budget, _ := database.ConnectionBudget(tc.class)
			if err != nil || maxConn != tc.maxConn || budget != tc.budget {
				t.Fatalf("MaxConnections = %d, %v; ConnectionBudget = %d; want %d and %d", maxConn, err, budget, tc.maxConn, tc.budget)
			}
		})
	}
	if _, err := database.MaxConnections("db.x1.huge"); err == nil || !strings.Contains(err.Error(), `"db.x1.huge"`) {
		t.Fatalf("unknown class: %v", err)
	}
}

func build(t *testing.T, modify func(*database.Props)) (*synthtest.Doc, *database.Database) {
	t.Helper()
	stack := synthtest.NewStack()
	net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	p := database.Props{Name: "litellm-test", Network: net, Password: passwordToken(stack)}
	if modify != nil {
		modify(&p)
	}
	db := database.New(stack, "db", p)
	db.AllowFrom("from-client", jsii.String("sg-client"), "from the client")
	return synthtest.Synth(t, stack), db
}

func TestDatabaseDefaults(t *testing.T) {
	doc, db := build(t, nil)
	inst := doc.One(t, *dbinstance.DbInstance_TfResourceType())
	want := map[string]any{
		"identifier": "litellm-test-litellm-db", "engine": "postgres", "engine_version": "16",
		"instance_class": "db.t3.medium", "allocated_storage": float64(100), "storage_type": "gp3",
		"storage_encrypted": true, "publicly_accessible": false, "backup_retention_period": float64(7),
		"db_name": "litellm", "username": "litellm", "port": float64(5432),
		"deletion_protection": true, "skip_final_snapshot": false, "final_snapshot_identifier": "litellm-test-litellm-db-final",
		"performance_insights_enabled": true, "iam_database_authentication_enabled": true, "multi_az": false,
		"password": "${var.db_password}",
	}
	for k, v := range want {
		if inst[k] != v {
			t.Errorf("db instance %s = %v, want %v", k, inst[k], v)
		}
	}
	if db.Identifier != "litellm-test-litellm-db" || db.URLSecretName != "litellm-test-database-url" || db.ConnectionBudget != 360 {
		t.Errorf("exposed: %+v", db)
	}

	// Private subnets only.
	sg := doc.One(t, *dbsubnetgroup.DbSubnetGroup_TfResourceType())
	for _, s := range sg["subnet_ids"].([]any) {
		if !strings.Contains(s.(string), "private-") {
			t.Errorf("db subnet group has a non-private subnet: %v", s)
		}
	}
	params := doc.One(t, *dbparametergroup.DbParameterGroup_TfResourceType())
	if params["family"] != "postgres16" || !strings.Contains(synthtest.JSON(params["parameter"]), `"name":"rds.force_ssl","value":"1"`) {
		t.Errorf("parameter group = %v", params)
	}

	// Ingress: 5432 from the client's group only; no egress at all.
	in := doc.One(t, *vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType())
	if in["referenced_security_group_id"] != "sg-client" || in["from_port"] != float64(5432) || in["to_port"] != float64(5432) || in["cidr_ipv4"] != nil {
		t.Errorf("ingress = %v", in)
	}
	if n := len(doc.Resources(*vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType())); n != 0 {
		t.Errorf("database has %d egress rules, want none", n)
	}

	// The URL secret: URL-encoded password, never the password in plain text.
	secret := doc.One(t, *secretsmanagersecret.SecretsmanagerSecret_TfResourceType())
	if secret["name"] != "litellm-test-database-url" {
		t.Errorf("secret = %v", secret)
	}
	version := doc.One(t, *secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType())
	if s := version["secret_string"].(string); !strings.HasPrefix(s, "postgresql://litellm:${urlencode(var.db_password)}@${aws_db_instance.") || !strings.HasSuffix(s, ":5432/litellm") {
		t.Errorf("secret_string = %s", s)
	}
	// The password rule is checked at plan time, by a precondition.
	if pre := synthtest.JSON(inst["lifecycle"]); !strings.Contains(pre, `can(regex(\"^[!#-.0-?A-~]{8,128}$\", var.db_password))`) {
		t.Errorf("no password precondition: %s", pre)
	}
}

func TestDatabaseSwitches(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*database.Props)
		want   map[string]any
	}{
		{"throwaway", func(p *database.Props) { p.DeletionProtection = false }, map[string]any{"deletion_protection": false, "skip_final_snapshot": true}},
		{"multi-AZ", func(p *database.Props) { p.MultiAZ = true }, map[string]any{"multi_az": true}},
		{"small class has no Performance Insights", func(p *database.Props) { p.InstanceClass = "db.t3.micro" }, map[string]any{"performance_insights_enabled": false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := build(t, tc.modify)
			inst := doc.One(t, *dbinstance.DbInstance_TfResourceType())
			for k, v := range tc.want {
				if inst[k] != v {
					t.Errorf("%s = %v, want %v", k, inst[k], v)
				}
			}
		})
	}
}

func TestDeployTimeClass(t *testing.T) {
	stack := synthtest.NewStack()
	net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	class := cdktf.NewTerraformVariable(stack, jsii.String("db_instance_class"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	protect := cdktf.NewTerraformVariable(stack, jsii.String("deletion_protection"), &cdktf.TerraformVariableConfig{Type: jsii.String("bool")})
	database.New(stack, "db", database.Props{Name: "t", Network: net, Password: passwordToken(stack),
		InstanceClass: *class.StringValue(), DeletionProtection: protect.BooleanValue()})
	doc := synthtest.Synth(t, stack)
	inst := doc.One(t, *dbinstance.DbInstance_TfResourceType())
	if inst["instance_class"] != "${var.db_instance_class}" || !strings.Contains(synthtest.JSON(inst["performance_insights_enabled"]), "[var.db_instance_class]") ||
		inst["deletion_protection"] != "${var.deletion_protection}" || inst["skip_final_snapshot"] != "${!var.deletion_protection}" {
		t.Errorf("deploy-time values not wired: %v", inst)
	}
	locals := doc.Block("locals")
	var budgets map[string]any
	for name, v := range doc.RawLocals() {
		if strings.Contains(name, "connection_budget_by_class") {
			budgets, _ = v.(map[string]any)
		}
	}
	if budgets["db.t3.medium"] != float64(360) || len(budgets) != len(database.InstanceClasses) {
		t.Errorf("connection budget table = %v (locals %v)", budgets, locals)
	}
}
