package cost

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The evaluator reads the few Terraform expressions the stacks put where a price depends on them
// (`${var.desired_task_count}`, `${(length(var.alarm_email) >= 1) ? 1 : 0}`) and in their variables' and
// resources' rules: literals, lists and objects, var. and local. references with indexes, the operators, the
// conditional, and the functions in funcs. It evaluates as it parses. Anything else is an error naming what
// it could not read, and a reference to a resource is Unresolved: known only after apply. No value is ever
// guessed.

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
	vars   map[string]any // variable values; absent: no default and none given
	locals map[string]any // the stack's locals, as synthesized (their strings may be templates)
	depth  int
}

// evalValue evaluates a JSON value from the stack: strings are templates, lists and objects are evaluated
// element by element.
func (s *scope) evalValue(v any) (any, error) {
	switch v := v.(type) {
	case string:
		return s.evalTemplate(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			y, err := s.evalValue(x)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			y, err := s.evalValue(x)
			if err != nil {
				return nil, err
			}
			out[k] = y
		}
		return out, nil
	}
	return v, nil
}

// evalTemplate evaluates a string of Terraform's JSON syntax: "${expr}" alone keeps expr's type, text with
// interpolations is a string, and "$${" is a literal "${".
func (s *scope) evalTemplate(t string) (any, error) {
	if !strings.Contains(t, "${") {
		return t, nil
	}
	if strings.HasPrefix(t, "${") {
		if end, err := closingBrace(t, 2); err == nil && end == len(t)-1 {
			return s.eval(t[2:end])
		}
	}
	var b strings.Builder
	for i := 0; i < len(t); {
		switch {
		case strings.HasPrefix(t[i:], "$${"):
			b.WriteString("${")
			i += 3
		case strings.HasPrefix(t[i:], "${"):
			end, err := closingBrace(t, i+2)
			if err != nil {
				return nil, err
			}
			v, err := s.eval(t[i+2 : end])
			if err != nil {
				return nil, err
			}
			str, err := toString(v)
			if err != nil {
				return nil, err
			}
			b.WriteString(str)
			i = end + 1
		default:
			b.WriteByte(t[i])
			i++
		}
	}
	return b.String(), nil
}

// closingBrace finds the "}" that ends an interpolation whose expression starts at from.
func closingBrace(t string, from int) (int, error) {
	depth := 0
	for i := from; i < len(t); i++ {
		switch t[i] {
		case '"':
			for i++; i < len(t) && t[i] != '"'; i++ {
				if t[i] == '\\' {
					i++
				}
			}
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i, nil
			}
			depth--
		}
	}
	return 0, fmt.Errorf("unterminated ${ in %q", t)
}

// eval parses and evaluates one expression.
func (s *scope) eval(src string) (any, error) {
	p := &parser{src: src, scope: s}
	p.next()
	v := p.expr()
	if p.tok.kind != tEOF {
		p.fail("unexpected %q", p.tok.text)
	}
	if p.err != nil {
		return nil, p.err
	}
	return v.v, v.err
}

// value is what an expression evaluates to, or why it has none. Its error travels up through the operators,
// or into a can() that makes it false; parsing goes on either way.
type value struct {
	v   any
	err error
}

func fail(format string, args ...any) value { return value{err: fmt.Errorf(format, args...)} }

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tIdent
	tOp
)

type token struct {
	kind tokKind
	text string
	num  float64
}

type parser struct {
	src   string
	pos   int
	tok   token
	scope *scope
	err   error // the first syntax error: the expression is not one the evaluator reads
}

func (p *parser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("expression %q: %s", p.src, fmt.Sprintf(format, args...))
	}
	p.pos, p.tok = len(p.src), token{kind: tEOF}
}

// identByte: HCL identifiers may hold dashes and digits after the first letter (aws_subnet.network_public-us-east-1a_25D5F5CE).
func identByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && (c == '-' || c >= '0' && c <= '9')
}

var escapes = map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"'}

