package security

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/synthtest"
	"litellm-aws/stacks"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// TestStacksPassTheGate synthesizes the three stacks as users get them and runs KICS, tflint and conftest
// over them: no HIGH or CRITICAL finding but the exact ones accepted, no MEDIUM finding unlisted, and no
// entry in the accepted file that matches nothing.
func TestStacksPassTheGate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdktf.out")
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(out)})
	for _, p := range stacks.All() {
		if _, err := stacks.New(app, p); err != nil {
			t.Fatal(err)
		}
	}
	app.Synth()

	report, code := help(t, "scan", "--reports", t.TempDir(), filepath.Join(out, "stacks"))
	if code != 0 {
		t.Fatalf("./help scan exited %d:\n%s", code, report)
	}
	summary := regexp.MustCompile(`security gate PASSED: 0 failing, (\d+) accepted, \d+ low/info passed, 0 stale entries`)
	if !summary.MatchString(report) {
		t.Fatalf("the gate's summary is not a clean pass:\n%s", report)
	}
}
