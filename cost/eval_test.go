package cost

import (
	"reflect"
	"strings"
	"testing"
)

func TestEval(t *testing.T) {
	s := &scope{
		vars: map[string]any{"desired_task_count": 4.0, "alarm_email": "", "email": "ops@example.com", "class": "db.t3.medium"},
		locals: map[string]any{
			"budget": map[string]any{"db.t3.medium": 360.0},
			"pool":   "${min(20, floor((local.budget[var.class] / (var.desired_task_count * 4))))}",
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
		{name: "no default", expr: "${var.master_key}", err: "var.master_key has no default and none was given", unresolved: true},
		{name: "unknown stays unknown in can", expr: `${can(regex("^sk-", var.master_key))}`, err: "var.master_key", unresolved: true},
		{name: "resource attribute", expr: "${aws_lb.alb.arn_suffix}", err: "aws_lb.alb.arn_suffix is known only after apply", unresolved: true},
		{name: "unknown function", expr: `${element(split(":", "a:b"), 1)}`, err: "function element() is not one the cost evaluator reads"},
		{name: "bad syntax", expr: "${var.desired_task_count +}", err: `unexpected ""`},
		{name: "unterminated", expr: "${var.class", err: "unterminated"},
		{name: "type mismatch", expr: "${var.class > 1}", err: "needs two numbers"},
		{name: "list index and bare object keys", expr: `${[10, 20][1] + {a = 1, "b" = 2}.b}`, want: 22.0},
		{name: "wrong number of arguments", expr: "${floor(1, 2)}", err: "floor takes 1 arguments, got 2"},
		{name: "undefined local", expr: "${local.nothing}", err: "local.nothing is not defined"},
		{name: "indexed resource", expr: "${aws_subnet.private[0].id}", err: "aws_subnet.private[...].id is known only after apply", unresolved: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.evalTemplate(c.expr)
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
