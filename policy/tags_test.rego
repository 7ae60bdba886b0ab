package tags_test

import data.tags
import rego.v1

with_provider(provider) := {
	"provider": {"aws": [provider]},
	"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}}},
}

test_default_tags_pass if {
	inp := with_provider({"region": "us-east-1", "default_tags": [{"tags": {
		"Project": "litellm-aws",
		"Stack": "litellm-benchmark",
	}}]})
	count(tags.deny) == 0 with input as inp
}

test_default_tags_as_object_pass if {
	inp := with_provider({"default_tags": {"tags": {"Project": "litellm-aws", "Stack": "s"}}})
	count(tags.deny) == 0 with input as inp
}

test_missing_default_tags_fails if {
	some r in tags.deny with input as with_provider({"region": "us-east-1"})
	r.rule == "TAG_001"
	r.resource == "provider.aws"
}

test_missing_stack_tag_fails if {
	inp := with_provider({"default_tags": [{"tags": {"Project": "litellm-aws"}}]})
	some r in tags.deny with input as inp
	contains(r.msg, `lacks ["Stack"]`)
}

test_aliased_provider_without_tags_fails if {
	inp := {"provider": {"aws": [
		{"default_tags": [{"tags": {"Project": "p", "Stack": "s"}}]},
		{"alias": "us_east_1"},
	]}}
	some r in tags.deny with input as inp
	r.resource == "provider.aws.us_east_1"
}

test_no_provider_with_resources_fails if {
	inp := {"resource": {"aws_vpc": {"main": {}}}}
	count(tags.deny) == 1 with input as inp
}
