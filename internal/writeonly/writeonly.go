// Package writeonly keeps secrets out of Terraform's state, saved plans and `terraform show`: a value is
// generated inside AWS by an ephemeral resource (Secrets Manager's GetRandomPassword) or given as an ephemeral
// variable, and reaches AWS only through write-only arguments, which Terraform never records. It needs
// Terraform 1.11 and hashicorp/aws 5.x with write-only arguments (TerraformVersion, ProviderVersion).
//
// The cdktf 0.20 bindings predate both features, so they are written as overrides here, in one place.
package writeonly

import (
	"fmt"
	"litellm-aws/internal/facts"
	"litellm-aws/internal/rule"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TerraformVersion is the Terraform constraint: the oldest with ephemeral resources and variables (1.10) and
// write-only arguments (1.11), from internal/facts.
var TerraformVersion = ">= " + facts.TerraformMinVersion

// ProviderVersion is the hashicorp/aws line the stacks are tested with, from internal/facts; write-only
// arguments (password_wo, secret_string_wo) and the ephemeral aws_secretsmanager_random_password arrived
// during 5.8x.
var ProviderVersion = facts.AWSProviderVersion

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// RandomPassword declares an ephemeral aws_secretsmanager_random_password named name in scope's stack and
// returns its value as a token: letters and digits only (no character that needs quoting in a URL or a
// shell), length characters long. Terraform asks Secrets Manager for a new value on every plan and apply; a
// write-only argument stores it only when its version changes, so the value in AWS is stable.
//
// The value goes through a local (ephemeral, as it references an ephemeral value): cdktf has no reference
// type for ephemeral blocks, and a raw "${ephemeral...}" string would be escaped inside its functions.
func RandomPassword(scope constructs.Construct, name string, length int) string {
	if !nameRE.MatchString(name) {
		panic(fmt.Sprintf("writeonly.RandomPassword: name %q: allowed lower-case letters, digits and _", name))
	}
	cdktf.TerraformStack_Of(scope).AddOverride(jsii.String("ephemeral.aws_secretsmanager_random_password."+name), map[string]any{
		"password_length":     length,
		"exclude_punctuation": true,
		"include_space":       false,
	})
	local := cdktf.NewTerraformLocal(scope, jsii.String(name), jsii.String("${ephemeral.aws_secretsmanager_random_password."+name+".random_password}"))
	return *local.AsString()
}

// Ephemeral marks a variable ephemeral: Terraform lets it reach only write-only arguments, provisioners and
// other ephemeral places, and never saves it in a plan or the state.
func Ephemeral(v cdktf.TerraformVariable) { v.AddOverride(jsii.String("ephemeral"), jsii.Bool(true)) }

// SecretProps describes a Secrets Manager secret whose value is written once per Version.
type SecretProps struct {
	// Name is the secret's name. Required.
	Name string
	// Description says what the secret holds. Required.
	Description string
	// Value is the secret string: a Terraform expression of ephemeral values (RandomPassword, an ephemeral
	// variable, or both). Required.
	Value string
	// Version is written with Value; changing it writes Value again (a rotation). A number, or an expression
	// that Terraform evaluates to one. Required.
	Version any
	// KMSKeyArn encrypts the secret. Default: the AWS-managed key aws/secretsmanager.
	KMSKeyArn string
	// RecoveryWindowInDays keeps a deleted secret restorable this long: a number or a Terraform expression.
	// Default: 0, deleted at once, so a stack destroyed and deployed again can take the same name.
	RecoveryWindowInDays any
}

// Secret is a secret and the version that holds its current value.
type Secret struct {
	Secret  secretsmanagersecret.SecretsmanagerSecret
	Version secretsmanagersecretversion.SecretsmanagerSecretVersion
	// Arn and Name identify the secret; ECS task definitions reference Arn.
	Arn  *string
	Name string
}

// NewSecret creates the secret (construct id) and its value (id + "-value"). The value is a write-only
// argument: it never appears in the state or a plan; has_secret_string_wo records only that it is set.
func NewSecret(scope constructs.Construct, id string, p SecretProps) *Secret {
	if p.Name == "" || p.Description == "" || p.Value == "" || p.Version == nil {
		panic("writeonly.NewSecret: Name, Description, Value and Version are required")
	}
	recovery := p.RecoveryWindowInDays
	if recovery == nil {
		recovery = 0
	}
	secret := secretsmanagersecret.NewSecretsmanagerSecret(scope, jsii.String(id), &secretsmanagersecret.SecretsmanagerSecretConfig{
		Name:        jsii.String(p.Name),
		Description: jsii.String(p.Description),
		KmsKeyId:    optString(p.KMSKeyArn),
	})
	secret.AddOverride(jsii.String("recovery_window_in_days"), recovery)
	version := secretsmanagersecretversion.NewSecretsmanagerSecretVersion(scope, jsii.String(id+"-value"), &secretsmanagersecretversion.SecretsmanagerSecretVersionConfig{
		SecretId: secret.Id(),
	})
	version.AddOverride(jsii.String("secret_string_wo"), jsii.String(p.Value))
	version.AddOverride(jsii.String("secret_string_wo_version"), p.Version)
	return &Secret{Secret: secret, Version: version, Arn: secret.Arn(), Name: p.Name}
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}

// OrGenerated is the value brought in (an ephemeral variable's token, which may be null) or, when it is null
// or empty, the generated one: coalesce(given, generated). With no given value it is just generated.
// (coalesce, not a "== null" comparison: scanners read "password == ..." as a password in the source.)
func OrGenerated(given, generated string) string {
	if given == "" {
		return generated
	}
	return *cdktf.Token_AsString(cdktf.Fn_Coalesce(&[]any{jsii.String(given), jsii.String(generated)}), nil)
}

// CheckGiven is a lifecycle precondition: a value brought in must meet r (a rule.Secret on given, whose message
// does not show it); none (null) passes.
func CheckGiven(given string, r rule.Rule) []map[string]any {
	return []map[string]any{{
		"condition":     cdktf.Fn_Conditional(cdktf.Op_Neq(jsii.String(given), cdktf.Token_NullValue()), r.OK.TF(), jsii.Bool(true)),
		"error_message": r.TerraformMessage(),
	}}
}
