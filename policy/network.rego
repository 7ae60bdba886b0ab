# No ingress from anywhere (0.0.0.0/0, ::/0) except to the application load balancer's listener ports 80 and
# 443. Covers the three ways Terraform expresses ingress: aws_vpc_security_group_ingress_rule (what this
# project uses), the older aws_security_group_rule, and inline ingress blocks of aws_security_group and
# aws_default_security_group.
package network

import data.cdktf
import rego.v1

listener_ports := {80, 443}

tcp_protocols := {"tcp", "6"}

# alb_security_groups holds the names of the security groups attached to an application load balancer.
alb_security_groups contains name if {
	some type in ["aws_lb", "aws_alb"]
	some lb in cdktf.resources(type)
	object.get(lb, "load_balancer_type", "application") == "application"
	some ref in cdktf.as_list(object.get(lb, "security_groups", []))
	name := cdktf.referenced_name(ref, "aws_security_group")
}

# rule_group_name is the name of the aws_security_group a rule's security_group_id refers to, or "" when
# it is not a plain reference (then it cannot be proven to be the load balancer's).
rule_group_name(rule) := name if {
	name := cdktf.referenced_name(object.get(rule, "security_group_id", ""), "aws_security_group")
} else := ""

# listener_port_only is true when a rule opens exactly one TCP port and that port is 80 or 443.
listener_port_only(protocol, from_port, to_port) if {
	lower(sprintf("%v", [protocol])) in tcp_protocols
	to_number(from_port) == to_number(to_port)
	to_number(from_port) in listener_ports
}

allowed_open(sg_name, protocol, from_port, to_port) if {
	sg_name in alb_security_groups
	listener_port_only(protocol, from_port, to_port)
}

describe(cidr, protocol, from_port, to_port) := sprintf(
	"allows ingress from %s (protocol %v, ports %v-%v); only the load balancer's ports 80 and 443 may be open to anywhere",
	[cidr, protocol, from_port, to_port],
)

deny contains result if {
	some name, rule in cdktf.resources("aws_vpc_security_group_ingress_rule")
	some field in ["cidr_ipv4", "cidr_ipv6"]
	cidr := object.get(rule, field, "")
	cdktf.is_anywhere(cidr)
	protocol := object.get(rule, "ip_protocol", "-1")
	from_port := object.get(rule, "from_port", "all")
	to_port := object.get(rule, "to_port", "all")
	not allowed_open(rule_group_name(rule), protocol, from_port, to_port)
	result := cdktf.finding(
		"NET_001", "aws_vpc_security_group_ingress_rule", name, rule,
		describe(cidr, protocol, from_port, to_port),
	)
}

deny contains result if {
	some name, rule in cdktf.resources("aws_security_group_rule")
	rule.type == "ingress"
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in cdktf.as_list(object.get(rule, field, []))
	cdktf.is_anywhere(cidr)
	protocol := object.get(rule, "protocol", "-1")
	not allowed_open(rule_group_name(rule), protocol, rule.from_port, rule.to_port)
	result := cdktf.finding(
		"NET_001", "aws_security_group_rule", name, rule,
		describe(cidr, protocol, rule.from_port, rule.to_port),
	)
}

deny contains result if {
	some type in ["aws_security_group", "aws_default_security_group"]
	some name, sg in cdktf.resources(type)
	some block in cdktf.as_list(object.get(sg, "ingress", []))
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in cdktf.as_list(object.get(block, field, []))
	cdktf.is_anywhere(cidr)
	protocol := object.get(block, "protocol", "-1")
	not allowed_open(name, protocol, block.from_port, block.to_port)
	result := cdktf.finding(
		"NET_001", type, name, sg,
		sprintf("inline ingress %s", [describe(cidr, protocol, block.from_port, block.to_port)]),
	)
}
