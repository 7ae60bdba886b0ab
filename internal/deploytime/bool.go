package deploytime

import "github.com/hashicorp/terraform-cdk-go/cdktf"

// Bool is a switch given as a Go bool (BoolOf, True, False) or as a Terraform bool expression (BoolExpr of a
// variable's BooleanValue()). The zero value is unset: the construct's default applies (Or).
type Bool struct {
	set     bool
	literal bool
	expr    cdktf.IResolvable // non-nil for an expression
}

// BoolOf is a switch known at synth time.
func BoolOf(b bool) Bool { return Bool{set: true, literal: b} }

// True is BoolOf(true).
func True() Bool { return BoolOf(true) }

// False is BoolOf(false).
func False() Bool { return BoolOf(false) }

// BoolExpr is a switch Terraform decides at plan time, such as a variable's BooleanValue(). A nil expression
// is unset.
func BoolExpr(expr cdktf.IResolvable) Bool {
	if expr == nil {
		return Bool{}
	}
	return Bool{set: true, expr: expr}
}

// IsSet says whether the switch was given.
func (b Bool) IsSet() bool { return b.set }

// Or is b, or def when b is unset: how WithDefaults fills it in.
func (b Bool) Or(def Bool) Bool {
	if b.set {
		return b
	}
	return def
}

// Value is what to hand to a provider argument: the bool, the expression, or nil when unset (the argument is
// then left out and the provider's default applies).
func (b Bool) Value() any {
	switch {
	case !b.set:
		return nil
	case b.expr != nil:
		return b.expr
	}
	return b.literal
}

// Not is the opposite switch: a literal is negated now, an expression by Terraform (!expr). Unset stays unset.
func (b Bool) Not() Bool {
	switch {
	case !b.set:
		return b
	case b.expr != nil:
		return BoolExpr(cdktf.Op_Not(b.expr))
	}
	return BoolOf(!b.literal)
}

// Cond is ifTrue or ifFalse: chosen now for a literal, by Terraform for an expression (expr ? ifTrue : ifFalse).
// Unset gives nil, as Value does.
func (b Bool) Cond(ifTrue, ifFalse any) any {
	switch {
	case !b.set:
		return nil
	case b.expr != nil:
		return cdktf.Fn_Conditional(b.expr, ifTrue, ifFalse)
	case b.literal:
		return ifTrue
	}
	return ifFalse
}