func (p *parser) next() {
	for p.pos < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.pos]) >= 0 {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok = token{kind: tEOF}
		return
	}
	start, c := p.pos, p.src[p.pos]
	switch {
	case c >= '0' && c <= '9':
		for p.pos < len(p.src) && strings.IndexByte("0123456789.", p.src[p.pos]) >= 0 {
			p.pos++
		}
		n, err := strconv.ParseFloat(p.src[start:p.pos], 64)
		if err != nil {
			p.fail("bad number %q", p.src[start:p.pos])
			return
		}
		p.tok = token{kind: tNum, num: n}
	case c == '"':
		var b strings.Builder
		for p.pos++; p.pos < len(p.src) && p.src[p.pos] != '"'; p.pos++ {
			switch {
			case p.src[p.pos] == '\\' && p.pos+1 < len(p.src) && escapes[p.src[p.pos+1]] != 0:
				p.pos++
				b.WriteByte(escapes[p.src[p.pos]])
			case strings.HasPrefix(p.src[p.pos:], "${") || strings.HasPrefix(p.src[p.pos:], "%{"):
				p.fail("a template inside a quoted string")
				return
			default:
				b.WriteByte(p.src[p.pos])
			}
		}
		p.pos++
		p.tok = token{kind: tStr, text: b.String()}
	case identByte(c, true):
		for p.pos < len(p.src) && identByte(p.src[p.pos], false) {
			p.pos++
		}
		p.tok = token{kind: tIdent, text: p.src[start:p.pos]}
	default:
		p.pos++
		if two := p.src[start:min(start+2, len(p.src))]; contains([]string{"==", "!=", "<=", ">=", "&&", "||"}, two) {
			p.pos++
		}
		p.tok = token{kind: tOp, text: p.src[start:p.pos]}
	}
}

func (p *parser) is(op string) bool { return p.tok.kind == tOp && p.tok.text == op }

func (p *parser) expect(op string) {
	if !p.is(op) {
		p.fail("want %q, found %q", op, p.tok.text)
		return
	}
	p.next()
}

// Grammar, loosest first: conditional, ||, &&, equality, comparison, + -, * / %, unary ! -, postfix . [],
// primary.

func (p *parser) expr() value {
	c := p.binary(0)
	if !p.is("?") {
		return c
	}
	p.next()
	a := p.expr()
	p.expect(":")
	b := p.expr()
	if c.err != nil {
		return c
	}
	if cond, ok := c.v.(bool); !ok {
		return fail("condition is a %T, not a bool", c.v)
	} else if cond {
		return a
	}
	return b
}

var precedence = [][]string{{"||"}, {"&&"}, {"==", "!="}, {"<", "<=", ">", ">="}, {"+", "-"}, {"*", "/", "%"}}

func (p *parser) binary(level int) value {
	if level == len(precedence) {
		return p.unary()
	}
	l := p.binary(level + 1)
	for p.tok.kind == tOp && contains(precedence[level], p.tok.text) {
		op := p.tok.text
		p.next()
		r := p.binary(level + 1)
		switch {
		case l.err != nil:
		case r.err != nil:
			l = r
		default:
			v, err := operate(op, l.v, r.v)
			l = value{v, err}
		}
	}
	return l
}

func (p *parser) unary() value {
	if !p.is("!") && !p.is("-") {
		return p.postfix(p.primary())
	}
	op := p.tok.text
	p.next()
	x := p.unary()
	if x.err != nil {
		return x
	}
	if b, ok := x.v.(bool); ok && op == "!" {
		return value{v: !b}
	}
	if f, ok := x.v.(float64); ok && op == "-" {
		return value{v: -f}
	}
	return fail("%s of a %T", op, x.v)
}

// postfix applies attribute and index accesses to x.
func (p *parser) postfix(x value) value {
	for {
		var key value
		switch {
		case p.is("."):
			p.next()
			key = value{v: p.tok.text}
			if p.tok.kind != tIdent {
				p.fail("want an attribute name after '.', found %q", p.tok.text)
			}
			p.next()
		case p.is("["):
			p.next()
			key = p.expr()
			p.expect("]")
		default:
			return x
		}
		switch {
		case x.err != nil:
		case key.err != nil:
			x = key
		default:
			v, err := index(x.v, key.v)
			x = value{v, err}
		}
	}
}

