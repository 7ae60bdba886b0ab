package stacks_test

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3object"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"gopkg.in/yaml.v3"

	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/synthtest"
	"litellm-aws/internal/testflags"
	"litellm-aws/stacks"
)

// taskView is what one task definition gives LiteLLM: flags, environment, secrets, config keys, health paths.
type taskView struct {
	flags   map[string]string // flag -> its value ("" for a switch)
	env     map[string]string
	secrets map[string]string
	config  map[string]any // dotted key -> value
	health  string         // the container health check command
}

func viewOf(t *testing.T, doc *synthtest.Doc, family string) taskView {
	t.Helper()
	var td map[string]any
	for _, r := range doc.Resources(*ecstaskdefinition.EcsTaskDefinition_TfResourceType()) {
		if r["family"] == family {
			td = r
		}
	}
	if td == nil {
		t.Fatalf("no task definition with family %s", family)
	}
	c := synthtest.ContainerDefinitions(t, td)[0]
	v := taskView{flags: map[string]string{}, env: map[string]string{}, secrets: map[string]string{}, config: map[string]any{}}
	for _, e := range c["environment"].([]any) {
		m := e.(map[string]any)
		v.env[m["name"].(string)] = m["value"].(string)
	}
	for _, e := range c["secrets"].([]any) {
		m := e.(map[string]any)
		v.secrets[m["name"].(string)] = m["valueFrom"].(string)
	}
	var args []string
	for _, a := range c["command"].([]any) {
		args = append(args, a.(string))
	}
	if ep, ok := c["entryPoint"].([]any); ok && len(ep) == 2 && ep[0] == "sh" && ep[1] == "-c" {
		// The proxy's start command: the flags are those of `exec litellm ...`.
		_, after, ok := strings.Cut(args[0], "exec litellm ")
		if !ok {
			t.Fatalf("%s: the start command does not exec litellm: %s", family, args[0])
		}
		args = regexp.MustCompile(`"[^"]*"|\S+`).FindAllString(after, -1)
	}
	for i := 0; i < len(args); i++ {
		if !strings.HasPrefix(args[i], "--") {
			t.Fatalf("%s: argument %q is not a flag", family, args[i])
		}
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			v.flags[args[i]] = args[i+1]
			i++
		} else {
			v.flags[args[i]] = ""
		}
	}
	if hc, ok := c["healthCheck"].(map[string]any); ok {
		v.health = fmt.Sprint(hc["command"])
	}
	return v
}

// configOf flattens config.yaml's sections to dotted keys (model_list stays whole).
func configOf(t *testing.T, doc *synthtest.Doc) map[string]any {
	t.Helper()
	obj := doc.One(t, *s3object.S3Object_TfResourceType())
	var raw map[string]any
	if err := yaml.Unmarshal([]byte(obj["content"].(string)), &raw); err != nil {
		t.Fatalf("config.yaml: %v", err)
	}
	out := map[string]any{}
	for k, v := range raw {
		if m, ok := v.(map[string]any); ok {
			for kk, vv := range m {
				out[k+"."+kk] = vv
			}
		} else {
			out[k] = v
		}
	}
	return out
}

// TestRuntimeContract holds the synthesized task definitions to proxyservice.Contract, both ways: every row is
// there with its value, and nothing is given to LiteLLM that the table does not list (a setting LiteLLM never
// reads is a defect). With and without Redis.
func TestRuntimeContract(t *testing.T) {
	withRedis := stacks.Benchmark()
	withRedis.StackName, withRedis.Redis = "litellm-contract-redis", true
	for _, tc := range []struct {
		name    string
		profile stacks.Profile
		redis   bool
	}{
		{"plain", stacks.Benchmark(), false},
		{"redis", withRedis, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := synth(t, tc.profile)
			name := tc.profile.StackName
			views := map[string]taskView{
				"proxy":   viewOf(t, doc, name+"-litellm"),
				"migrate": viewOf(t, doc, name+"-litellm-migrate"),
			}
			config := configOf(t, doc)
			listed := map[string]bool{}
			for _, s := range proxyservice.Contract {
				if s.Redis && !tc.redis {
					continue
				}
				v := views[s.Task]
				if s.Declined != "" {
					// Left out on purpose: it must not be there.
					if given(doc, v, config, s) {
						t.Errorf("%s task: %s %s is declined in the contract (%s), yet the stack gives it", s.Task, s.Kind, s.Name, s.Declined)
					}
					continue
				}
				listed[s.Task+" "+s.Kind+" "+s.Name] = true
				var got any
				var ok bool
				switch s.Kind {
				case "flag":
					got, ok = v.flags[s.Name]
				case "env":
					got, ok = v.env[s.Name]
				case "secret":
					got, ok = v.secrets[s.Name]
				case "config":
					got, ok = config[s.Name]
					if ok && s.Task != "proxy" {
						t.Errorf("config keys reach the proxy only; %s is listed for %s", s.Name, s.Task)
					}
				case "endpoint":
					ok = strings.Contains(v.health, s.Name) ||
						doc.One(t, *lbtargetgroup.LbTargetGroup_TfResourceType())["health_check"].(map[string]any)["path"] == s.Name
				default:
					t.Fatalf("unknown kind %q", s.Kind)
				}
				if !ok {
					t.Errorf("%s task: %s %s is in the contract but not in the synthesized stack", s.Task, s.Kind, s.Name)
					continue
				}
				if s.Value != "" && fmt.Sprint(got) != s.Value {
					t.Errorf("%s task: %s %s = %v, the contract says %s", s.Task, s.Kind, s.Name, got, s.Value)
				}
			}
			// Nothing beyond the contract.
			for task, v := range views {
				for kind, names := range map[string][]string{"flag": keys(v.flags), "env": keys(v.env), "secret": keys(v.secrets)} {
					for _, n := range names {
						if !listed[task+" "+kind+" "+n] {
							t.Errorf("%s task: %s %s is given to LiteLLM but not in proxyservice.Contract (what reads it?)", task, kind, n)
						}
					}
				}
			}
			for k := range config {
				if !listed["proxy config "+k] {
					t.Errorf("config.yaml key %s is not in proxyservice.Contract (what reads it?)", k)
				}
			}
		})
	}
}

