// Package rule states each input rule once and renders it twice: as a Go check for values known at synth time
// (literals), and as a Terraform condition and error message for deploy-time values (variables and
// expressions). A rule is built from Exprs, small expressions that compute in Go when every value they read is
// a literal and write the same computation as a Terraform expression otherwise, so the two renderings cannot
// disagree; rule_test feeds the same values to both and requires the same verdict and message.
package rule

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Expr is a value that is either known at synth time (a Go float64, string or bool) or computed by Terraform.
type Expr struct {
	known bool
	val   any // float64, string or bool, when known
	tf    any // the Terraform side: *float64, *string, *bool or a cdktf expression
}

// Number is a number prop: a literal, or a Terraform number token such as a variable's NumberValue().
func Number(n float64) Expr {
	if *cdktf.Token_IsUnresolved(jsii.Number(n)) {
		return Expr{tf: jsii.Number(n)}
	}
	return Expr{known: true, val: n, tf: jsii.Number(n)}
}

// String is a string prop: a literal, or a Terraform string token such as a variable's StringValue().
func String(s string) Expr {
	if *cdktf.Token_IsUnresolved(jsii.String(s)) {
		return Expr{tf: jsii.String(s)}
	}
	return Expr{known: true, val: s, tf: jsii.String(s)}
}

// Known reports whether the value is known at synth time.
func (e Expr) Known() bool { return e.known }

// Float is a known number's value; it panics on an unknown one or another type.
func (e Expr) Float() float64 { return e.val.(float64) }

// Truth is a known bool's value.
func (e Expr) Truth() bool { return e.val.(bool) }

// AsNumber is the number for a prop or argument: the literal, or a Terraform number token.
func (e Expr) AsNumber() float64 {
	if e.known {
		return e.Float()
	}
	return *cdktf.Token_AsNumber(e.tf)
}

// TF is the value for a Terraform argument or condition: a literal, or a Terraform expression.
func (e Expr) TF() any { return e.tf }

// Text writes the value into a string as Terraform would interpolate it: a literal number in the shortest
// decimal form, a string as it is, and an unknown value as an interpolation.
func (e Expr) Text() string {
	if !e.known {
		return *cdktf.Token_AsString(e.tf, nil)
	}
	switch v := e.val.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		return fmt.Sprint(v)
	}
}

// op combines exprs: in Go when all are known, else in Terraform.
func op(goFn func(vals []any) any, tfFn func(tfs []any) any, args ...Expr) Expr {
	vals := make([]any, len(args))
	tfs := make([]any, len(args))
	known := true
	for i, a := range args {
		known = known && a.known
		vals[i], tfs[i] = a.val, a.tf
	}
	if known {
		v := goFn(vals)
		return Expr{known: true, val: v, tf: literalTF(v)}
	}
	return Expr{tf: tfFn(tfs)}
}

func literalTF(v any) any {
	switch v := v.(type) {
	case float64:
		return jsii.Number(v)
	case string:
		return jsii.String(v)
	case bool:
		return jsii.Bool(v)
	}
	panic(fmt.Sprintf("rule: no Terraform literal for %T", v))
}

func num(tf any) *float64 {
	if n, ok := tf.(*float64); ok {
		return n
	}
	return cdktf.Token_AsNumber(tf)
}

func str(tf any) *string {
	if s, ok := tf.(*string); ok {
		return s
	}
	return cdktf.Token_AsString(tf, nil)
}

// binary applies an operator. cdktf writes a falsy literal (0, "", false) on the right of an operator as
// "undefined", so such an operand goes on the left, through mirror (the operator with its sides swapped).
func binary(goFn func(l, r any) any, tfFn, mirror func(l, r any) any, a, b Expr) Expr {
	if !a.known && b.known && (b.val == 0.0 || b.val == "" || b.val == false) {
		return Expr{tf: mirror(b.tf, a.tf)}
	}
	return op(func(v []any) any { return goFn(v[0], v[1]) }, func(t []any) any { return tfFn(t[0], t[1]) }, a, b)
}

func tfOp(f func(l, r any) cdktf.IResolvable) func(l, r any) any {
	return func(l, r any) any { return f(l, r) }
}

// And is a && b && ...
func And(first Expr, rest ...Expr) Expr {
	out := first
	for _, r := range rest {
		out = binary(func(l, r any) any { return l.(bool) && r.(bool) }, tfOp(cdktf.Op_And), tfOp(cdktf.Op_And), out, r)
	}
	return out
}

// Or is a || b.
func Or(a, b Expr) Expr {
	return binary(func(l, r any) any { return l.(bool) || r.(bool) }, tfOp(cdktf.Op_Or), tfOp(cdktf.Op_Or), a, b)
}

// Eq is a == b.
func Eq(a, b Expr) Expr {
	return binary(func(l, r any) any { return l == r }, tfOp(cdktf.Op_Eq), tfOp(cdktf.Op_Eq), a, b)
}

