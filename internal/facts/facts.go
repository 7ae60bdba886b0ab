package facts

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

//go:embed facts.txt
var text string

// Stack is one stack of the app.
type Stack struct {
	// Name is the stack id and the prefix of every AWS name it creates.
	Name string
	// Profile is the load tester's -profile the stack is judged against.
	Profile string
	// TaskCount is how many LiteLLM tasks the stack runs: the default of its desired_task_count variable.
	TaskCount int
}

// The versions, from facts.txt.
var (
	// TerraformMinVersion is the oldest Terraform the stacks run on (ephemeral values, write-only arguments).
	TerraformMinVersion = parsed.scalars["terraform-min-version"]
	// TerraformFallbackVersion is the Terraform ./help builds when the one on PATH is older.
	TerraformFallbackVersion = parsed.scalars["terraform-fallback-version"]
	// AWSProviderVersion is the hashicorp/aws constraint the stacks require and are tested with.
	AWSProviderVersion = parsed.scalars["aws-provider-version"]
	// CdktfCLIVersion is the cdktf CLI ./help installs: the release of the cdktf Go library in go.mod.
	CdktfCLIVersion = parsed.scalars["cdktf-cli-version"]
)

var parsed = mustParse(text)

// Stacks returns every stack, in the order ./help and the README list them.
func Stacks() []Stack { return slices.Clone(parsed.stacks) }

// StackNamed returns the stack called name; ok is false when there is none.
func StackNamed(name string) (s Stack, ok bool) {
	return find(func(s Stack) bool { return s.Name == name })
}

// StackFor returns the stack judged against the load tester's profile; ok is false when there is none.
func StackFor(profile string) (s Stack, ok bool) {
	return find(func(s Stack) bool { return s.Profile == profile })
}

func find(match func(Stack) bool) (Stack, bool) {
	if i := slices.IndexFunc(parsed.stacks, match); i >= 0 {
		return parsed.stacks[i], true
	}
	return Stack{}, false
}

// Profiles returns the load tester's profiles, one per stack, in the stacks' order.
func Profiles() []string {
	var p []string
	for _, s := range parsed.stacks {
		p = append(p, s.Profile)
	}
	return p
}

type facts struct {
	stacks  []Stack
	scalars map[string]string
}

// scalarNames are the one-value facts; every one must be given, once.
var scalarNames = []string{"terraform-min-version", "terraform-fallback-version", "aws-provider-version", "cdktf-cli-version"}

func mustParse(text string) facts {
	f, err := parse(text)
	if err != nil {
		panic("internal/facts/facts.txt: " + err.Error())
	}
	return f
}

// parse reads facts.txt: "NAME VALUE" lines, blank lines and # comments, in what scripts/lib.sh reads too (a
// line each, the value being the rest of the line). It reports every problem at once.
func parse(text string) (facts, error) {
	f := facts{scalars: map[string]string{}}
	var problems []string
	bad := func(n int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("line %d: ", n)+fmt.Sprintf(format, args...))
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		problems = append(problems, "the last line has no newline, and bash's read drops such a line")
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, _ := strings.Cut(line, " ")
		value = strings.TrimSpace(value)
		switch {
		case value == "":
			bad(n, "%q has no value", name)
		case name == "stack":
			s, err := parseStack(value)
			if err != nil {
				bad(n, "%v", err)
				continue
			}
			if slices.ContainsFunc(f.stacks, func(o Stack) bool { return o.Name == s.Name || o.Profile == s.Profile }) {
				bad(n, "stack %s or profile %s is listed twice", s.Name, s.Profile)
				continue
			}
			f.stacks = append(f.stacks, s)
		case slices.Contains(scalarNames, name):
			if _, dup := f.scalars[name]; dup {
				bad(n, "%s is given twice", name)
			}
			f.scalars[name] = value
		default:
			bad(n, "unknown fact %q: allowed stack, %s", name, strings.Join(scalarNames, ", "))
		}
	}
	if len(f.stacks) == 0 {
		problems = append(problems, "no stack")
	}
	for _, name := range scalarNames {
		if _, ok := f.scalars[name]; !ok {
			problems = append(problems, "no "+name)
		}
	}
	if len(problems) > 0 {
		return facts{}, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return f, nil
}

func parseStack(value string) (Stack, error) {
	fields := strings.Fields(value)
	if len(fields) != 3 {
		return Stack{}, fmt.Errorf("stack %q: want NAME PROFILE TASKS", value)
	}
	tasks, err := strconv.Atoi(fields[2])
	if err != nil || tasks < 1 {
		return Stack{}, fmt.Errorf("stack %s: task count %q is not a whole number of 1 or more", fields[0], fields[2])
	}
	return Stack{Name: fields[0], Profile: fields[1], TaskCount: tasks}, nil
}