// given: whether the stack gives LiteLLM the setting, in any form.
func given(doc *synthtest.Doc, v taskView, config map[string]any, s proxyservice.Setting) bool {
	switch s.Kind {
	case "flag":
		_, ok := v.flags[s.Name]
		return ok
	case "env", "secret":
		_, env := v.env[s.Name]
		_, secret := v.secrets[s.Name]
		return env || secret
	case "config":
		_, ok := config[s.Name]
		return ok
	}
	return strings.Contains(v.health, s.Name)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestKeepAliveOutlastsIdleTimeout ties LiteLLM's keep-alive to the load balancer's idle timeout, both read from
// the synthesized stack: change one alone and this fails.
func TestKeepAliveOutlastsIdleTimeout(t *testing.T) {
	for _, p := range stacks.All() {
		doc := synth(t, p)
		idle, _ := doc.One(t, *lb.Lb_TfResourceType())["idle_timeout"].(float64)
		keep, err := strconv.Atoi(viewOf(t, doc, p.StackName+"-litellm").flags["--keepalive_timeout"])
		if err != nil || idle <= 0 || float64(keep) <= idle {
			t.Errorf("%s: --keepalive_timeout %d (%v) must be longer than the load balancer's idle_timeout %v", p.StackName, keep, err, idle)
		}
	}
}

// TestDatabaseURLRequiresTLS: LiteLLM connects with sslmode=require, whatever the server allows.
func TestDatabaseURLRequiresTLS(t *testing.T) {
	doc := synth(t, stacks.Benchmark())
	found := false
	for _, v := range doc.Resources(*secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType()) {
		if s, _ := v["secret_string_wo"].(string); strings.HasPrefix(s, "postgresql://") {
			found = true
			if !strings.HasSuffix(s, "?sslmode=require") {
				t.Errorf("DATABASE_URL = %s, want ?sslmode=require", s)
			}
		}
	}
	if !found {
		t.Fatal("no DATABASE_URL secret version")
	}
}

// TestREADMEListsTheContract: the README's "What the stacks rely on in LiteLLM" holds the contract's table as
// ContractTable renders it, names the pinned version and the sources it was read in; -update rewrites it.
func TestREADMEListsTheContract(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	head, section, ok := strings.Cut(string(readme), "## What the stacks rely on in LiteLLM")
	if !ok {
		t.Fatal(`README.md has no "## What the stacks rely on in LiteLLM" section`)
	}
	section, tail, _ := strings.Cut(section, "\n## ")
	for _, want := range []string{proxyservice.LiteLLMVersion, proxyservice.ContractReadAt} {
		if !strings.Contains(section, want) {
			t.Errorf("the section does not say %q", want)
		}
	}
	const first = "| task | setting | kind |"
	i := strings.Index(section, first)
	if i < 0 {
		t.Fatalf("the section has no table starting %q", first)
	}
	end := strings.Index(section[i:], "\n\n")
	if end < 0 {
		end = len(section) - i
	}
	table := ContractTable()
	if got := section[i : i+end+1]; got != table {
		if !*testflags.Update {
			t.Fatalf("the README's contract table differs from proxyservice.Contract; run go test ./stacks -run TestREADMEListsTheContract -update and read the diff.\ngot:\n%s\nwant:\n%s", got, table)
		}
		section = section[:i] + table + section[i+end+1:]
		out := head + "## What the stacks rely on in LiteLLM" + section
		if tail != "" {
			out += "\n## " + tail
		}
		if err := os.WriteFile("../README.md", []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ContractTable renders proxyservice.Contract as the README's Markdown table: applied rows, then declined ones.
func ContractTable() string {
	var b strings.Builder
	b.WriteString("| task | setting | kind | value | what LiteLLM does with it | read in |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, declined := range []bool{false, true} {
		for _, s := range proxyservice.Contract {
			if (s.Declined != "") != declined {
				continue
			}
			kind, value, does := s.Kind, "varies", s.Does
			if s.Redis {
				kind += ", Redis only"
			}
			if s.Value != "" {
				value = "`" + s.Value + "`"
			}
			if declined {
				kind, value, does = s.Kind+", **declined**", "not set", s.Does+". **Declined:** "+s.Declined
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", s.Task, s.Name, kind, value, does, s.Source)
		}
	}
	return b.String()
}
