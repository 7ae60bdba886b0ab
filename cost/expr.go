package cost

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Expressions are read as Terraform reads cdk.tf.json: HCL's JSON syntax, whose strings are templates, with
// Terraform's functions. var. and local. resolve to the values given and the stack's locals; any other
// reference (a resource, a data source, count.index) is unknown, and so is a variable with no value. A value
// that is unknown, in whole or in part, is Unresolved: known only after apply. No value is ever guessed.

// Unresolved is an expression that has no value before apply: a resource attribute, or a variable with no
// default and none given.
type Unresolved struct{ What string }

func (u *Unresolved) Error() string { return u.What }

func isUnresolved(err error) bool {
	var u *Unresolved
	return errors.As(err, &u)
}

// scope holds what references resolve to.
type scope struct {
	vars   map[string]any       // variable values; absent: no default and none given
	locals map[string]any       // the stack's locals, as synthesized
	done   map[string]evaluated // locals evaluated so far: each once
}

// evaluated is a value, possibly unknown in part, with the references that made it so.
type evaluated struct {
	v       cty.Value
	unknown []string
	err     error
}

// evalValue evaluates a value as synthesized (a literal, a template such as "${var.task_cpu}", or a list or
// object of them) to what encoding/json would give: float64, string, bool, nil, []any or map[string]any.
func (s *scope) evalValue(raw any) (any, error) {
	e := s.eval(raw)
	switch {
	case e.err != nil:
		return nil, e.err
	case !e.v.IsWhollyKnown():
		return nil, &Unresolved{strings.Join(e.unknown, "; ")}
	}
	out, err := ctyjson.SimpleJSONValue{Value: e.v}.MarshalJSON()
	var v any
	if err == nil {
		err = json.Unmarshal(out, &v)
	}
	return v, err
}

func (s *scope) eval(raw any) evaluated {
	src, err := json.Marshal(raw)
	if err != nil {
		return evaluated{err: err}
	}
	expr, diags := hcljson.ParseExpression(src, "cdk.tf.json")
	if diags.HasErrors() {
		return evaluated{err: diagError(diags)}
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: functions}
	vars, locals, why := map[string]cty.Value{}, map[string]cty.Value{}, map[string]bool{}
	for _, t := range expr.Variables() {
		name := ""
		if len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok {
				name = a.Name
			}
		}
		switch root := t.RootName(); root {
		case "var":
			v, ok := s.vars[name]
			if !ok {
				vars[name] = cty.DynamicVal
				why[fmt.Sprintf("var.%s has no default and none was given (--var %s=...)", name, name)] = true
				continue
			}
			if vars[name], err = toCty(v); err != nil {
				return evaluated{err: fmt.Errorf("var.%s: %v", name, err)}
			}
		case "local":
			if _, ok := s.locals[name]; !ok {
				continue // HCL says the local is not defined
			}
			l := s.local(name)
			if l.err != nil {
				return l
			}
			locals[name] = l.v
			for _, w := range l.unknown {
				why[w] = true
			}
		default:
			ctx.Variables[root] = cty.DynamicVal
			why[traversal(t)+" is known only after apply"] = true
		}
	}
	ctx.Variables["var"], ctx.Variables["local"] = cty.ObjectVal(vars), cty.ObjectVal(locals)
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return evaluated{err: diagError(diags)}
	}
	if v.IsWhollyKnown() {
		return evaluated{v: v}
	}
	return evaluated{v: v, unknown: sortedKeys(why)}
}

// local evaluates a local once for the scope; a local that refers to itself is an error.
func (s *scope) local(name string) evaluated {
	if s.done == nil {
		s.done = map[string]evaluated{}
	}
	if e, ok := s.done[name]; ok {
		return e
	}
	s.done[name] = evaluated{err: fmt.Errorf("local.%s refers to itself", name)}
	e := s.eval(s.locals[name])
	if e.err != nil {
		e.err = fmt.Errorf("local.%s: %v", name, e.err)
	}
	s.done[name] = e
	return e
}

func toCty(v any) (cty.Value, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return cty.NilVal, err
	}
	var out ctyjson.SimpleJSONValue
	err = out.UnmarshalJSON(raw)
	return out.Value, err
}

// traversal writes a reference as it appears in the stack: aws_subnet.private[0].id.
func traversal(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch step := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(step.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + step.Name)
		case hcl.TraverseIndex:
			key, _ := ctyjson.SimpleJSONValue{Value: step.Key}.MarshalJSON()
			b.WriteString("[" + string(key) + "]")
		}
	}
	return b.String()
}

// diagError is HCL's errors without their positions, which point into the value re-encoded, not the stack.
func diagError(diags hcl.Diagnostics) error {
	var msgs []string
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			msgs = append(msgs, d.Summary+": "+d.Detail)
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

// functions are Terraform's, where go-cty's standard library has them as Terraform does; length, coalesce and
// urlencode are Terraform's own.
var functions = map[string]function.Function{
	"can": tryfunc.CanFunc, "try": tryfunc.TryFunc,
	"ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
	"parseint": stdlib.ParseIntFunc, "concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
	"element": stdlib.ElementFunc, "lookup": stdlib.LookupFunc, "slice": stdlib.SliceFunc,
	"format": stdlib.FormatFunc, "formatdate": stdlib.FormatDateFunc, "join": stdlib.JoinFunc,
	"split": stdlib.SplitFunc, "regex": stdlib.RegexFunc, "jsonencode": stdlib.JSONEncodeFunc,
	"tonumber": stdlib.MakeToFunc(cty.Number), "tostring": stdlib.MakeToFunc(cty.String),
	"length":    length,
	"coalesce":  coalesce,
	"urlencode": urlencode,
}

// length counts a string's characters too (go-cty's counts collections only).
var length = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch t := args[0].Type(); {
		case t == cty.String:
			return stdlib.Strlen(args[0])
		case t.IsObjectType():
			return cty.NumberIntVal(int64(len(t.AttributeTypes()))), nil
		}
		return stdlib.Length(args[0])
	},
})

// coalesce skips empty strings as well as nulls (go-cty's skips nulls only).
var coalesce = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
	Type:     function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var kept []cty.Value
		for _, a := range args {
			if !a.RawEquals(cty.StringVal("")) {
				kept = append(kept, a)
			}
		}
		return stdlib.Coalesce(kept...)
	},
})

var urlencode = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(url.QueryEscape(args[0].AsString())), nil
	},
})
