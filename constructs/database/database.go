package database

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbparametergroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbsubnetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/check"
	"litellm-aws/internal/opt"
	"litellm-aws/internal/rule"
	"litellm-aws/internal/sgrule"
	"litellm-aws/internal/writeonly"
)

// Database is the RDS instance and the secret that tells clients how to reach it.
type Database struct {
	securityGroup sgrule.Group
	// Identifier is the RDS instance identifier, "<name>-litellm-db".
	Identifier *string
	// SecurityGroupID is the database's security group; clients are let in with sgrule.Allow.
	SecurityGroupID *string
	// Address is the instance's DNS name; Endpoint is address:port.
	Address  *string
	Endpoint *string
	// URLSecretArn and URLSecretName hold postgresql://litellm:<url-encoded password>@<address>:5432/litellm?sslmode=require.
	URLSecretArn  *string
	URLSecretName *string
	// PasswordVersion is Props.PasswordVersion: clients that read the URL at start-up restart when it changes.
	PasswordVersion float64
	// Ready are the resources a client must wait for before it connects: the instance and its URL.
	Ready []cdktf.ITerraformDependable
	// ConnectionBudget is how many connections clients may hold in total (ConnectionBudgetPercent of
	// max_connections): a number, or a Terraform number expression when the class is one.
	ConnectionBudget float64
}

