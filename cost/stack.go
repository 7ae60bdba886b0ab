package cost

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Stack is one stack's synthesized Terraform JSON (cdk.tf.json): what the estimate prices.
type Stack struct {
	// Name is the stack's name, its directory under cdktf.out/stacks.
	Name string
	// Source says where the JSON came from: its file, or "cdk.tf.json, synthesized here".
	Source string
	// Region is the AWS provider's region.
	Region    string
	Variables map[string]Variable
	Locals    map[string]any
	// Resources are every resource block, sorted by type and then name.
	Resources []Resource
}

// Variable is one variable block.
type Variable struct {
	Type       string
	Default    any
	HasDefault bool
	Sensitive  bool
	Validation []Condition
}

// Condition is a validation rule or a precondition: an expression and the message shown when it is false.
type Condition struct{ Expr, Message string }

// Resource is one resource block, its attributes as synthesized (values may be expressions).
type Resource struct {
	Type, Name string
	Body       map[string]any
}

// Address is the resource's Terraform address, such as aws_ecs_service.proxy_service_C1393946.
func (r Resource) Address() string { return r.Type + "." + r.Name }

// ParseStack reads one stack's cdk.tf.json.
func ParseStack(name string, raw []byte) (*Stack, error) {
	var doc struct {
		Provider struct {
			AWS []struct {
				Region string `json:"region"`
			} `json:"aws"`
		} `json:"provider"`
		Variable map[string]struct {
			Type       string          `json:"type"`
			Default    json.RawMessage `json:"default"`
			Sensitive  bool            `json:"sensitive"`
			Validation []struct {
				Condition    string `json:"condition"`
				ErrorMessage string `json:"error_message"`
			} `json:"validation"`
		} `json:"variable"`
		Locals   map[string]any                       `json:"locals"`
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("stack %s: synthesized JSON does not parse: %v", name, err)
	}
	s := &Stack{Name: name, Variables: map[string]Variable{}, Locals: doc.Locals}
	if len(doc.Provider.AWS) > 0 {
		s.Region = doc.Provider.AWS[0].Region
	}
	for n, v := range doc.Variable {
		out := Variable{Type: v.Type, Sensitive: v.Sensitive}
		if len(v.Default) > 0 {
			if err := json.Unmarshal(v.Default, &out.Default); err != nil {
				return nil, fmt.Errorf("stack %s: variable %s: default: %v", name, n, err)
			}
			out.HasDefault = out.Default != nil
		}
		for _, c := range v.Validation {
			out.Validation = append(out.Validation, Condition{c.Condition, c.ErrorMessage})
		}
		s.Variables[n] = out
	}
	for typ, byName := range doc.Resource {
		for n, body := range byName {
			s.Resources = append(s.Resources, Resource{Type: typ, Name: n, Body: body})
		}
	}
	sort.Slice(s.Resources, func(i, j int) bool {
		a, b := s.Resources[i], s.Resources[j]
		return a.Type < b.Type || a.Type == b.Type && a.Name < b.Name
	})
	return s, nil
}

// ReadStack reads <outdir>/stacks/<name>/cdk.tf.json, as `cdktf synth` (./help synth) writes it.
func ReadStack(outdir, name string) (*Stack, error) {
	path := filepath.Join(outdir, "stacks", name, "cdk.tf.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %v (run ./help synth first, or leave out -from to synthesize here)", name, err)
	}
	s, err := ParseStack(name, raw)
	if err == nil {
		s.Source = path
	}
	return s, err
}

