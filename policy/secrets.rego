# Secrets reach containers only through the task definition's "secrets" (valueFrom Secrets Manager or SSM),
# never as plain "environment" values, which show up in the console, in DescribeTaskDefinition and in state.
package secrets

import data.cdktf
import rego.v1

# Words that, as a whole part of an environment variable name, mark it as a secret.
secret_words := {"KEY", "APIKEY", "PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS"}

# Names that contain a secret word but hold no secret, each with why.
not_secret := {
	# LiteLLM reads its config from S3; this is the object's key (a path), not a key in the crypto sense.
	"LITELLM_CONFIG_BUCKET_OBJECT_KEY": "the S3 object key of the LiteLLM config file",
}

secret_like(name) if {
	some part in regex.split("[^A-Z0-9]+", upper(name))
	part in secret_words
}

secret_like(name) if {
	some fragment in ["PASSWORD", "SECRET", "DATABASE_URL", "PRIVATE_KEY"]
	contains(upper(name), fragment)
}

deny contains result if {
	some name, td in cdktf.resources("aws_ecs_task_definition")
	some container in cdktf.parse_json(td.container_definitions)
	some env in object.get(container, "environment", [])
	secret_like(env.name)
	not not_secret[env.name]
	result := cdktf.finding("SEC_001", "aws_ecs_task_definition", name, td, sprintf(
		"container %q sets %s in environment; pass it through secrets with valueFrom",
		[object.get(container, "name", "?"), env.name],
	))
}

# A container_definitions that is not plain JSON (e.g. "${jsonencode(...)}") cannot be checked: say so, so
# that it is looked at rather than passed unseen.
warn contains result if {
	some name, td in cdktf.resources("aws_ecs_task_definition")
	not cdktf.parse_json(td.container_definitions)
	result := cdktf.finding(
		"SEC_002", "aws_ecs_task_definition", name, td,
		"container_definitions is not plain JSON, so its environment cannot be checked for secrets",
	)
}

# Every secret is encrypted with a customer-managed key (the stack's own, or LITELLM_KMS_KEY_ARN): its policy,
# not the account's AWS-managed aws/secretsmanager key, decides who may read it, and CloudTrail names each use.
deny contains result if {
	some name, secret in cdktf.resources("aws_secretsmanager_secret")
	object.get(secret, "kms_key_id", null) == null
	result := cdktf.finding("SEC_003", "aws_secretsmanager_secret", name, secret,
		"the secret has no kms_key_id; encrypt it with the stack's customer-managed key")
}