func (p *parser) primary() value {
	t := p.tok
	switch {
	case t.kind == tNum, t.kind == tStr:
		p.next()
		if t.kind == tNum {
			return value{v: t.num}
		}
		return value{v: t.text}
	case p.is("("):
		p.next()
		x := p.expr()
		p.expect(")")
		return x
	case p.is("["):
		return p.list("]")
	case p.is("{"):
		return p.object()
	case t.kind != tIdent:
		p.fail("unexpected %q", t.text)
		return value{}
	}
	p.next()
	switch t.text {
	case "true", "false":
		return value{v: t.text == "true"}
	case "null":
		return value{}
	}
	if p.is("(") {
		args := p.list(")")
		return call(t.text, args)
	}
	return p.reference(t.text)
}

// list reads the items of a list literal or a call's arguments, up to end; its value is []any, or the first
// item's error. A call's arguments keep each error, for can(): args.v holds []value then.
func (p *parser) list(end string) value {
	p.next()
	var items []value
	for !p.is(end) && p.tok.kind != tEOF {
		items = append(items, p.expr())
		if !p.is(",") {
			break
		}
		p.next()
	}
	p.expect(end)
	if end == ")" {
		return value{v: items}
	}
	out := make([]any, len(items))
	for i, it := range items {
		if it.err != nil {
			return it
		}
		out[i] = it.v
	}
	return value{v: out}
}

// object reads an object literal: { key = value, "key" = value }.
func (p *parser) object() value {
	p.next()
	out := map[string]any{}
	var err error
	for !p.is("}") && p.tok.kind != tEOF {
		var key value
		if p.tok.kind == tIdent { // a bare key is its name, not a reference
			key = value{v: p.tok.text}
			p.next()
		} else {
			key = p.expr()
		}
		if !p.is("=") && !p.is(":") {
			p.fail("want '=' after an object key, found %q", p.tok.text)
		}
		p.next()
		v := p.expr()
		k, kerr := toString(key.v)
		if err = errors.Join(err, key.err, kerr, v.err); err == nil {
			out[k] = v.v
		}
		if p.is(",") {
			p.next()
		}
	}
	p.expect("}")
	if err != nil {
		return value{err: err}
	}
	return value{v: out}
}

// reference reads var.NAME and local.NAME; any other root is a resource, data source or the like, whose
// attributes are known only after apply.
func (p *parser) reference(root string) value {
	if !p.is(".") {
		return fail("%s alone is not a value", root)
	}
	p.next()
	name := p.tok.text
	if p.tok.kind != tIdent {
		p.fail("want a name after %s., found %q", root, name)
		return value{}
	}
	p.next()
	switch root {
	case "var":
		v, ok := p.scope.vars[name]
		if !ok {
			return value{err: &Unresolved{fmt.Sprintf("var.%s has no default and none was given (--var %s=...)", name, name)}}
		}
		return value{v: v}
	case "local":
		raw, ok := p.scope.locals[name]
		if !ok {
			return fail("local.%s is not defined", name)
		}
		if p.scope.depth > 20 {
			return fail("local.%s: locals nest too deep", name)
		}
		p.scope.depth++
		defer func() { p.scope.depth-- }()
		v, err := p.scope.evalValue(raw)
		return value{v, err}
	}
	path := root + "." + name
	for p.is(".") || p.is("[") {
		if p.is("[") { // the index is part of what is unknown
			p.next()
			p.expr()
			p.expect("]")
			path += "[...]"
			continue
		}
		p.next()
		path += "." + p.tok.text
		p.next()
	}
	return value{err: &Unresolved{path + " is known only after apply"}}
}

func index(x, key any) (any, error) {
	switch x := x.(type) {
	case map[string]any:
		k, err := toString(key)
		if err != nil {
			return nil, err
		}
		v, ok := x[k]
		if !ok {
			return nil, fmt.Errorf("no key %q", k)
		}
		return v, nil
	case []any:
		i, ok := key.(float64)
		if !ok || i != math.Trunc(i) || i < 0 || int(i) >= len(x) {
			return nil, fmt.Errorf("index %v out of range for a list of %d", key, len(x))
		}
		return x[int(i)], nil
	}
	return nil, fmt.Errorf("cannot index a %T", x)
}

