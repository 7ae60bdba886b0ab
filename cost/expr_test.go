package cost

import (
	"reflect"
	"strings"
	"testing"
)

func TestEval(t *testing.T) {
	const ecr = `^([0-9]{12})[.]dkr[.]ecr[.]([a-z0-9-]+)[.]amazonaws[.]com/([^:@]+)`
	s := &scope{
		vars: map[string]any{"desired_task_count": 4.0, "alarm_email": "", "email": "ops@example.com", "class": "db.t3.medium",
			"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/litellm:v1", "public_image": "ghcr.io/berriai/litellm:v1"},
		locals: map[string]any{
			"budget": map[string]any{"db.t3.medium": 360.0},
			"pool":   "${min(20, floor((local.budget[var.class] / (var.desired_task_count * 4))))}",
			"mixed":  map[string]any{"known": 1.0, "later": "${aws_kms_key.k.arn}"},
			"loop":   "${local.loop}",
		},
	}
	cases := []struct {
		name, expr string
		want       any
		err        string // in the error, when the expression has no value
		unresolved bool
	}{
		{name: "variable", expr: "${var.desired_task_count}", want: 4.0},
		{name: "literal text", expr: "litellm-benchmark-master-key", want: "litellm-benchmark-master-key"},
		{name: "template", expr: "/ecs/${var.class}-x", want: "/ecs/db.t3.medium-x"},
		{name: "escaped template", expr: "$${var.class}", want: "${var.class}"},
		{name: "alarm email off", expr: "${(length(var.alarm_email) >= 1) ? 1 : 0}", want: 0.0},
		{name: "local lookup", expr: "${local.budget[var.class]}", want: 360.0},
		{name: "local of locals", expr: "${local.pool}", want: 20.0},
		{name: "validation", expr: "${var.desired_task_count == floor(var.desired_task_count) && var.desired_task_count >= 1 && var.desired_task_count <= 100}", want: true},
		{name: "contains", expr: `${contains(["db.t3.micro", "db.t3.medium"], var.class)}`, want: true},
		{name: "lookup in an object literal", expr: `${contains(lookup({"4096" = [8192, 9216], "8192" = [16384]}, tostring(4096), []), 8192)}`, want: true},
		{name: "can regex", expr: `${var.alarm_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.email))}`, want: true},
		{name: "can of a mismatch", expr: `${can(regex("^sk-", var.email))}`, want: false},
		{name: "arithmetic", expr: "${-2 + 3 * 4 % 5 - (1 / 2)}", want: -0.5},
		{name: "not", expr: "${!(var.desired_task_count != 4)}", want: true},
		{name: "list index and bare object keys", expr: `${[10, 20][1] + {a = 1, "b" = 2}.b}`, want: 22.0},
		{name: "coalesce skips empty strings", expr: `${coalesce(var.alarm_email, "none")}`, want: "none"},
		{name: "known part of a local", expr: "${local.mixed.known}", want: 1.0},
		// Terraform's answers, which the hand-written evaluator refused.
		{name: "element wraps around", expr: `${element(split(":", "a:b:c"), 4)}`, want: "b"},
		{name: "try an ECR image", expr: `${try(element(regex("` + ecr + `", var.image), 1), "public")}`, want: "us-east-1"},
		{name: "try a public image", expr: `${try(element(regex("` + ecr + `", var.public_image), 1), "public")}`, want: "public"},
		{name: "no default", expr: "${var.master_key}", err: "var.master_key has no default and none was given", unresolved: true},
		{name: "unknown stays unknown in can", expr: `${can(regex("^sk-", var.master_key))}`, err: "var.master_key", unresolved: true},
		{name: "unknown stays unknown in try", expr: `${try(aws_lb.alb.dns_name, "none")}`, err: "aws_lb.alb.dns_name is known only after apply", unresolved: true},
		{name: "resource attribute", expr: "${aws_lb.alb.arn_suffix}", err: "aws_lb.alb.arn_suffix is known only after apply", unresolved: true},
		{name: "indexed resource", expr: "${aws_subnet.private[0].id}", err: "aws_subnet.private[0].id is known only after apply", unresolved: true},
		{name: "data source", expr: "arn:${data.aws_partition.p.partition}:s3:::b", err: "data.aws_partition.p.partition is known only after apply", unresolved: true},
		{name: "a list with an unknown", expr: `${[1, local.mixed.later]}`, err: "aws_kms_key.k.arn is known only after apply", unresolved: true},
		{name: "unknown function", expr: `${plantimestamp()}`, err: `no function named "plantimestamp"`},
		{name: "bad syntax", expr: "${var.desired_task_count +}", err: "Invalid expression"},
		{name: "unterminated", expr: "${var.class", err: "Unclosed template interpolation sequence"},
		{name: "type mismatch", expr: "${var.class > 1}", err: "a number is required"},
		{name: "wrong number of arguments", expr: "${floor(1, 2)}", err: "Too many function arguments"},
		{name: "undefined local", expr: "${local.nothing}", err: `does not have an attribute named "nothing"`},
		{name: "local that refers to itself", expr: "${local.loop}", err: "local.loop refers to itself"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.evalValue(c.expr)
			if c.err == "" {
				if err != nil || !reflect.DeepEqual(got, c.want) {
					t.Errorf("%s = %#v, %v; want %#v", c.expr, got, err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("%s = %#v, %v; want an error containing %q", c.expr, got, err, c.err)
			}
			if isUnresolved(err) != c.unresolved {
				t.Errorf("%s: unresolved = %v, want %v", c.expr, isUnresolved(err), c.unresolved)
			}
		})
	}
}

// A structure is evaluated as a whole: a for_each map keeps its keys, and its templates are evaluated.
func TestEvalStructure(t *testing.T) {
	s := &scope{vars: map[string]any{"n": 2.0}}
	got, err := s.evalValue(map[string]any{"a": "${var.n * 2}", "b": []any{"x-${var.n}", true, nil}})
	want := map[string]any{"a": 4.0, "b": []any{"x-2", true, nil}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, %v; want %#v", got, err, want)
	}
}
