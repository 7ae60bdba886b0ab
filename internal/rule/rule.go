package rule

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Rule is one condition on one or more values and the sentence that says what is wrong when it fails.
type Rule struct {
	// OK holds when the values are allowed.
	OK Expr
	// message is text and Exprs, rendered as Go text or a Terraform string template.
	message []any
}

// New makes a rule from a condition and a message of strings and Exprs. The message names each value, says
// what it got and what is allowed, and must not show a secret.
func New(ok Expr, message ...any) Rule {
	for _, m := range message {
		switch m.(type) {
		case string, Expr:
		default:
			panic(fmt.Sprintf("rule.New: message part %T: allowed string or Expr", m))
		}
	}
	return Rule{OK: ok, message: message}
}

// Known reports whether Go can decide the rule now (every value it reads is a literal).
func (r Rule) Known() bool { return r.OK.known }

// Problem is the message when the rule is known and broken, else "".
func (r Rule) Problem() string {
	if !r.OK.known || r.OK.Truth() {
		return ""
	}
	return r.Message()
}

// Message is the sentence as Go writes it; every value in it must be known.
func (r Rule) Message() string {
	var b strings.Builder
	for _, m := range r.message {
		switch m := m.(type) {
		case string:
			b.WriteString(m)
		case Expr:
			if !m.known {
				panic("rule: Message of a rule on deploy-time values: use TerraformMessage")
			}
			b.WriteString(m.Text())
		}
	}
	return b.String()
}

// TerraformMessage is the sentence as a Terraform string template: unknown values are interpolated, and
// literal text that would start a template ("${", "%{") is escaped.
func (r Rule) TerraformMessage() string {
	esc := strings.NewReplacer("${", "$${", "%{", "%%{")
	var b strings.Builder
	for _, m := range r.message {
		switch m := m.(type) {
		case string:
			b.WriteString(esc.Replace(m))
		case Expr:
			if m.known {
				b.WriteString(esc.Replace(m.Text()))
			} else {
				b.WriteString(m.Text())
			}
		}
	}
	return b.String()
}

// Precondition renders the rule as a resource precondition, for values a construct receives at deploy time.
func (r Rule) Precondition() *cdktf.Precondition {
	return &cdktf.Precondition{Condition: r.OK.tf, ErrorMessage: jsii.String(r.TerraformMessage())}
}

// Validation renders the rule as a variable validation block; it must read only that variable.
func (r Rule) Validation() *cdktf.TerraformVariableValidationConfig {
	return &cdktf.TerraformVariableValidationConfig{Condition: r.OK.tf, ErrorMessage: jsii.String(r.TerraformMessage())}
}

// Preconditions renders the rules Go cannot decide as a lifecycle block, or nil when there are none.
func Preconditions(rules ...Rule) *cdktf.TerraformResourceLifecycle {
	var out []*cdktf.Precondition
	for _, r := range rules {
		if !r.Known() {
			out = append(out, r.Precondition())
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &cdktf.TerraformResourceLifecycle{Precondition: &out}
}

// Problems are the messages of every known, broken rule.
func Problems(rules ...Rule) []string {
	var out []string
	for _, r := range rules {
		if p := r.Problem(); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// The rules below are the shapes this project's inputs take. name is what the message calls the value: a
// props field (DesiredCount) for a construct's own check, a variable (desired_task_count) for Terraform's.

// Whole: x is a whole number from min to max.
func Whole(name string, x Expr, min, max int) Rule {
	return New(And(IsWhole(x), Ge(x, Number(float64(min))), Le(x, Number(float64(max)))),
		name, " = ", x, fmt.Sprintf(" is out of range: allowed whole numbers %d-%d.", min, max))
}

// Between: x is a number from min to max, inclusive.
func Between(name string, x Expr, min, max float64) Rule {
	return New(And(Ge(x, Number(min)), Le(x, Number(max))),
		name, " = ", x, fmt.Sprintf(" is out of range: allowed %v-%v.", min, max))
}

// OneOfNumbers: x is one of allowed; what names the kind of value ("a Fargate size").
func OneOfNumbers(name string, x Expr, allowed []int, what string) Rule {
	return New(In(Numbers(allowed), x), name, " = ", x, fmt.Sprintf(" is not %s: allowed %s.", what, List(allowed)))
}

// OneOfStrings: x is one of allowed.
func OneOfStrings(name string, x Expr, allowed []string, what string) Rule {
	return New(In(allowed, x), name, ` = "`, x, fmt.Sprintf(`" is not %s: allowed %s.`, what, List(allowed)))
}

// Pattern: x matches the RE2 pattern; allowed says it in words.
func Pattern(name string, x Expr, pattern, what, allowed string) Rule {
	return New(Matches(pattern, x), name, ` = "`, x, fmt.Sprintf(`" is not %s: allowed %s.`, what, allowed))
}

// PatternOrEmpty: x is empty or matches pattern.
func PatternOrEmpty(name string, x Expr, pattern, what, allowed string) Rule {
	return New(Or(Eq(x, String("")), Matches(pattern, x)), name, ` = "`, x, fmt.Sprintf(`" is not %s: allowed %s.`, what, allowed))
}

// AtMost: a <= b, two values that may each be deploy-time.
func AtMost(aName string, a Expr, bName string, b Expr) Rule {
	return New(Le(a, b), aName, " = ", a, " is above ", bName, " = ", b, ": allowed at most "+bName+".")
}

// Secret: a secret brought in matches pattern. The message names the input but never shows the value, as
// plan prints a failed condition's message as it is; problem says what is wrong ("does not meet RDS's
// rules"). Not "is not an RDS password: ...": scanners read "password:" as a hard-coded one.
func Secret(name string, x Expr, pattern, problem, allowed string) Rule {
	return New(Matches(pattern, x), name, fmt.Sprintf(" (not shown, it is sensitive) %s: allowed %s.", problem, allowed))
}

// MaxRotation bounds a rotation counter.
const MaxRotation = 1000000

// RotationCounter: a secret's version number (master_key_version, db_password_version), raised by one to
// rotate it.
func RotationCounter(name string, x Expr) Rule {
	return New(Whole(name, x, 1, MaxRotation).OK,
		name, " = ", x, fmt.Sprintf(" is out of range: allowed whole numbers 1-%d; raise it by one to rotate.", MaxRotation))
}