// OfType returns the stack's resources of one type.
func (s *Stack) OfType(typ string) []Resource {
	var out []Resource
	for _, r := range s.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Types lists the resource types in the stack, sorted.
func (s *Stack) Types() []string {
	var out []string
	for _, r := range s.Resources {
		if len(out) == 0 || out[len(out)-1] != r.Type {
			out = append(out, r.Type)
		}
	}
	return out
}

// Values returns every variable's value: the one given in vars (as on the command line, name=value text
// converted to the variable's type), else its default. A variable with neither is left out. vars naming a
// variable the stack does not declare, or a value of the wrong type, are errors.
func (s *Stack) Values(vars map[string]string) (map[string]any, error) {
	out := map[string]any{}
	for n, v := range s.Variables {
		if v.HasDefault {
			out[n] = v.Default
		}
	}
	var problems []string
	for _, n := range sortedKeys(vars) {
		v, ok := s.Variables[n]
		if !ok {
			problems = append(problems, fmt.Sprintf("--var %s: %s declares no such variable: allowed %s",
				n, s.Name, strings.Join(sortedKeys(s.Variables), ", ")))
			continue
		}
		val, err := convert(v.Type, vars[n])
		if err != nil {
			problems = append(problems, fmt.Sprintf("--var %s=%q: %v", n, vars[n], err))
			continue
		}
		out[n] = val
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return out, nil
}

func convert(typ, text string) (any, error) {
	switch typ {
	case "number":
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("not a number")
		}
		return f, nil
	case "bool":
		b, err := strconv.ParseBool(text)
		if err != nil {
			return nil, fmt.Errorf("not a bool: allowed true or false")
		}
		return b, nil
	case "string", "":
		return text, nil
	}
	return nil, fmt.Errorf("a %s variable: the estimate reads string, number and bool variables only", typ)
}

// Eval evaluates one value as synthesized (a resource attribute: a literal or a template such as
// "${var.task_cpu}") over values from Values. A value known only after apply is an *Unresolved error. Other
// commands that read the synthesized stack (preflight) use it, so that the stack has one evaluator.
func (s *Stack) Eval(values map[string]any, v any) (any, error) {
	return (&scope{vars: values, locals: s.Locals}).evalValue(v)
}

// Number is Eval of a value that must be a number (Terraform converts "1024" to one, and so does this).
func (s *Stack) Number(values map[string]any, v any) (float64, error) {
	x, err := s.Eval(values, v)
	if err != nil {
		return 0, err
	}
	return toNumber(x)
}

// Check evaluates the stack's rules over the values: every variable's validation blocks and every
// resource's preconditions, as `terraform plan` would. It returns the messages of the rules that fail. A rule
// that needs a value known only after apply, or a sensitive variable not given, is left to plan; a rule the
// evaluator cannot read is an error, so that no rule is skipped unseen.
func (s *Stack) Check(values map[string]any) (failed []string, err error) {
	sc := &scope{vars: values, locals: s.Locals}
	var unreadable []string
	check := func(where string, c Condition) {
		v, err := sc.evalValue(c.Expr)
		switch {
		case isUnresolved(err):
			return
		case err != nil:
			unreadable = append(unreadable, fmt.Sprintf("%s: %v", where, err))
			return
		}
		if ok, isBool := v.(bool); !isBool {
			unreadable = append(unreadable, fmt.Sprintf("%s: condition is a %T, not a bool", where, v))
		} else if !ok {
			msg, err := sc.evalValue(c.Message)
			if err != nil {
				msg = c.Message
			}
			failed = append(failed, fmt.Sprint(msg))
		}
	}
	for _, n := range sortedKeys(s.Variables) {
		for _, c := range s.Variables[n].Validation {
			check("variable "+n, c)
		}
	}
	for _, r := range s.Resources {
		lc, _ := r.Body["lifecycle"].(map[string]any)
		pre, _ := lc["precondition"].([]any)
		for _, p := range pre {
			m, _ := p.(map[string]any)
			expr, _ := m["condition"].(string)
			msg, _ := m["error_message"].(string)
			check(r.Address()+" precondition", Condition{expr, msg})
		}
	}
	if len(unreadable) > 0 {
		return failed, fmt.Errorf("cannot check %s", strings.Join(unreadable, "; "))
	}
	return failed, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
