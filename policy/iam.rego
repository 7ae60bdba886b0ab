# Every IAM permission statement is scoped to named resources: no Allow on Resource "*" unless every action
# in it is one that AWS cannot scope to a resource (listed below with why).
package iam

import data.cdktf
import rego.v1

# Actions whose Service Authorization Reference entry has no resource type, so "*" is the only Resource
# that works. Keep each reason; add only actions that truly cannot be scoped.
unscopable_actions := {
	"ecr:GetAuthorizationToken": "returns a registry-wide login token; the action has no resource type",
	"ssmmessages:CreateControlChannel": "ECS Exec session channel; the action has no resource type",
	"ssmmessages:CreateDataChannel": "ECS Exec session channel; the action has no resource type",
	"ssmmessages:OpenControlChannel": "ECS Exec session channel; the action has no resource type",
	"ssmmessages:OpenDataChannel": "ECS Exec session channel; the action has no resource type",
	"cloudwatch:PutMetricData": "has no resource type; scope it with the cloudwatch:namespace condition",
	"xray:PutTraceSegments": "has no resource type",
	"xray:PutTelemetryRecords": "has no resource type",
	"secretsmanager:GetRandomPassword": "generates a password without touching any secret; no resource type",
}

# Resource types whose policy attribute is an identity policy document (a JSON string).
policy_resource_types := {"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"}

# documents holds every identity policy document in the input as [type, name, cfg, raw JSON string].
documents contains [type, name, cfg, cfg.policy] if {
	some type in policy_resource_types
	some name, cfg in cdktf.resources(type)
}

documents contains ["aws_iam_role", name, cfg, inline.policy] if {
	some name, cfg in cdktf.resources("aws_iam_role")
	some inline in cdktf.as_list(object.get(cfg, "inline_policy", []))
}

# A policy that is just a reference to a policy document data source is checked through that data source.
references_policy_document(raw) if {
	is_string(raw)
	regex.match(`^\$\{data\.aws_iam_policy_document\.[^.}]+\.(minified_)?json\}$`, raw)
}

# statements normalizes every statement to [type, name, cfg, statement] with Effect, Action, NotAction,
# Resource and NotResource as in IAM JSON, Action and Resource always lists.
statements contains [type, name, cfg, normalized] if {
	some [type, name, cfg, raw] in documents
	doc := cdktf.parse_json(raw)
	some st in cdktf.as_list(object.get(doc, "Statement", []))
	normalized := {
		"Effect": object.get(st, "Effect", "Allow"),
		"Action": cdktf.as_list(object.get(st, "Action", [])),
		"NotAction": object.get(st, "NotAction", null),
		"Resource": cdktf.as_list(object.get(st, "Resource", [])),
		"NotResource": object.get(st, "NotResource", null),
	}
}

# Statements without resources in a policy document are trust or resource-policy statements (they name
# principals instead), which this rule does not cover.
statements contains ["data.aws_iam_policy_document", name, doc, normalized] if {
	some name, doc in cdktf.data_sources("aws_iam_policy_document")
	some st in cdktf.as_list(object.get(doc, "statement", []))
	normalized := {
		"Effect": object.get(st, "effect", "Allow"),
		"Action": cdktf.as_list(object.get(st, "actions", [])),
		"NotAction": object.get(st, "not_actions", null),
		"Resource": cdktf.as_list(object.get(st, "resources", [])),
		"NotResource": object.get(st, "not_resources", null),
	}
}

unscoped_resource(st) if "*" in st.Resource

unscoped_resource(st) if st.NotResource != null

scopable_actions(st) := {a | some a in st.Action; not unscopable_actions[a]}

too_broad(st) if st.NotAction != null

too_broad(st) if count(scopable_actions(st)) > 0

deny contains result if {
	some [type, name, cfg, st] in statements
	st.Effect == "Allow"
	unscoped_resource(st)
	too_broad(st)
	result := cdktf.finding("IAM_001", type, name, cfg, sprintf(
		"allows %v on every resource; name the resources (only the actions in policy/iam.rego unscopable_actions may use \"*\")",
		[actions_text(st)],
	))
}

actions_text(st) := sprintf("NotAction %v", [st.NotAction]) if {
	st.NotAction != null
} else := sprintf("%v", [sort(scopable_actions(st))])

# A policy that is neither JSON nor a policy document reference (e.g. "${jsonencode(...)}") cannot be
# checked: say so, so that it is looked at rather than passed unseen.
warn contains result if {
	some [type, name, cfg, raw] in documents
	not cdktf.parse_json(raw)
	not references_policy_document(raw)
	result := cdktf.finding(
		"IAM_002", type, name, cfg,
		"policy is not plain JSON, so its statements cannot be checked for unscoped resources",
	)
}
