package rule_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/monitoring"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/rule"
	"litellm-aws/internal/synthtest"
	"litellm-aws/internal/tftest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// ruleCase is one rule constructor and the inputs it is tried with: each set holds the rule's values in
// order, float64 for a number and string for a string.
type ruleCase struct {
	rule   string // the constructor, package.Func: TestEveryRuleIsInTheTable checks the table lists them all
	build  func(x ...rule.Expr) rule.Rule
	inputs [][]any
}

const digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

var ruleCases = []ruleCase{
	{"rule.Whole", func(x ...rule.Expr) rule.Rule { return rule.Whole("n", x[0], 1, 100) },
		[][]any{{1.0}, {100.0}, {0.0}, {101.0}, {2.5}, {-3.0}}},
	{"rule.Between", func(x ...rule.Expr) rule.Rule { return rule.Between("p", x[0], 10, 95) },
		[][]any{{10.0}, {95.0}, {52.5}, {9.99}, {96.0}}},
	{"rule.OneOfNumbers", func(x ...rule.Expr) rule.Rule { return rule.OneOfNumbers("n", x[0], []int{1, 2, 4}, "a size") },
		[][]any{{2.0}, {3.0}, {0.0}}},
	{"rule.OneOfStrings", func(x ...rule.Expr) rule.Rule { return rule.OneOfStrings("s", x[0], []string{"a", "b"}, "a letter") },
		[][]any{{"a"}, {"c"}, {""}}},
	{"rule.Pattern", func(x ...rule.Expr) rule.Rule {
		return rule.Pattern("s", x[0], `^[a-z]+$`, "a word", "lower-case letters")
	},
		[][]any{{"abc"}, {"ab1"}, {""}, {`quote " and ${dollar}`}}},
	{"rule.PatternOrEmpty", func(x ...rule.Expr) rule.Rule {
		return rule.PatternOrEmpty("s", x[0], `^[a-z]+$`, "a word", "lower-case letters, or empty")
	}, [][]any{{""}, {"abc"}, {"A"}}},
	{"rule.Secret", func(x ...rule.Expr) rule.Rule {
		return rule.Secret("k", x[0], `^sk-.{4,}$`, "is not a key", `"sk-" and 4 more`)
	},
		[][]any{{"sk-abcd"}, {"sk-ab"}}},
	{"rule.AtMost", func(x ...rule.Expr) rule.Rule { return rule.AtMost("a", x[0], "b", x[1]) },
		[][]any{{1.0, 2.0}, {2.0, 2.0}, {3.0, 2.0}}},
	{"rule.RotationCounter", func(x ...rule.Expr) rule.Rule { return rule.RotationCounter("v", x[0]) },
		[][]any{{1.0}, {2.0}, {0.0}, {1.5}, {1000001.0}}},

	{"proxyservice.TaskCountRule", func(x ...rule.Expr) rule.Rule { return proxyservice.TaskCountRule("desired_task_count", x[0]) },
		[][]any{{1.0}, {100.0}, {0.0}, {101.0}, {4.5}}},
	{"proxyservice.WorkersRule", func(x ...rule.Expr) rule.Rule { return proxyservice.WorkersRule("num_workers_per_task", x[0]) },
		[][]any{{4.0}, {32.0}, {33.0}, {0.0}}},
	{"proxyservice.CPUTargetRule", func(x ...rule.Expr) rule.Rule {
		return proxyservice.CPUTargetRule("autoscaling_cpu_target_percent", x[0])
	}, [][]any{{70.0}, {5.0}, {99.0}}},
	{"proxyservice.ImageRuleFor", func(x ...rule.Expr) rule.Rule { return proxyservice.ImageRuleFor("litellm_image", x[0]) },
		[][]any{{proxyservice.DefaultImage}, {"ghcr.io/berriai/litellm-database:main-latest"}, {"ghcr.io/berriai/litellm@sha256:" + digest},
			{"litellm:v1.108.21"}, {""}}},
	{"proxyservice.MasterKeyRuleFor", func(x ...rule.Expr) rule.Rule { return proxyservice.MasterKeyRuleFor("master_key", x[0]) },
		[][]any{{"sk-0123456789abcdef"}, {"sk-short"}, {"no prefix at all, long enough"}}},
	{"proxyservice.TaskCPURule", func(x ...rule.Expr) rule.Rule { return proxyservice.TaskCPURule("task_cpu", x[0]) },
		[][]any{{4096.0}, {3000.0}}},
	{"proxyservice.TaskMemoryRule", func(x ...rule.Expr) rule.Rule { return proxyservice.TaskMemoryRule("task_memory", x[0]) },
		[][]any{{8192.0}, {3000.0}}},
	{"proxyservice.FargateSizeRule", func(x ...rule.Expr) rule.Rule {
		return proxyservice.FargateSizeRule("task_cpu", x[0], "task_memory", x[1])
	}, [][]any{{4096.0, 8192.0}, {256.0, 512.0}, {16384.0, 122880.0}, {4096.0, 3000.0}, {8192.0, 17408.0}, {3000.0, 8192.0}, {256.0, 4096.0}}},
	{"proxyservice.ConnectionBudgetRule", func(x ...rule.Expr) rule.Rule {
		return proxyservice.ConnectionBudgetRule("db_instance_class", x[0], "autoscaling_max_task_count", x[1],
			"deployment_maximum_percent", x[2], "num_workers_per_task", x[3])
	}, [][]any{{360.0, 4.0, 150.0, 4.0}, {360.0, 10.0, 150.0, 4.0}, {360.0, 10.0, 200.0, 4.0}, {360.0, 8.0, 200.0, 4.0},
		{89.0, 15.0, 101.0, 1.0}, {89.0, 16.0, 101.0, 1.0}, {4000.0, 100.0, 200.0, 32.0}}},
	{"proxyservice.RollRoomRule", func(x ...rule.Expr) rule.Rule {
		return proxyservice.RollRoomRule("deployment_maximum_percent", x[0], "autoscaling_min_task_count", x[1])
	}, [][]any{{150.0, 2.0}, {150.0, 1.0}, {101.0, 100.0}, {110.0, 5.0}, {134.0, 3.0}, {133.0, 3.0}}},
	{"proxyservice.DeploymentMaximumPercentRule", func(x ...rule.Expr) rule.Rule {
		return proxyservice.DeploymentMaximumPercentRule("deployment_maximum_percent", x[0])
	}, [][]any{{150.0}, {101.0}, {200.0}, {100.0}, {201.0}, {150.5}}},

	{"database.InstanceClassRule", func(x ...rule.Expr) rule.Rule { return database.InstanceClassRule("db_instance_class", x[0]) },
		[][]any{{database.DefaultInstanceClass}, {"db.t2.micro"}}},
	{"database.SnapshotIdentifierRule", func(x ...rule.Expr) rule.Rule { return database.SnapshotIdentifierRule("db_snapshot_identifier", x[0]) },
		[][]any{{""}, {"litellm-benchmark-litellm-db-final-20261205-101010"}, {"final--snap"}, {"1snap"}, {"snap-"}}},
	{"database.PasswordRuleFor", func(x ...rule.Expr) rule.Rule { return database.PasswordRuleFor("db_password", x[0]) },
		[][]any{{"correct-horse-battery"}, {"short"}, {"has/a/slash/in/it"}}},
	{"cache.NodeTypeRule", func(x ...rule.Expr) rule.Rule { return cache.NodeTypeRule("redis_node_type", x[0]) },
		[][]any{{cache.DefaultNodeType}, {"cache.t1.micro"}}},
	{"cache.AuthTokenRuleFor", func(x ...rule.Expr) rule.Rule { return cache.AuthTokenRuleFor("redis_auth_token", x[0]) },
		[][]any{{"0123456789abcdef"}, {"too-short"}}},
	{"monitoring.EmailRule", func(x ...rule.Expr) rule.Rule { return monitoring.EmailRule("alarm_email", x[0]) },
		[][]any{{""}, {"ops@example.com"}, {"not an address"}}},
}

