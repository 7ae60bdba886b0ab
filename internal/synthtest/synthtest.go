// Package synthtest synthesizes constructs in tests and reads the Terraform JSON they produce, so that
// tests assert on what Terraform will see rather than on Go values.
package synthtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/testflags"
)

// Update rewrites golden files instead of comparing with them: go test ./... -update
var Update = testflags.Update

func init() {
	// jsii prints a Node.js end-of-life banner on every start; it would bury test output.
	os.Setenv("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
	os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20") // a list of Node.js major versions
}

// NewStack returns an empty stack with an AWS provider in a testing app.
func NewStack() cdktf.TerraformStack {
	app := cdktf.Testing_App(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("test"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("us-east-1")})
	return stack
}

// Doc is one synthesized stack.
type Doc struct {
	JSON string
	m    map[string]any
}

// Synth synthesizes the stack and parses it.
func Synth(t testing.TB, stack constructs.Construct) *Doc {
	t.Helper()
	return Parse(t, *cdktf.Testing_Synth(stack.(cdktf.TerraformStack), jsii.Bool(false)))
}

// Parse reads synthesized Terraform JSON.
func Parse(t testing.TB, raw string) *Doc {
	t.Helper()
	d := &Doc{JSON: raw}
	if err := json.Unmarshal([]byte(raw), &d.m); err != nil {
		t.Fatalf("synthesized JSON does not parse: %v", err)
	}
	return d
}

// Block returns a top-level block such as "variable", "output" or "locals" as name -> body.
func (d *Doc) Block(kind string) map[string]map[string]any {
	out := map[string]map[string]any{}
	if b, ok := d.m[kind].(map[string]any); ok {
		for k, v := range b {
			out[k], _ = v.(map[string]any)
		}
	}
	return out
}

// Resources returns every resource of a type, by logical name.
func (d *Doc) Resources(tfType string) map[string]map[string]any {
	out := map[string]map[string]any{}
	if r, ok := d.m["resource"].(map[string]any)[tfType].(map[string]any); ok {
		for k, v := range r {
			out[k], _ = v.(map[string]any)
		}
	}
	return out
}

// One returns the only resource of a type and fails the test when there is not exactly one.
func (d *Doc) One(t testing.TB, tfType string) map[string]any {
	t.Helper()
	rs := d.Resources(tfType)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, found %d: %v", tfType, len(rs), Names(rs))
	}
	for _, r := range rs {
		return r
	}
	return nil
}

// Where returns the resources of a type whose attributes include every key/value given.
func (d *Doc) Where(tfType string, attrs map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, r := range d.Resources(tfType) {
		match := true
		for k, want := range attrs {
			if got, _ := json.Marshal(r[k]); string(got) != mustJSON(want) {
				match = false
				break
			}
		}
		if match {
			out[name] = r
		}
	}
	return out
}

// Types lists the resource types in the document, sorted.
func (d *Doc) Types() []string {
	var out []string
	for k := range d.m["resource"].(map[string]any) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Names lists the keys of a map, sorted, for failure messages.
func Names[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ContainerDefinitions decodes a task definition's container_definitions JSON string.
func ContainerDefinitions(t testing.TB, taskDef map[string]any) []map[string]any {
	t.Helper()
	var defs []map[string]any
	s, _ := taskDef["container_definitions"].(string)
	if err := json.Unmarshal([]byte(s), &defs); err != nil {
		t.Fatalf("container_definitions is not JSON: %v\n%s", err, s)
	}
	return defs
}

// Golden compares got with testdata/<name>, or rewrites it under -update.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing: %v (run go test ./... -update and read the diff)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the synthesized stack: run go test ./... -update and read git diff before committing; "+
			"a changed construct id replaces the resource on the next apply", path)
	}
}

func mustJSON(v any) string {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep >= and & readable in failure messages and substring checks
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// RawLocals returns the locals block, whose values need not be objects.
func (d *Doc) RawLocals() map[string]any {
	l, _ := d.m["locals"].(map[string]any)
	return l
}

// JSON renders any value compactly, for substring checks and failure messages.
func JSON(v any) string { return mustJSON(v) }

// Raw is the whole parsed document.
func (d *Doc) Raw() map[string]any { return d.m }

// Main runs a package's tests and then stops the jsii runtime, as every TestMain here must.
func Main(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// SecretVar declares a sensitive string variable and returns its token: what the stacks pass for a secret.
func SecretVar(stack cdktf.TerraformStack, name string) string {
	return *cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{
		Type: jsii.String("string"), Sensitive: jsii.Bool(true),
	}).StringValue()
}
