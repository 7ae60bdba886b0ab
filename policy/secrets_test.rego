package secrets_test

import data.secrets
import rego.v1

task(containers) := {"resource": {"aws_ecs_task_definition": {"litellm": {
	"family": "litellm",
	"container_definitions": json.marshal(containers),
}}}}

container(environment) := [{
	"name": "litellm",
	"image": "ghcr.io/berriai/litellm:main-stable",
	"environment": environment,
	"secrets": [{"name": "LITELLM_MASTER_KEY", "valueFrom": "${aws_secretsmanager_secret.master_key.arn}"}],
}]

test_plain_settings_and_secrets_pass if {
	inp := task(container([
		{"name": "STORE_MODEL_IN_DB", "value": "True"},
		{"name": "LITELLM_CONFIG_BUCKET_NAME", "value": "${aws_s3_bucket.config.bucket}"},
		{"name": "LITELLM_CONFIG_BUCKET_OBJECT_KEY", "value": "config.yaml"},
		{"name": "TOKENIZERS_PARALLELISM", "value": "false"},
	]))
	count(secrets.deny) == 0 with input as inp
	count(secrets.warn) == 0 with input as inp
}

test_secret_names_in_environment_fail if {
	every name in [
		"LITELLM_MASTER_KEY", "DATABASE_URL", "REDIS_PASSWORD", "OPENAI_API_KEY",
		"GITHUB_TOKEN", "CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY", "litellm_salt_key",
	] {
		found := {[r.rule, r.resource] | some r in secrets.deny} with input as task(container([{"name": name, "value": "x"}]))
		found == {["SEC_001", "aws_ecs_task_definition.litellm"]}
	}
}

test_every_secret_name_fails if {
	names := ["LITELLM_MASTER_KEY", "DATABASE_URL", "REDIS_PASSWORD", "API_TOKEN", "MY_SECRET"]
	inp := task(container([{"name": n, "value": "x"} | some n in names]))
	count(secrets.deny) == count(names) with input as inp
}

test_unparsable_definitions_warn if {
	inp := {"resource": {"aws_ecs_task_definition": {"litellm": {
		"container_definitions": "${jsonencode(local.containers)}",
	}}}}
	count(secrets.deny) == 0 with input as inp
	some r in secrets.warn with input as inp
	r.rule == "SEC_002"
}

test_secret_without_a_key_fails if {
	inp := {"resource": {"aws_secretsmanager_secret": {
		"keyed": {"name": "s-master-key", "kms_key_id": "${aws_kms_key.key.arn}"},
		"unkeyed": {"name": "s-redis-auth-token"},
	}}}
	found := {[r.rule, r.resource] | some r in secrets.deny} with input as inp
	found == {["SEC_003", "aws_secretsmanager_secret.unkeyed"]}
}