// Le is a <= b.
func Le(a, b Expr) Expr {
	return binary(func(l, r any) any { return l.(float64) <= r.(float64) }, tfOp(cdktf.Op_Lte), tfOp(cdktf.Op_Gte), a, b)
}

// Ge is a >= b.
func Ge(a, b Expr) Expr { return Le(b, a) }

// Lt is a < b.
func Lt(a, b Expr) Expr {
	return binary(func(l, r any) any { return l.(float64) < r.(float64) }, tfOp(cdktf.Op_Lt), tfOp(cdktf.Op_Gt), a, b)
}

// Add is a + b.
func Add(a, b Expr) Expr {
	return op(func(v []any) any { return v[0].(float64) + v[1].(float64) },
		func(t []any) any { return cdktf.Op_Add(t[0], t[1]) }, a, b)
}

// Sub is a - b.
func Sub(a, b Expr) Expr {
	return op(func(v []any) any { return v[0].(float64) - v[1].(float64) },
		func(t []any) any { return cdktf.Op_Sub(t[0], t[1]) }, a, b)
}

// Mul is a * b.
func Mul(a, b Expr) Expr {
	return op(func(v []any) any { return v[0].(float64) * v[1].(float64) },
		func(t []any) any { return cdktf.Op_Mul(t[0], t[1]) }, a, b)
}

// Div is a / b.
func Div(a, b Expr) Expr {
	return op(func(v []any) any { return v[0].(float64) / v[1].(float64) },
		func(t []any) any { return cdktf.Op_Div(t[0], t[1]) }, a, b)
}

// Floor is floor(a).
func Floor(a Expr) Expr {
	return op(func(v []any) any { return math.Floor(v[0].(float64)) },
		func(t []any) any { return cdktf.Fn_Floor(num(t[0])) }, a)
}

// Min is min(a, b).
func Min(a, b Expr) Expr {
	return op(func(v []any) any { return math.Min(v[0].(float64), v[1].(float64)) },
		func(t []any) any { return cdktf.Fn_Min(&[]*float64{num(t[0]), num(t[1])}) }, a, b)
}

// IsWhole is x == floor(x).
func IsWhole(x Expr) Expr { return Eq(x, Floor(x)) }

// Matches is can(regex(pattern, s)): whether s matches the RE2 pattern (which Go and Terraform both read).
func Matches(pattern string, s Expr) Expr {
	re := regexp.MustCompile(pattern)
	return op(func(v []any) any { return re.MatchString(v[0].(string)) },
		func(t []any) any { return cdktf.Fn_Can(cdktf.Fn_Regex(hclString(pattern), str(t[0]))) }, s)
}

// hclString is s as a string literal inside a Terraform expression. cdktf escapes quotes there but not
// backslashes, which HCL would read as escapes (a regex's \s): they are doubled here.
func hclString(s string) *string {
	return cdktf.Fn_RawString(jsii.String(strings.ReplaceAll(s, `\`, `\\`)))
}

// In is contains(allowed, x), for numbers or strings.
func In[T float64 | string](allowed []T, x Expr) Expr {
	return op(func(v []any) any {
		for _, a := range allowed {
			if any(a) == v[0] {
				return true
			}
		}
		return false
	}, func(t []any) any { return cdktf.Fn_Contains(allowed, t[0]) }, x)
}

// Lookup is lookup(table, key, fallback): a table written into the synthesized JSON, read by key. The
// fallback must not be empty: cdktf leaves an empty one out, and the lookup of a missing key then fails.
func Lookup(table map[string]string, key Expr, fallback string) Expr {
	if fallback == "" {
		panic("rule.Lookup: an empty fallback is dropped by cdktf")
	}
	return op(func(v []any) any {
		if out, ok := table[v[0].(string)]; ok {
			return out
		}
		return fallback
	}, func(t []any) any { return cdktf.Fn_Lookup(table, str(t[0]), fallback) }, key)
}

// InTable is contains(lookup(table, key, []), x): whether x is in the list the table holds for key.
func InTable(table map[string][]float64, key, x Expr) Expr {
	return op(func(v []any) any { return slices.Contains(table[v[0].(string)], v[1].(float64)) },
		func(t []any) any { return cdktf.Fn_Contains(cdktf.Fn_Lookup(table, str(t[0]), []float64{}), t[1]) }, key, x)
}

// NumberText is tostring(n) for a whole number: the key of a table indexed by numbers.
func NumberText(n Expr) Expr {
	return op(func(v []any) any { return strconv.FormatFloat(v[0].(float64), 'f', -1, 64) },
		func(t []any) any { return cdktf.Fn_Tostring(t[0]) }, n)
}

// Numbers lists ints as the float64s In takes.
func Numbers(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// List writes xs as "a, b, c", for messages.
func List[T int | string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
