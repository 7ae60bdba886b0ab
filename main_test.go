package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/synthtest"
	"litellm-aws/stacks"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// TestAppWritesEveryStack runs what `cdktf synth` runs and checks the files it leaves.
func TestAppWritesEveryStack(t *testing.T) {
	out := t.TempDir()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(out)})
	if err := build(app, stacks.All()); err != nil {
		t.Fatal(err)
	}
	app.Synth()
	for _, name := range []string{"litellm-benchmark", "litellm-two-instance", "litellm-eight-instance"} {
		raw, err := os.ReadFile(filepath.Join(out, "stacks", name, "cdk.tf.json"))
		if err != nil {
			t.Fatalf("stack %s was not written: %v", name, err)
		}
		var doc struct {
			Terraform struct {
				Backend map[string]struct{ Path string } `json:"backend"`
			} `json:"terraform"`
			Resource map[string]map[string]any `json:"resource"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(doc.Resource["aws_ecs_service"]) != 1 || len(doc.Resource["aws_db_instance"]) != 1 || len(doc.Resource["aws_lb"]) != 1 {
			t.Errorf("%s lacks its service, database or load balancer", name)
		}
		// State lives at the project root whatever the checkout's path, as cdktf's default does.
		if got := doc.Terraform.Backend["local"].Path; got != "../../../terraform."+name+".tfstate" {
			t.Errorf("%s state path = %q", name, got)
		}
	}
	manifest, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil || !strings.Contains(string(manifest), "litellm-eight-instance") {
		t.Errorf("manifest: %v", err)
	}
}

func TestBuildReportsEveryBadProfile(t *testing.T) {
	a, b := stacks.Benchmark(), stacks.TwoInstance()
	a.DesiredTaskCount = 0
	b.TaskCPU = 3
	err := build(cdktf.Testing_App(nil), []stacks.Profile{a, b})
	if err == nil || !strings.Contains(err.Error(), `profile "litellm-benchmark"`) || !strings.Contains(err.Error(), `profile "litellm-two-instance"`) {
		t.Fatalf("build = %v, want problems of both profiles", err)
	}
}

// TestREADMEDocumentsEverySetting: every LITELLM_* setting the app reads, and every deploy-time variable,
// is in the README's tables.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stacks.EnvSettings() {
		if !strings.Contains(string(readme), "`"+s[0]) {
			t.Errorf("README.md does not document %s (%s)", s[0], s[1])
		}
	}
	p := stacks.Benchmark()
	p.Autoscaling, p.Redis = true, true
	stack, err := stacks.New(cdktf.Testing_App(nil), p)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Variable map[string]any }
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(stack, nil)), &doc); err != nil {
		t.Fatal(err)
	}
	for name := range doc.Variable {
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("README.md does not document the variable %s", name)
		}
	}
}

func TestEmulatorEndpoint(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string // "" for no error
	}{
		{"AWS", nil, ""},
		{"loopback", map[string]string{"LITELLM_AWS_ENDPOINT": "http://127.0.0.1:4566"}, ""},
		{"off this machine", map[string]string{"LITELLM_AWS_ENDPOINT": "http://10.0.0.5:4566"}, `LITELLM_AWS_ENDPOINT="http://10.0.0.5:4566" is not on this machine`},
		{"with remote state", map[string]string{"LITELLM_AWS_ENDPOINT": "http://127.0.0.1:4566", "LITELLM_STATE_BUCKET": "my-state"},
			"LITELLM_AWS_ENDPOINT with LITELLM_STATE_BUCKET: allowed one or the other"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := emulatorEndpoint(func(k string) string { return tc.env[k] })
			if tc.want == "" && (err != nil || got != tc.env["LITELLM_AWS_ENDPOINT"]) || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("emulatorEndpoint = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestREADMEShowsTheLayout: every top-level folder and every internal package is in the README's layout list.
func TestREADMEShowsTheLayout(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(readme), "- Layout (")
	if !ok {
		t.Fatal("README.md has no Layout list")
	}
	layout, _, _ = strings.Cut(layout, "\n- Golden files")
	var want []string
	for _, dir := range []string{".", "internal"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "cdktf.") || e.Name() == "internal" {
				continue
			}
			if dir == "." {
				want = append(want, "`"+e.Name()+"/")
			} else {
				want = append(want, "`"+e.Name()+"`")
			}
		}
	}
	for _, w := range want {
		if !strings.Contains(layout, w) {
			t.Errorf("the README's layout does not name %s", w)
		}
	}
}