// New builds the database. It panics on invalid props; call Props.Validate first to get the problems as an error.
func New(scope constructs.Construct, id string, props Props) *Database {
	p := props.WithDefaults()
	if err := p.Validate(); err != nil {
		panic(err)
	}
	if p.Network == nil {
		panic("database.New: Props.Network is required: the construct is wired to them")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	identifier := p.Name + "-litellm-db"
	tags := func(name string) *map[string]*string { return &map[string]*string{"Name": jsii.String(name)} }

	sg := sgrule.NewGroup(c, "database", p.Network.VpcID, p.Name+"-db", "LiteLLM database: PostgreSQL from the LiteLLM tasks only", tags(p.Name+"-db"))
	subnets := dbsubnetgroup.NewDbSubnetGroup(c, jsii.String("subnets"), &dbsubnetgroup.DbSubnetGroupConfig{
		Name:        jsii.String(identifier + "-subnets"),
		Description: jsii.String("Private subnets of " + p.Name),
		SubnetIds:   &p.Network.PrivateSubnetIDs,
		Tags:        tags(identifier + "-subnets"),
	})
	params := dbparametergroup.NewDbParameterGroup(c, jsii.String("parameters"), &dbparametergroup.DbParameterGroupConfig{
		Name:        jsii.String(identifier + "-pg16"),
		Family:      jsii.String("postgres16"),
		Description: jsii.String("LiteLLM database settings"),
		Parameter: &[]*dbparametergroup.DbParameterGroupParameter{
			// Refuse unencrypted client connections.
			{Name: jsii.String("rds.force_ssl"), Value: jsii.String("1")},
			// Slow queries are what to look at first when LiteLLM's latency climbs.
			{Name: jsii.String("log_min_duration_statement"), Value: jsii.String("1000")},
			{Name: jsii.String("log_connections"), Value: jsii.String("1")},
			{Name: jsii.String("log_disconnections"), Value: jsii.String("1")},
		},
		Tags: tags(identifier + "-pg16"),
	})

	budget, performanceInsights := classFacts(c, p.InstanceClass)
	secretName := p.Name + "-database-url"
	secret := secretsmanagersecret.NewSecretsmanagerSecret(c, jsii.String("url"), &secretsmanagersecret.SecretsmanagerSecretConfig{
		Name:        jsii.String(secretName),
		Description: jsii.String("DATABASE_URL for LiteLLM: the PostgreSQL connection string of the litellm user"),
		// Written again with the password (db_password_version), so nothing is lost by deleting it at once;
		// a recovery window would block deploying the same stack again for days.
		RecoveryWindowInDays: jsii.Number(0),
		KmsKeyId:             opt.String(p.KMSKeyArn),
	})
	password, generation := passwordOf(c, p, secret)

	instance := dbinstance.NewDbInstance(c, jsii.String("instance"), &dbinstance.DbInstanceConfig{
		Identifier:          jsii.String(identifier),
		Engine:              jsii.String("postgres"),
		EngineVersion:       jsii.String(p.EngineVersion),
		InstanceClass:       jsii.String(p.InstanceClass),
		AllocatedStorage:    jsii.Number(float64(p.AllocatedStorageGB)),
		MaxAllocatedStorage: jsii.Number(float64(p.MaxAllocatedStorageGB)),
		StorageType:         jsii.String("gp3"),
		StorageEncrypted:    jsii.Bool(true),
		DbName:              jsii.String(DatabaseName),
		Username:            jsii.String(Username),
		Port:                jsii.Number(Port),
		DbSubnetGroupName:   subnets.Name(),
		ParameterGroupName:  params.Name(),
		VpcSecurityGroupIds: &[]*string{sg.ID},
		PubliclyAccessible:  jsii.Bool(false),
		MultiAz:             jsii.Bool(p.MultiAZ),
		// Class and storage changes from `cdktf deploy --var ...` take effect now, not at the next maintenance window.
		ApplyImmediately:                 jsii.Bool(true),
		AutoMinorVersionUpgrade:          jsii.Bool(true),
		BackupRetentionPeriod:            jsii.Number(float64(p.BackupRetentionDays)),
		CopyTagsToSnapshot:               jsii.Bool(true),
		DeletionProtection:               p.DeletionProtection.Value(),
		EnabledCloudwatchLogsExports:     jsii.Strings("postgresql", "upgrade"),
		IamDatabaseAuthenticationEnabled: jsii.Bool(true),
		PerformanceInsightsEnabled:       performanceInsights.enabled,
		Tags:                             tags(identifier),
		// A snapshot_identifier forces a new instance in the provider: once the instance exists, what it was
		// restored from must never matter again.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: jsii.Strings("snapshot_identifier")},
	})
	// RDS refuses a retention period where Performance Insights is off (InvalidParameterCombination).
	set := func(argument string, v any) {
		if v != nil { // nil leaves the argument out: null
			instance.AddOverride(jsii.String(argument), v)
		}
	}
	set("performance_insights_retention_period", performanceInsights.retention)
	set("skip_final_snapshot", ifEmpty(p.FinalSnapshotIdentifier, true, false))
	set("final_snapshot_identifier", ifEmpty(p.FinalSnapshotIdentifier, nil, p.FinalSnapshotIdentifier))
	set("snapshot_identifier", ifEmpty(p.SnapshotIdentifier, nil, p.SnapshotIdentifier))
	// Write-only: RDS gets the password, the state and plans never do.
	instance.AddOverride(jsii.String("password_wo"), jsii.String(password))
	instance.AddOverride(jsii.String("password_wo_version"), generation)
	if p.Password != "" {
		instance.AddOverride(jsii.String("lifecycle.precondition"), writeonly.CheckGiven(p.Password,
			PasswordRuleFor("db_password", rule.String(p.Password))))
	}

	// TLS is required by the client as well as by the server (rds.force_ssl): LiteLLM keeps sslmode when it adds
	// its pool settings (litellm/proxy/proxy_cli.py, append_query_params: parse_qs, then update).
	url := secretsmanagersecretversion.NewSecretsmanagerSecretVersion(c, jsii.String("url-value"), &secretsmanagersecretversion.SecretsmanagerSecretVersionConfig{
		SecretId: secret.Id(),
	})
	url.AddOverride(jsii.String("secret_string_wo"), jsii.String(fmt.Sprintf("postgresql://%s:%s@%s:%d/%s?sslmode=require",
		Username, *cdktf.Fn_Urlencode(jsii.String(password)), *instance.Address(), Port, DatabaseName)))
	url.AddOverride(jsii.String("secret_string_wo_version"), generation)
	// A new instance gets this run's password, so the URL must be written again with it (and the new address).
	// (Its id, not the instance: any update of the instance would replace the URL with a fresh password.)
	url.AddOverride(jsii.String("lifecycle.replace_triggered_by"), []string{*instance.TerraformResourceType() + "." + *instance.FriendlyUniqueId() + ".id"})

	return &Database{
		securityGroup:    sg,
		Identifier:       jsii.String(identifier),
		SecurityGroupID:  sg.ID,
		Address:          instance.Address(),
		Endpoint:         instance.Endpoint(),
		URLSecretArn:     secret.Arn(),
		URLSecretName:    jsii.String(secretName),
		PasswordVersion:  p.PasswordVersion,
		Ready:            []cdktf.ITerraformDependable{instance, url},
		ConnectionBudget: budget,
	}
}

// SecurityGroup is the database's security group: clients reach it on Port through sgrule.Allow, the only
// ingress it has. Rules on it are created in the database's scope.
func (d *Database) SecurityGroup() sgrule.Group { return d.securityGroup }

// PerformanceInsightsRetentionDays keeps Performance Insights data for its free tier, where the class has it.
const PerformanceInsightsRetentionDays = 7

// insights are the instance's Performance Insights arguments: whether it is on, and its retention (null where
// it is off, as RDS rejects a retention period then).
type insights struct{ enabled, retention any }

// ifEmpty is ifTrue when s is empty, else ifFalse: chosen now for a literal, by Terraform for an expression
// (nil is Terraform's null).
func ifEmpty(s string, ifTrue, ifFalse any) any {
	empty := rule.Eq(rule.String(s), rule.String(""))
	if empty.Known() {
		if empty.Truth() {
			return ifTrue
		}
		return ifFalse
	}
	null := func(v any) any {
		if v == nil {
			return cdktf.Token_NullValue()
		}
		return v
	}
	return cdktf.Fn_Conditional(empty.TF(), null(ifTrue), null(ifFalse))
}

// classFacts returns the connection budget and the Performance Insights arguments: computed here for a
// literal class, looked up by Terraform from tables written here when the class is a deploy-time value.
func classFacts(scope constructs.Construct, class string) (budget float64, pi insights) {
	if !check.IsTokenString(class) {
		b, _ := ConnectionBudget(class) // Validate has accepted the class
		if InstanceClasses[class].PerformanceInsights {
			return float64(b), insights{true, PerformanceInsightsRetentionDays}
		}
		return float64(b), insights{false, nil}
	}
	budgets := map[string]int{}
	byClass := map[string]bool{}
	for name, ic := range InstanceClasses {
		budgets[name], _ = ConnectionBudget(name)
		byClass[name] = ic.PerformanceInsights
	}
	budgetByClass := cdktf.NewTerraformLocal(scope, jsii.String("connection_budget_by_class"), budgets)
	insightsByClass := cdktf.NewTerraformLocal(scope, jsii.String("performance_insights_by_class"), byClass)
	enabled := cdktf.Token_AsAny(cdktf.Fn_Lookup(insightsByClass.Expression(), jsii.String(class), nil))
	return *cdktf.Token_AsNumber(cdktf.Fn_Lookup(budgetByClass.Expression(), jsii.String(class), nil)),
		insights{enabled, cdktf.Fn_Conditional(enabled, PerformanceInsightsRetentionDays, cdktf.Token_NullValue())}
}
