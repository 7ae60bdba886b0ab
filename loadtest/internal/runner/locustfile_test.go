package runner_test

import (
	"encoding/json"
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/runner"
)

// TestLocustfileMatchesEngine keeps loadtest/locustfile.py and the Go scenario from drifting apart:
// same path, body, headers and think time.
func TestLocustfileMatchesEngine(t *testing.T) {
	src, err := os.ReadFile("../../locustfile.py")
	if err != nil {
		t.Fatal(err)
	}
	py := string(src)
	for _, want := range []string{
		`self.client.post("/v1/chat/completions",`,
		`"Authorization": f"Bearer {self.master_key}"`,
		`"Content-Type": "application/json"`,
		`os.environ.get("LITELLM_MASTER_KEY")`,
	} {
		if !strings.Contains(py, want) {
			t.Errorf("locustfile.py lacks %s", want)
		}
	}
	// The Python dict literal of the body is also JSON.
	m := regexp.MustCompile(`json=(\{.*\})\)`).FindStringSubmatch(py)
	if m == nil {
		t.Fatal("locustfile.py has no json= body")
	}
	var fromPy, fromGo any
	if err := json.Unmarshal([]byte(m[1]), &fromPy); err != nil {
		t.Fatalf("body %s: %v", m[1], err)
	}
	if err := json.Unmarshal(runner.RequestBody(runner.DefaultModel), &fromGo); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromPy, fromGo) {
		t.Errorf("locustfile body %v, engine body %v", fromPy, fromGo)
	}
	w := regexp.MustCompile(`wait_time = between\(([0-9.]+), ([0-9.]+)\)`).FindStringSubmatch(py)
	if w == nil || w[1] != "0.1" || w[2] != "0.5" || runner.DefaultWaitMin != 100*time.Millisecond || runner.DefaultWaitMax != 500*time.Millisecond {
		t.Errorf("locustfile wait %v, engine default %s-%s", w, runner.DefaultWaitMin, runner.DefaultWaitMax)
	}
}
