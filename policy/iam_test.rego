package iam_test

import data.iam
import rego.v1

policy(statements) := {"resource": {"aws_iam_role_policy": {"task": {
	"role": "${aws_iam_role.task.id}",
	"policy": json.marshal({"Version": "2012-10-17", "Statement": statements}),
}}}}

test_named_resources_pass if {
	inp := policy([{
		"Effect": "Allow",
		"Action": ["s3:GetObject"],
		"Resource": ["${aws_s3_bucket.config.arn}/*"],
	}])
	count(iam.deny) == 0 with input as inp
	count(iam.warn) == 0 with input as inp
}

test_wildcard_resource_fails if {
	inp := policy([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])
	some r in iam.deny with input as inp
	r.rule == "IAM_001"
	r.resource == "aws_iam_role_policy.task"
}

test_single_statement_object_is_checked if {
	inp := {"resource": {"aws_iam_policy": {"p": {"policy": json.marshal({
		"Version": "2012-10-17",
		"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
	})}}}}
	count(iam.deny) == 1 with input as inp
}

test_unscopable_action_on_wildcard_passes if {
	inp := policy([{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"}])
	count(iam.deny) == 0 with input as inp
}

test_unscopable_mixed_with_scopable_fails if {
	inp := policy([{
		"Effect": "Allow",
		"Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"],
		"Resource": "*",
	}])
	count(iam.deny) == 1 with input as inp
}

test_deny_on_wildcard_passes if {
	inp := policy([{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}])
	count(iam.deny) == 0 with input as inp
}

test_not_resource_fails if {
	inp := policy([{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"}])
	count(iam.deny) == 1 with input as inp
}

test_role_inline_policy_is_checked if {
	inp := {"resource": {"aws_iam_role": {"task": {"inline_policy": [{
		"name": "inline",
		"policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}),
	}]}}}}
	some r in iam.deny with input as inp
	r.resource == "aws_iam_role.task"
}

test_policy_document_wildcard_fails if {
	inp := {
		"data": {"aws_iam_policy_document": {"task": {"statement": [{
			"actions": ["secretsmanager:GetSecretValue"],
			"resources": ["*"],
		}]}}},
		"resource": {"aws_iam_policy": {"task": {"policy": "${data.aws_iam_policy_document.task.json}"}}},
	}
	some r in iam.deny with input as inp
	r.resource == "data.aws_iam_policy_document.task"
	count(iam.warn) == 0 with input as inp
}

test_policy_document_trust_statement_passes if {
	inp := {"data": {"aws_iam_policy_document": {"assume": {"statement": [{
		"actions": ["sts:AssumeRole"],
		"principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}],
	}]}}}}
	count(iam.deny) == 0 with input as inp
}

test_unparsable_policy_warns if {
	inp := {"resource": {"aws_iam_policy": {"p": {"policy": "${jsonencode(local.policy)}"}}}}
	count(iam.deny) == 0 with input as inp
	some r in iam.warn with input as inp
	r.rule == "IAM_002"
}
