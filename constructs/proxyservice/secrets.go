package proxyservice

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/deploytime"
	"litellm-aws/internal/rule"
	"litellm-aws/internal/writeonly"
)

// serviceSecrets is what the containers read from Secrets Manager.
type serviceSecrets struct {
	// env maps each secret's environment variable to the secret's ARN.
	env []map[string]string
	// arns are every secret the execution role may read, the master key first.
	arns []string
	// versions change whenever a secret the tasks read is written again; they trigger a new deployment.
	versions *map[string]*string
	// written are the secret values this construct writes: a task must not start before they are there.
	written []cdktf.ITerraformDependable
}

// secrets creates the master key and the salt key, each written once through a write-only argument, and
// collects the secrets of the database (DATABASE_URL) and of Redis.
//
// LiteLLM reads LITELLM_MASTER_KEY as general_settings.master_key's fallback (litellm/proxy/proxy_server.py,
// ProxyConfig.load_config) and LITELLM_SALT_KEY in litellm/proxy/common_utils/encrypt_decrypt_utils.py
// (_get_salt_key), LiteLLM 1.108: it encrypts the credentials LiteLLM stores in the database with it, and falls
// back to the master key without it, so that rotating the master key would make them unreadable.
func (s *ProxyService) secrets(p Props) serviceSecrets {
	// A key brought in wins; only its absence falls back to the generated one.
	value := writeonly.OrGenerated(p.MasterKey, "sk-"+writeonly.RandomPassword(s.scope, safeName(p.Name)+"_master_key", 48))
	masterKey := writeonly.NewSecret(s.scope, "master-key", writeonly.SecretProps{
		Name:        *s.MasterKeySecretName,
		Description: "LiteLLM master key (admin API key) for " + p.Name + "; rotate with master_key_version",
		Value:       value,
		Version:     jsii.Number(p.MasterKeyVersion),
		KMSKeyArn:   p.KMSKeyArn,
	})
	if p.MasterKey != "" {
		masterKey.Version.AddOverride(jsii.String("lifecycle.precondition"), writeonly.CheckGiven(p.MasterKey,
			MasterKeyRuleFor("master_key", rule.String(p.MasterKey))))
	}
	salt := writeonly.NewSecret(s.scope, "salt-key", writeonly.SecretProps{
		Name: *s.SaltKeySecretName,
		Description: "LITELLM_SALT_KEY for " + p.Name + ": encrypts the credentials LiteLLM keeps in its database. " +
			"Never change it: what it encrypted could not be read again.",
		Value: writeonly.RandomPassword(s.scope, safeName(p.Name)+"_salt_key", 64),
		// Written once: no version input, ever.
		Version:   jsii.Number(1),
		KMSKeyArn: p.KMSKeyArn,
		// The database outlives a destroy in its final snapshot; the salt key must be restorable with it.
		RecoveryWindowInDays: recoveryWindow(p.DeletionProtection),
	})

	s.SaltKey = salt
	out := serviceSecrets{
		env: []map[string]string{
			{"name": "LITELLM_MASTER_KEY", "valueFrom": *masterKey.Arn},
			{"name": "LITELLM_SALT_KEY", "valueFrom": *salt.Arn},
			{"name": "DATABASE_URL", "valueFrom": *p.Database.URLSecretArn},
		},
		arns:    []string{*masterKey.Arn, *salt.Arn, *p.Database.URLSecretArn},
		written: []cdktf.ITerraformDependable{masterKey.Version, salt.Version},
		// Values known at plan time: the provider drops a triggers change that holds an unknown value
		// (aws_ecs_service's triggersCustomizeDiff), and the tasks would roll one apply late.
		versions: &map[string]*string{
			"master_key_version":  jsii.String(rule.Number(p.MasterKeyVersion).Text()),
			"db_password_version": jsii.String(rule.Number(p.Database.PasswordVersion).Text()),
		},
	}
	if p.Redis != nil {
		out.env = append(out.env, map[string]string{"name": "REDIS_PASSWORD", "valueFrom": *p.Redis.AuthTokenSecretArn})
		out.arns = append(out.arns, *p.Redis.AuthTokenSecretArn)
	}
	return out
}

// recoveryWindow is 30 days while the stack is protected from deletion, else 0 (deleted at once, so the stack
// can be deployed again under the same names).
func recoveryWindow(deletionProtection deploytime.Bool) any {
	return deletionProtection.Cond(30, 0)
}

// safeName makes a stack name usable in a Terraform block name.
func safeName(name string) string {
	out := []byte(name)
	for i, c := range out {
		if c == '-' {
			out[i] = '_'
		}
	}
	return string(out)
}