// TestGoAndTerraformAgree feeds every rule the same inputs twice: as literals, which Go decides, and as
// Terraform variables, whose condition and message Terraform evaluates. The verdict and the message must be
// the same, word for word.
func TestGoAndTerraformAgree(t *testing.T) {
	tf := tftest.Setup(t)
	dir := t.TempDir()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(dir)})
	stack := cdktf.NewTerraformStack(app, jsii.String("rules"))
	type want struct {
		ok      bool
		message string
	}
	wants := map[string]want{}
	for i, tc := range ruleCases {
		for j, in := range tc.inputs {
			id := fmt.Sprintf("case_%d_%d", i, j)
			vars := make([]rule.Expr, len(in))
			for k, v := range in {
				name := jsii.String(fmt.Sprintf("%s_%d", id, k))
				switch v := v.(type) {
				case float64:
					vars[k] = rule.Number(*cdktf.NewTerraformVariable(stack, name, &cdktf.TerraformVariableConfig{Type: jsii.String("number"), Default: v}).NumberValue())
				case string:
					vars[k] = rule.String(*cdktf.NewTerraformVariable(stack, name, &cdktf.TerraformVariableConfig{Type: jsii.String("string"), Default: v}).StringValue())
				}
			}
			lit, deploy := tc.build(literals(in)...), tc.build(vars...)
			if !lit.Known() || deploy.Known() {
				t.Fatalf("%s%v: known with literals %v, with variables %v; want true, false", tc.rule, in, lit.Known(), deploy.Known())
			}
			wants[id] = want{lit.OK.Truth(), lit.Message()}
			cdktf.NewTerraformOutput(stack, jsii.String(id), &cdktf.TerraformOutputConfig{
				Value: map[string]any{"ok": deploy.OK.TF(), "message": deploy.TerraformMessage()},
			})
		}
	}
	app.Synth()
	d := filepath.Join(dir, "stacks", "rules")
	tf.Must(t, d, 2*time.Minute, "init", "-input=false")
	tf.Must(t, d, 2*time.Minute, "apply", "-input=false", "-auto-approve")
	var outputs map[string]struct {
		Value struct {
			OK      bool   `json:"ok"`
			Message string `json:"message"`
		} `json:"value"`
	}
	if err := json.Unmarshal([]byte(tf.Must(t, d, time.Minute, "output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	for i, tc := range ruleCases {
		for j, in := range tc.inputs {
			id := fmt.Sprintf("case_%d_%d", i, j)
			got, ok := outputs[id]
			if !ok {
				t.Errorf("%s%v: Terraform gave no output %s", tc.rule, in, id)
				continue
			}
			w := wants[id]
			if got.Value.OK != w.ok || got.Value.Message != w.message {
				t.Errorf("%s%v:\n  Go:        %v %q\n  Terraform: %v %q", tc.rule, in, w.ok, w.message, got.Value.OK, got.Value.Message)
			}
		}
		if !passesAndFails(t, tc) {
			t.Errorf("%s: the table has no input that passes and one that fails", tc.rule)
		}
	}
}

// literals are a case's inputs as values known at synth time.
func literals(in []any) []rule.Expr {
	x := make([]rule.Expr, len(in))
	for k, v := range in {
		if n, ok := v.(float64); ok {
			x[k] = rule.Number(n)
		} else {
			x[k] = rule.String(v.(string))
		}
	}
	return x
}

// passesAndFails: a case proves little unless the rule is seen both holding and broken.
func passesAndFails(t *testing.T, tc ruleCase) bool {
	seen := map[bool]bool{}
	for _, in := range tc.inputs {
		seen[tc.build(literals(in)...).OK.Truth()] = true
	}
	return seen[true] && seen[false]
}

// TestEveryRuleIsInTheTable finds every exported function in the project that returns a rule.Rule and
// requires a case for it above.
func TestEveryRuleIsInTheTable(t *testing.T) {
	root := tftest.Root(t)
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), "cdktf")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			if returnsRule(fn.Type.Results.List[0].Type, f.Name.Name) {
				found = append(found, f.Name.Name+"."+fn.Name.Name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// rule.New is what every rule is made with, not a rule of its own.
	listed := map[string]bool{"rule.New": true}
	for _, tc := range ruleCases {
		listed[tc.rule] = true
	}
	sort.Strings(found)
	for _, name := range found {
		if !listed[name] {
			t.Errorf("%s returns a rule.Rule but has no case in ruleCases", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		t.Errorf("ruleCases lists %s, which is not an exported rule constructor", name)
	}
	if len(found) < 20 {
		t.Errorf("found only %d rule constructors (%v): is the walk reading the project?", len(found), found)
	}
}

func returnsRule(e ast.Expr, pkg string) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "rule" && e.Sel.Name == "Rule"
	case *ast.Ident:
		return pkg == "rule" && e.Name == "Rule"
	}
	return false
}
