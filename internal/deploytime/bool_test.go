package deploytime_test

import (
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/deploytime"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// What each kind of switch gives a provider argument, as Terraform sees it: Value, Not().Value() and Cond(30, 0),
// written into attributes of one resource (absent when nil), and what Or fills in.
func TestBool(t *testing.T) {
	variable := func(s cdktf.TerraformStack) deploytime.Bool {
		return deploytime.BoolExpr(cdktf.NewTerraformVariable(s, jsii.String("on"), &cdktf.TerraformVariableConfig{Type: jsii.String("bool")}).BooleanValue())
	}
	cases := []struct {
		name                 string
		b                    func(cdktf.TerraformStack) deploytime.Bool
		set                  bool
		value, not, cond     any // nil: the attribute is left out
		orTrueValue, orFalse any // Or(True()).Value(), Or(False()).Value()
	}{
		{"unset", func(cdktf.TerraformStack) deploytime.Bool { return deploytime.Bool{} }, false, nil, nil, nil, true, false},
		{"nil expression is unset", func(cdktf.TerraformStack) deploytime.Bool { return deploytime.BoolExpr(nil) }, false, nil, nil, nil, true, false},
		{"true", func(cdktf.TerraformStack) deploytime.Bool { return deploytime.True() }, true, true, false, float64(30), true, true},
		{"false", func(cdktf.TerraformStack) deploytime.Bool { return deploytime.False() }, true, false, true, float64(0), false, false},
		{"BoolOf", func(cdktf.TerraformStack) deploytime.Bool { return deploytime.BoolOf(true) }, true, true, false, float64(30), true, true},
		{"expression", variable, true, "${var.on}", "${!var.on}", "${var.on ? 30 : 0}", "${var.on}", "${var.on}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			b := tc.b(stack)
			if b.IsSet() != tc.set {
				t.Errorf("IsSet = %v, want %v", b.IsSet(), tc.set)
			}
			// Any resource with bool and number arguments will do; only the synthesized attributes matter.
			db := dbinstance.NewDbInstance(stack, jsii.String("db"), &dbinstance.DbInstanceConfig{
				InstanceClass:      jsii.String("db.t3.micro"),
				DeletionProtection: b.Value(),
				SkipFinalSnapshot:  b.Not().Value(),
				MultiAz:            b.Or(deploytime.True()).Value(),
				ApplyImmediately:   b.Or(deploytime.False()).Value(),
			})
			if cond := b.Cond(30, 0); cond != nil {
				db.AddOverride(jsii.String("backup_retention_period"), cond)
			}
			r := synthtest.Synth(t, stack).One(t, *dbinstance.DbInstance_TfResourceType())
			for attr, want := range map[string]any{"deletion_protection": tc.value, "skip_final_snapshot": tc.not,
				"backup_retention_period": tc.cond, "multi_az": tc.orTrueValue, "apply_immediately": tc.orFalse} {
				if got, has := r[attr]; got != want || has != (want != nil) {
					t.Errorf("%s = %v (present %v), want %v", attr, got, has, want)
				}
			}
		})
	}
}
