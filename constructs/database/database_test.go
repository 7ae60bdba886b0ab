package database_test

import (
	"fmt"
	"regexp"
	"slices"
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
	"litellm-aws/internal/deploytime"
	"litellm-aws/internal/sgrule"
	"litellm-aws/internal/synthtest"
	"litellm-aws/internal/writeonly"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

var (
	instanceType = *dbinstance.DbInstance_TfResourceType()
	secretType   = *secretsmanagersecret.SecretsmanagerSecret_TfResourceType()
	versionType  = *secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType()
	dataType     = *cdktf.DataResource_TfResourceType()
)

// passwordVar declares the bring-your-own password the way the stacks do: sensitive, ephemeral, null unless given.
func passwordVar(stack cdktf.TerraformStack) string {
	v := cdktf.NewTerraformVariable(stack, jsii.String("db_password"), &cdktf.TerraformVariableConfig{
		Type: jsii.String("string"), Sensitive: jsii.Bool(true), Nullable: jsii.Bool(true),
	})
	v.AddOverride(jsii.String("default"), cdktf.Token_NullValue())
	writeonly.Ephemeral(v)
	return *v.StringValue()
}

func numberVar(stack cdktf.TerraformStack, name string) float64 {
	return *cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{Type: jsii.String("number")}).NumberValue()
}

// problems splits a Validate error into its problems.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	_, list, _ := strings.Cut(err.Error(), ":\n  - ")
	return strings.Split(list, "\n  - ")
}