func operate(op string, l, r any) (any, error) {
	switch op {
	case "==":
		return equal(l, r), nil
	case "!=":
		return !equal(l, r), nil
	case "&&", "||":
		lb, lok := l.(bool)
		rb, rok := r.(bool)
		if !lok || !rok {
			return nil, fmt.Errorf("%s needs two bools, got %T and %T", op, l, r)
		}
		if op == "&&" {
			return lb && rb, nil
		}
		return lb || rb, nil
	}
	lf, lerr := toNumber(l)
	rf, rerr := toNumber(r)
	if lerr != nil || rerr != nil {
		return nil, fmt.Errorf("%s needs two numbers, got %v and %v", op, l, r)
	}
	switch op {
	case "<":
		return lf < rf, nil
	case "<=":
		return lf <= rf, nil
	case ">":
		return lf > rf, nil
	case ">=":
		return lf >= rf, nil
	case "+":
		return lf + rf, nil
	case "-":
		return lf - rf, nil
	case "*":
		return lf * rf, nil
	}
	if rf == 0 {
		return nil, fmt.Errorf("%s by zero", op)
	}
	if op == "/" {
		return lf / rf, nil
	}
	return math.Mod(lf, rf), nil
}

// call applies a function to its arguments (a []value from list).
func call(name string, args value) value {
	items, _ := args.v.([]value)
	if name == "can" {
		// false for an error, but an unknown stays unknown, as in Terraform.
		if len(items) != 1 {
			return fail("can takes 1 argument, got %d", len(items))
		}
		if isUnresolved(items[0].err) {
			return items[0]
		}
		return value{v: items[0].err == nil}
	}
	f, ok := funcs[name]
	if !ok {
		return fail("function %s() is not one the cost evaluator reads (cost/eval.go)", name)
	}
	if len(items) != f.args {
		return fail("%s takes %d arguments, got %d", name, f.args, len(items))
	}
	vals := make([]any, len(items))
	for i, it := range items {
		if it.err != nil {
			return it
		}
		vals[i] = it.v
	}
	v, err := f.f(vals)
	return value{v, err}
}

// funcs are the Terraform functions the stacks' expressions use, by name: how many arguments each takes,
// and what it does with them.
var funcs = map[string]struct {
	args int
	f    func(a []any) (any, error)
}{
	"length": {1, func(a []any) (any, error) {
		switch v := a[0].(type) {
		case string:
			return float64(len([]rune(v))), nil
		case []any:
			return float64(len(v)), nil
		case map[string]any:
			return float64(len(v)), nil
		}
		return nil, fmt.Errorf("length of a %T", a[0])
	}},
	"floor": {1, func(a []any) (any, error) {
		x, err := toNumber(a[0])
		return math.Floor(x), err
	}},
	"min": {2, func(a []any) (any, error) {
		x, err1 := toNumber(a[0])
		y, err2 := toNumber(a[1])
		return math.Min(x, y), errors.Join(err1, err2)
	}},
	"contains": {2, func(a []any) (any, error) {
		l, ok := a[0].([]any)
		if !ok {
			return nil, fmt.Errorf("contains takes a list, not a %T", a[0])
		}
		for _, x := range l {
			if equal(x, a[1]) {
				return true, nil
			}
		}
		return false, nil
	}},
	"lookup": {3, func(a []any) (any, error) {
		m, ok := a[0].(map[string]any)
		key, err := toString(a[1])
		if !ok || err != nil {
			return nil, fmt.Errorf("lookup takes a map and a string key")
		}
		if v, ok := m[key]; ok {
			return v, nil
		}
		return a[2], nil
	}},
	"tostring": {1, func(a []any) (any, error) { return toString(a[0]) }},
	"regex": {2, func(a []any) (any, error) {
		pattern, ok1 := a[0].(string)
		str, ok2 := a[1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("regex takes a pattern and a string")
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, err
		}
		if !re.MatchString(str) {
			return nil, fmt.Errorf("pattern did not match")
		}
		return re.FindString(str), nil
	}},
}

// equal is Terraform's ==: values of different types are never equal.
func equal(a, b any) bool {
	switch a := a.(type) {
	case float64, string, bool, nil:
		return a == b
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
