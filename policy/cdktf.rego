# Helpers for reading cdktf's synthesized Terraform JSON (cdk.tf.json): resources live under
# resource.<type>.<name>, data sources under data.<type>.<name>, providers under provider.<name> as a list,
# and any value may be a Terraform expression string such as "${aws_security_group.alb.id}".
package cdktf

import rego.v1

# resources(type) is the object name -> configuration of every managed resource of that type.
resources(type) := object.get(input, ["resource", type], {})

# data_sources(type) is the object name -> configuration of every data source of that type.
data_sources(type) := object.get(input, ["data", type], {})

# as_list normalizes a block that cdktf writes as a list, a single object or not at all.
as_list(x) := [] if {
	x == null
} else := x if {
	is_array(x)
} else := [x]

# parse_json(s) is the decoded value of s, and undefined when s is not a string of valid JSON (for example
# "${jsonencode(...)}"): callers report those separately rather than pass them unseen.
parse_json(s) := json.unmarshal(s) if {
	is_string(s)
	json.is_valid(s)
}

# referenced_name(expr, type) is NAME when expr is exactly "${<type>.NAME.<attribute>}".
referenced_name(expr, type) := name if {
	is_string(expr)
	prefix := sprintf("${%s.", [type])
	startswith(expr, prefix)
	endswith(expr, "}")
	rest := trim_suffix(trim_prefix(expr, prefix), "}")
	parts := split(rest, ".")
	count(parts) == 2
	name := parts[0]
}

# is_anywhere is true for a CIDR that matches every address (0.0.0.0/0, ::/0 and their spellings).
is_anywhere(cidr) if {
	is_string(cidr)
	endswith(cidr, "/0")
}

# finding builds a conftest result: msg for people, rule and resource for the accepted-findings gate.
finding(rule, type, name, cfg, text) := {
	"msg": sprintf("%s %s.%s%s: %s", [rule, type, name, construct_path(cfg), text]),
	"rule": rule,
	"resource": sprintf("%s.%s", [type, name]),
}

# construct_path names the CDK construct that made a resource, which is easier to find in the Go code than
# the generated Terraform name.
construct_path(cfg) := sprintf(" (%s)", [p]) if {
	p := cfg["//"].metadata.path
	is_string(p)
} else := ""
