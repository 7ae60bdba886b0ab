# Every taggable resource is tagged: the AWS provider sets default_tags with at least Project and Stack, so
# each resource carries them without each construct having to remember.
package tags

import data.cdktf
import rego.v1

required_tags := {"Project", "Stack"}

# cdktf writes provider.aws as a list of configurations (one per alias).
aws_providers := cdktf.as_list(object.get(input, ["provider", "aws"], []))

has_tag(provider, key) if {
	some block in cdktf.as_list(object.get(provider, "default_tags", []))
	value := block.tags[key]
	value != ""
}

provider_name(provider) := sprintf("aws.%s", [provider.alias]) if {
	provider.alias
} else := "aws"

deny contains result if {
	some provider in aws_providers
	missing := {key | some key in required_tags; not has_tag(provider, key)}
	count(missing) > 0
	result := {
		"msg": sprintf("TAG_001 provider.%s: default_tags lacks %v; every resource must carry Project and Stack", [
			provider_name(provider),
			sort(missing),
		]),
		"rule": "TAG_001",
		"resource": sprintf("provider.%s", [provider_name(provider)]),
	}
}

deny contains result if {
	count(aws_providers) == 0
	count(object.get(input, "resource", {})) > 0
	result := {
		"msg": "TAG_001 provider.aws: no AWS provider configuration, so no default_tags",
		"rule": "TAG_001",
		"resource": "provider.aws",
	}
}