func TestValidateRejects(t *testing.T) {
	const literal = "Recognizable-Password-1234"
	cases := []struct {
		name   string
		modify func(*database.Props)
		want   string // the start of one of the problems
	}{
		{"literal password", func(p *database.Props) { p.Password = literal },
			"Password (not shown) is a literal string: allowed only a Terraform expression, such as an ephemeral variable, so that the password never appears in the synthesized JSON"},
		{"password version 0", func(p *database.Props) { p.PasswordVersion = 0 }, "PasswordVersion = 0 is out of range: allowed whole numbers 1-1000000; raise it by one to rotate."},
		{"fractional password version", func(p *database.Props) { p.PasswordVersion = 2.5 }, "PasswordVersion = 2.5 is out of range: allowed whole numbers 1-1000000; raise it by one to rotate."},
		{"negative password version", func(p *database.Props) { p.PasswordVersion = -1 }, "PasswordVersion = -1 is out of range: allowed whole numbers 1-1000000; raise it by one to rotate."},
		{"unknown class", func(p *database.Props) { p.InstanceClass = "db.t2.nano" }, `InstanceClass = "db.t2.nano" is not an RDS for PostgreSQL 16 class this project knows: allowed db.m5.12xlarge`},
		{"storage too small", func(p *database.Props) { p.AllocatedStorageGB = 10 }, "AllocatedStorageGB 10 is out of range: allowed 20-65536 (gp3)"},
		{"max below allocated", func(p *database.Props) { p.MaxAllocatedStorageGB = 50 }, "MaxAllocatedStorageGB 50 is out of range: allowed 0 (off) or AllocatedStorageGB (100) to 65536"},
		{"engine 15", func(p *database.Props) { p.EngineVersion = "15.4" }, `EngineVersion "15.4" is not PostgreSQL 16: allowed "16" or "16.<minor>"`},
		{"no backups", func(p *database.Props) { p.BackupRetentionDays = 40 }, "BackupRetentionDays 40 is out of range: allowed 1-35"},
		{"final snapshot name", func(p *database.Props) { p.FinalSnapshotIdentifier = "final--snap" },
			`FinalSnapshotIdentifier = "final--snap" is not an RDS snapshot identifier: allowed 1-255 letters, digits and hyphens`},
		{"restore snapshot name", func(p *database.Props) { p.SnapshotIdentifier = "1snap" },
			`SnapshotIdentifier = "1snap" is not an RDS snapshot identifier: allowed`},
		{"name too long", func(p *database.Props) { p.Name = strings.Repeat("a", 46) }, `Name "` + strings.Repeat("a", 46) + `" is 46 characters long: allowed at most 45`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := database.Props{Name: "litellm-test"}.WithDefaults()
			tc.modify(&p)
			err := p.Validate()
			found := slices.ContainsFunc(problems(err), func(s string) bool { return strings.HasPrefix(s, tc.want) })
			if !found {
				t.Fatalf("Validate() = %v\nwant a problem starting %q", err, tc.want)
			}
			if strings.Contains(err.Error(), literal) {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	stack := synthtest.NewStack()
	cases := []struct {
		name   string
		modify func(*database.Props)
	}{
		{"defaults: generated password", func(*database.Props) {}},
		{"bring-your-own password", func(p *database.Props) { p.Password = passwordVar(stack) }},
		{"deploy-time password version", func(p *database.Props) { p.PasswordVersion = numberVar(stack, "db_password_version") }},
		{"highest password version", func(p *database.Props) { p.PasswordVersion = 1000000 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := database.Props{Name: "litellm-test"}.WithDefaults()
			tc.modify(&p)
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate() = %v, want no problem", err)
			}
		})
	}
	if p := (database.Props{}).WithDefaults(); p.PasswordVersion != 1 || p.Password != "" || p.DeletionProtection != deploytime.True() {
		t.Errorf("defaults: PasswordVersion %v, Password %q, DeletionProtection %v; want 1, generated, true", p.PasswordVersion, p.Password, p.DeletionProtection)
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

type built struct {
	doc   *synthtest.Doc
	db    *database.Database
	probe string // logical name of a terraform_data that depends on db.Ready
	rule  string // address of the ingress rule sgrule.Allow returned
}

// build makes a database (generated password unless modify brings one) with one client, and a probe that waits
// for db.Ready, so that tests read what Ready and sgrule.Allow give as Terraform sees them.
func build(t *testing.T, modify func(cdktf.TerraformStack, *database.Props)) built {
	t.Helper()
	stack := synthtest.NewStack()
	net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	p := database.Props{Name: "litellm-test", Network: net}
	if modify != nil {
		modify(stack, &p)
	}
	db := database.New(stack, "db", p)
	client := sgrule.Group{Scope: stack, ID: jsii.String("sg-client"), Label: "client"}
	rule := sgrule.Allow(client, db, database.Port, sgrule.Descriptions{Egress: "to the database", Ingress: "from the client"}).Ingress
	probe := cdktf.NewDataResource(stack, jsii.String("probe"), &cdktf.DataConfig{DependsOn: &db.Ready})
	cdktf.NewDataResource(stack, jsii.String("rule-probe"), &cdktf.DataConfig{DependsOn: &[]cdktf.ITerraformDependable{rule}})
	doc := synthtest.Synth(t, stack)
	var ruleAddr string
	for name, r := range doc.Resources(dataType) {
		if strings.HasPrefix(name, "rule-probe") {
			ruleAddr = r["depends_on"].([]any)[0].(string)
		}
	}
	return built{doc, db, *probe.FriendlyUniqueId(), ruleAddr}
}

// only returns the logical name and body of the one resource of a type whose attributes include attrs.
func only(t *testing.T, doc *synthtest.Doc, tfType string, attrs map[string]any) (string, map[string]any) {
	t.Helper()
	rs := doc.Where(tfType, attrs)
	if len(rs) != 1 {
		t.Fatalf("want one %s with %v, found %d: %v", tfType, attrs, len(rs), synthtest.Names(doc.Resources(tfType)))
	}
	for name, r := range rs {
		return name, r
	}
	return "", nil
}

func ref(tfType, name, attr string) string { return "${" + tfType + "." + name + "." + attr + "}" }

// passwordGeneration returns the terraform_data whose output versions the password.
func passwordGeneration(t *testing.T, doc *synthtest.Doc) (string, map[string]any) {
	t.Helper()
	for name, r := range doc.Resources(dataType) {
		if strings.Contains(name, "password-generation") {
			return name, r
		}
	}
	t.Fatalf("no password-generation terraform_data: %v", synthtest.Names(doc.Resources(dataType)))
	return "", nil
}

// urlVersion returns the version of the DATABASE_URL secret.
func urlVersion(t *testing.T, doc *synthtest.Doc) (string, map[string]any) {
	t.Helper()
	secret, _ := only(t, doc, secretType, map[string]any{"name": "litellm-test-database-url"})
	return only(t, doc, versionType, map[string]any{"secret_id": ref(secretType, secret, "id")})
}

func TestDatabaseDefaults(t *testing.T) {
	b := build(t, nil)
	doc, db := b.doc, b.db
	inst := doc.One(t, instanceType)
	want := map[string]any{
		"identifier": "litellm-test-litellm-db", "engine": "postgres", "engine_version": "16",
		"instance_class": "db.t3.medium", "allocated_storage": float64(100), "storage_type": "gp3",
		"storage_encrypted": true, "publicly_accessible": false, "backup_retention_period": float64(7),
		"db_name": "litellm", "username": "litellm", "port": float64(5432),
		"deletion_protection": true, "skip_final_snapshot": true, "final_snapshot_identifier": nil, "snapshot_identifier": nil,
		"performance_insights_enabled": true, "performance_insights_retention_period": float64(7), "iam_database_authentication_enabled": true, "multi_az": false,
	}
	for k, v := range want {
		if inst[k] != v {
			t.Errorf("db instance %s = %v, want %v", k, inst[k], v)
		}
	}
	// A restore's snapshot_identifier forces a new instance in the provider: it must never be planned again.
	if got := synthtest.JSON(inst["lifecycle"].(map[string]any)["ignore_changes"]); got != `["snapshot_identifier"]` {
		t.Errorf("lifecycle.ignore_changes = %s, want [\"snapshot_identifier\"]", got)
	}
	if *db.Identifier != "litellm-test-litellm-db" || *db.URLSecretName != "litellm-test-database-url" || db.ConnectionBudget != 360 || db.PasswordVersion != 1 {
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

	// Ingress: 5432 from the client's group only, in the database's scope; no egress at all (the one egress
	// rule is the client's).
	inName, in := only(t, doc, *vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType(), nil)
	if in["referenced_security_group_id"] != "sg-client" || in["from_port"] != float64(5432) || in["to_port"] != float64(5432) || in["cidr_ipv4"] != nil ||
		!strings.HasPrefix(inName, "db_ingress-from-client_") {
		t.Errorf("ingress %s = %v", inName, in)
	}
	if _, out := only(t, doc, *vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType(), nil); out["security_group_id"] != "sg-client" {
		t.Errorf("database has an egress rule: %v", out)
	}

	// The URL secret is deleted at once: it is written again with the password.
	if _, secret := only(t, doc, secretType, map[string]any{"name": "litellm-test-database-url"}); secret["recovery_window_in_days"] != float64(0) {
		t.Errorf("URL secret recovery window = %v, want 0", secret["recovery_window_in_days"])
	}
}

// TestWriteOnlyPassword: the password reaches RDS and the URL secret only through write-only arguments, under
// one version, so what LiteLLM reads and what the database has are written together.
func TestWriteOnlyPassword(t *testing.T) {
	cases := []struct {
		name         string
		modify       func(cdktf.TerraformStack, *database.Props)
		wantPassword func(generated string) string
		wantCheck    bool
	}{
		{"generated", nil, func(g string) string { return "${local." + g + "}" }, false},
		{"bring your own", func(s cdktf.TerraformStack, p *database.Props) { p.Password = passwordVar(s) },
			func(g string) string { return "${coalesce(var.db_password, local." + g + ")}" }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, tc.modify).doc
			var generated string
			for name, v := range doc.RawLocals() {
				if v == "${ephemeral.aws_secretsmanager_random_password.litellm_test_db_password.random_password}" {
					generated = name
				}
			}
			if generated == "" {
				t.Fatalf("no local holds the generated password: %v", doc.RawLocals())
			}
			eph := doc.Raw()["ephemeral"].(map[string]any)["aws_secretsmanager_random_password"].(map[string]any)
			if p, _ := eph["litellm_test_db_password"].(map[string]any); p["password_length"] != float64(40) || p["exclude_punctuation"] != true || p["include_space"] != false {
				t.Errorf("generated password = %v, want 40 letters and digits", p)
			}
			// Letters and digits of that length satisfy RDS's rule.
			if !regexp.MustCompile(database.PasswordPattern).MatchString(strings.Repeat("aZ9", 14)[:40]) {
				t.Errorf("a generated password would not match %s", database.PasswordPattern)
			}

			instName, inst := only(t, doc, instanceType, nil)
			genName, _ := passwordGeneration(t, doc)
			generation := ref(dataType, genName, "output")
			password := tc.wantPassword(generated)
			if inst["password_wo"] != password || inst["password_wo_version"] != generation {
				t.Errorf("instance password_wo = %v version %v, want %s version %s", inst["password_wo"], inst["password_wo_version"], password, generation)
			}
			_, url := urlVersion(t, doc)
			wantURL := "postgresql://litellm:${urlencode(" + strings.TrimSuffix(strings.TrimPrefix(password, "${"), "}") + ")}@" +
				ref(instanceType, instName, "address") + ":5432/litellm?sslmode=require"
			if url["secret_string_wo"] != wantURL || url["secret_string_wo_version"] != generation {
				t.Errorf("URL secret_string_wo = %v version %v\nwant %s version %s", url["secret_string_wo"], url["secret_string_wo_version"], wantURL, generation)
			}
			for _, attr := range []string{"password", "secret_string"} {
				if _, ok := inst[attr]; ok {
					t.Errorf("instance has a plain %s", attr)
				}
				if _, ok := url[attr]; ok {
					t.Errorf("URL secret has a plain %s", attr)
				}
			}

			lifecycle, _ := inst["lifecycle"].(map[string]any)
			pre, hasCheck := lifecycle["precondition"]
			if hasCheck != tc.wantCheck {
				t.Fatalf("password precondition present: %v, want %v (%v)", hasCheck, tc.wantCheck, inst["lifecycle"])
			}
			if tc.wantCheck {
				want := []any{map[string]any{
					"condition": fmt.Sprintf(`${(var.db_password != null) ? can(regex("%s", var.db_password)) : true}`, database.PasswordPattern),
					"error_message": `db_password (not shown, it is sensitive) does not meet RDS's rules: allowed 8-128 printable ASCII characters except / " @ and space, ` +
						"or leave it unset to have one generated.",
				}}
				if synthtest.JSON(pre) != synthtest.JSON(want) {
					t.Errorf("precondition = %s\nwant %s", synthtest.JSON(pre), synthtest.JSON(want))
				}
			}
		})
	}
}

// TestPasswordGeneration: the version under which the password is written is replaced, and so new, only when
// PasswordVersion changes or the URL secret is a new one; otherwise it keeps its first value.
func TestPasswordGeneration(t *testing.T) {
	cases := []struct {
		name    string
		modify  func(cdktf.TerraformStack, *database.Props)
		want    any
		exposed string
	}{
		{"default", nil, float64(1), "1"},
		{"rotated", func(_ cdktf.TerraformStack, p *database.Props) { p.PasswordVersion = 3 }, float64(3), "3"},
		{"deploy-time", func(s cdktf.TerraformStack, p *database.Props) {
			p.PasswordVersion = numberVar(s, "db_password_version")
		}, "${var.db_password_version}", "token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := build(t, tc.modify)
			_, g := passwordGeneration(t, b.doc)
			secret, _ := only(t, b.doc, secretType, map[string]any{"name": "litellm-test-database-url"})
			wantTriggers := map[string]any{"db_password_version": tc.want, "url_secret": ref(secretType, secret, "id")}
			if synthtest.JSON(g["triggers_replace"]) != synthtest.JSON(wantTriggers) {
				t.Errorf("triggers_replace = %s, want %s", synthtest.JSON(g["triggers_replace"]), synthtest.JSON(wantTriggers))
			}
			if got := synthtest.JSON(g["lifecycle"]); got != `{"ignore_changes":["input"]}` {
				t.Errorf("lifecycle = %s, want input ignored (else every plan would rotate the password)", got)
			}
			if g["input"] != `${parseint(formatdate("YYYYMMDDhhmmss", plantimestamp()), 10)}` {
				t.Errorf("input = %v, want a whole number new at each replacement", g["input"])
			}
			if tc.exposed == "token" {
				if !*cdktf.Token_IsUnresolved(jsii.Number(b.db.PasswordVersion)) {
					t.Errorf("Database.PasswordVersion = %v, want the deploy-time value", b.db.PasswordVersion)
				}
			} else if fmt.Sprint(b.db.PasswordVersion) != tc.exposed {
				t.Errorf("Database.PasswordVersion = %v, want %s", b.db.PasswordVersion, tc.exposed)
			}
		})
	}
}

// TestURLFollowsTheInstance: a new instance gets this run's password, so the URL is written again with it.
func TestURLFollowsTheInstance(t *testing.T) {
	doc := build(t, nil).doc
	instName, _ := only(t, doc, instanceType, nil)
	_, url := urlVersion(t, doc)
	want := []any{instanceType + "." + instName + ".id"}
	if got := url["lifecycle"].(map[string]any)["replace_triggered_by"]; synthtest.JSON(got) != synthtest.JSON(want) {
		t.Errorf("replace_triggered_by = %v, want %v (the instance's id, not any update of it)", got, want)
	}
}

// TestReadyAndAllow: clients wait for the instance and its URL; sgrule.Allow gives the rule to wait for.
func TestReadyAndAllow(t *testing.T) {
	b := build(t, nil)
	instName, _ := only(t, b.doc, instanceType, nil)
	urlName, _ := urlVersion(t, b.doc)
	probe := b.doc.Resources(dataType)[b.probe]
	want := []any{instanceType + "." + instName, versionType + "." + urlName}
	if synthtest.JSON(probe["depends_on"]) != synthtest.JSON(want) {
		t.Errorf("waiting for Ready waits for %v, want %v", probe["depends_on"], want)
	}
	ingressType := *vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType()
	ruleName, _ := only(t, b.doc, ingressType, map[string]any{"referenced_security_group_id": "sg-client"})
	if b.rule != ingressType+"."+ruleName {
		t.Errorf("sgrule.Allow returned %s, want the ingress rule %s", b.rule, ingressType+"."+ruleName)
	}
}

func TestDatabaseSwitches(t *testing.T) {
	const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
	cases := []struct {
		name       string
		modify     func(cdktf.TerraformStack, *database.Props)
		want       map[string]any
		wantSecret map[string]any
	}{
		{"throwaway", func(_ cdktf.TerraformStack, p *database.Props) { p.DeletionProtection = deploytime.False() },
			map[string]any{"deletion_protection": false, "skip_final_snapshot": true}, nil},
		{"teardown names the final snapshot", func(_ cdktf.TerraformStack, p *database.Props) {
			p.FinalSnapshotIdentifier = "litellm-test-litellm-db-final-20261205-101010"
		}, map[string]any{"deletion_protection": true, "skip_final_snapshot": false, "final_snapshot_identifier": "litellm-test-litellm-db-final-20261205-101010"}, nil},
		{"restore", func(_ cdktf.TerraformStack, p *database.Props) {
			p.SnapshotIdentifier = "litellm-test-litellm-db-final-1"
		},
			map[string]any{"snapshot_identifier": "litellm-test-litellm-db-final-1"}, nil},
		{"multi-AZ", func(_ cdktf.TerraformStack, p *database.Props) { p.MultiAZ = true }, map[string]any{"multi_az": true}, nil},
		{"small class has no Performance Insights", func(_ cdktf.TerraformStack, p *database.Props) { p.InstanceClass = "db.t3.micro" },
			map[string]any{"performance_insights_enabled": false, "performance_insights_retention_period": nil}, nil},
		{"customer-managed key", func(_ cdktf.TerraformStack, p *database.Props) { p.KMSKeyArn = kmsKey },
			map[string]any{"storage_encrypted": true}, map[string]any{"kms_key_id": kmsKey}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, tc.modify).doc
			inst := doc.One(t, instanceType)
			for k, v := range tc.want {
				if inst[k] != v {
					t.Errorf("%s = %v, want %v", k, inst[k], v)
				}
			}
			_, secret := only(t, doc, secretType, map[string]any{"name": "litellm-test-database-url"})
			for k, v := range tc.wantSecret {
				if secret[k] != v {
					t.Errorf("URL secret %s = %v, want %v", k, secret[k], v)
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
	database.New(stack, "db", database.Props{Name: "t", Network: net, Password: passwordVar(stack),
		InstanceClass: *class.StringValue(), DeletionProtection: deploytime.BoolExpr(protect.BooleanValue())})
	doc := synthtest.Synth(t, stack)
	inst := doc.One(t, instanceType)
	if inst["instance_class"] != "${var.db_instance_class}" || !strings.Contains(synthtest.JSON(inst["performance_insights_enabled"]), "[var.db_instance_class]") ||
		inst["performance_insights_retention_period"] != "${local.db_performance_insights_by_class_900EA961[var.db_instance_class] ? 7 : null}" ||
		inst["deletion_protection"] != "${var.deletion_protection}" || inst["skip_final_snapshot"] != true {
		t.Errorf("deploy-time values not wired: %v", inst)
	}
	var budgets map[string]any
	for name, v := range doc.RawLocals() {
		if strings.Contains(name, "connection_budget_by_class") {
			budgets, _ = v.(map[string]any)
		}
	}
	if budgets["db.t3.medium"] != float64(360) || len(budgets) != len(database.InstanceClasses) {
		t.Errorf("connection budget table = %v", budgets)
	}
}

// TestEveryClassIsAcceptedByRDS runs every class the class rule accepts through the construct and checks the
// arguments RDS ties to the class: Performance Insights where the class has it, and no retention period where it
// does not (RDS answers InvalidParameterCombination).
func TestEveryClassIsAcceptedByRDS(t *testing.T) {
	stack := synthtest.NewStack()
	net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	names := database.InstanceClassNames()
	for i, class := range names {
		database.New(stack, fmt.Sprintf("db%d", i), database.Props{Name: fmt.Sprintf("t%d", i), Network: net, InstanceClass: class})
	}
	doc := synthtest.Synth(t, stack)
	byClass := map[string]map[string]any{}
	for _, inst := range doc.Resources(instanceType) {
		byClass[inst["instance_class"].(string)] = inst
	}
	noInsights := []string{"db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"}
	for _, class := range names {
		t.Run(class, func(t *testing.T) {
			inst, ok := byClass[class]
			if !ok {
				t.Fatalf("no instance of class %s", class)
			}
			supported := !slices.Contains(noInsights, class)
			retention, hasRetention := inst["performance_insights_retention_period"]
			if inst["performance_insights_enabled"] != supported || hasRetention != supported || (supported && retention != float64(7)) {
				t.Errorf("performance_insights_enabled = %v, retention = %v (set: %v); RDS has Performance Insights on %s: %v",
					inst["performance_insights_enabled"], retention, hasRetention, class, supported)
			}
		})
	}
}
