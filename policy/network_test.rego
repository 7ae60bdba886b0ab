package network_test

import data.network
import rego.v1

alb := {"aws_lb": {"alb": {
	"load_balancer_type": "application",
	"security_groups": ["${aws_security_group.alb.id}"],
}}}

ingress(cidr_field, cidr, sg, from_port, to_port) := {"resource": object.union(alb, {
	"aws_security_group": {"alb": {"name": "alb"}, "service": {"name": "service"}},
	"aws_vpc_security_group_ingress_rule": {"rule": {
		cidr_field: cidr,
		"ip_protocol": "tcp",
		"from_port": from_port,
		"to_port": to_port,
		"security_group_id": sprintf("${aws_security_group.%s.id}", [sg]),
	}},
})}

test_https_to_alb_from_anywhere_passes if {
	count(network.deny) == 0 with input as ingress("cidr_ipv4", "0.0.0.0/0", "alb", 443, 443)
}

test_http_to_alb_from_anywhere_ipv6_passes if {
	count(network.deny) == 0 with input as ingress("cidr_ipv6", "::/0", "alb", 80, 80)
}

test_other_port_on_alb_from_anywhere_fails if {
	some r in network.deny with input as ingress("cidr_ipv4", "0.0.0.0/0", "alb", 8080, 8080)
	r.rule == "NET_001"
	r.resource == "aws_vpc_security_group_ingress_rule.rule"
}

test_port_range_covering_443_fails if {
	count(network.deny) == 1 with input as ingress("cidr_ipv4", "0.0.0.0/0", "alb", 80, 443)
}

test_listener_port_on_service_group_from_anywhere_fails if {
	count(network.deny) == 1 with input as ingress("cidr_ipv4", "0.0.0.0/0", "service", 443, 443)
}

test_ipv6_anywhere_on_service_fails if {
	count(network.deny) == 1 with input as ingress("cidr_ipv6", "::/0", "service", 4000, 4000)
}

test_vpc_cidr_on_service_passes if {
	count(network.deny) == 0 with input as ingress("cidr_ipv4", "10.0.0.0/16", "service", 4000, 4000)
}

test_all_protocols_from_anywhere_fails if {
	inp := {"resource": object.union(alb, {"aws_vpc_security_group_ingress_rule": {"all": {
		"cidr_ipv4": "0.0.0.0/0",
		"ip_protocol": "-1",
		"security_group_id": "${aws_security_group.alb.id}",
	}}})}
	count(network.deny) == 1 with input as inp
}

test_group_without_load_balancer_fails if {
	inp := {"resource": {"aws_vpc_security_group_ingress_rule": {"web": {
		"cidr_ipv4": "0.0.0.0/0",
		"ip_protocol": "tcp",
		"from_port": 443,
		"to_port": 443,
		"security_group_id": "${aws_security_group.web.id}",
	}}}}
	count(network.deny) == 1 with input as inp
}

test_network_load_balancer_group_does_not_count_as_alb if {
	inp := {"resource": {
		"aws_lb": {"nlb": {"load_balancer_type": "network", "security_groups": ["${aws_security_group.nlb.id}"]}},
		"aws_vpc_security_group_ingress_rule": {"r": {
			"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 443, "to_port": 443,
			"security_group_id": "${aws_security_group.nlb.id}",
		}},
	}}
	count(network.deny) == 1 with input as inp
}

test_inline_ingress_from_anywhere_fails if {
	inp := {"resource": {"aws_security_group": {"db": {"ingress": [{
		"cidr_blocks": ["0.0.0.0/0"],
		"protocol": "tcp",
		"from_port": 5432,
		"to_port": 5432,
	}]}}}}
	some r in network.deny with input as inp
	r.resource == "aws_security_group.db"
}

test_default_group_inline_ingress_from_anywhere_fails if {
	inp := {"resource": {"aws_default_security_group": {"default": {"ingress": [{
		"cidr_blocks": ["0.0.0.0/0"],
		"protocol": "-1",
		"from_port": 0,
		"to_port": 0,
	}]}}}}
	some r in network.deny with input as inp
	r.resource == "aws_default_security_group.default"
}

test_inline_https_on_alb_group_passes if {
	inp := {"resource": object.union(alb, {"aws_security_group": {"alb": {"ingress": [{
		"cidr_blocks": ["0.0.0.0/0"],
		"ipv6_cidr_blocks": ["::/0"],
		"protocol": "tcp",
		"from_port": 443,
		"to_port": 443,
	}]}}})}
	count(network.deny) == 0 with input as inp
}

test_legacy_rule_from_anywhere_fails if {
	inp := {"resource": {"aws_security_group_rule": {"ssh": {
		"type": "ingress",
		"cidr_blocks": ["0.0.0.0/0"],
		"protocol": "tcp",
		"from_port": 22,
		"to_port": 22,
		"security_group_id": "${aws_security_group.service.id}",
	}}}}
	count(network.deny) == 1 with input as inp
}

test_legacy_egress_to_anywhere_passes if {
	inp := {"resource": {"aws_security_group_rule": {"out": {
		"type": "egress",
		"cidr_blocks": ["0.0.0.0/0"],
		"protocol": "-1",
		"from_port": 0,
		"to_port": 0,
		"security_group_id": "${aws_security_group.service.id}",
	}}}}
	count(network.deny) == 0 with input as inp
}
