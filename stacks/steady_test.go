package stacks_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"litellm-aws/internal/emulator"
	"litellm-aws/internal/tftest"
)

// TestServiceNeverSteady: a deploy whose service never becomes steady (its tasks cannot start) fails, naming the
// service, the circuit breaker's verdict and the stopped tasks' reason; once the tasks start, the next apply
// succeeds. A throwaway stack: deployed without deletion protection and destroyed at the end.
func TestServiceNeverSteady(t *testing.T) {
	t.Parallel()
	srv := emulator.Start(t)
	tf := pointAt(tftest.Setup(t), srv)
	const stack = "litellm-two-instance"
	d := filepath.Join(emulated(t, srv, plainStacks), stack)
	vars := []string{"-var", "deletion_protection=false"}
	apply := append([]string{"apply", "-input=false", "-auto-approve"}, vars...)

	family := stack + "-litellm" // the service's tasks; the migration's family (-migrate) still exits 0
	const pull = "CannotPullContainerError: pull image manifest has been retried 7 time(s): manifest unknown"
	if err := srv.SetTaskOutcome(family, nil, pull); err != nil {
		t.Fatal(err)
	}
	tf.Must(t, d, 5*time.Minute, "init", "-input=false")
	r := tf.Run(t, d, 20*time.Minute, apply...)
	if r.Code == 0 {
		t.Fatalf("the apply succeeded although the service's tasks never started:\n%s", tailOf(r.Output))
	}
	t.Logf("the failed apply says:\n%s", tailOf(r.Output))
	flat := strings.Join(strings.Fields(r.Output), " ")
	for _, w := range []string{
		"the service " + stack + "-litellm-service in cluster " + stack + "-LiteLLM-Cluster did not become steady",
		"failed: ECS deployment circuit breaker: tasks failed to start.",
		pull + " (exit code none, it never ran)",
		"aws logs tail /ecs/" + stack + "-litellm --log-stream-name-prefix litellm/litellm",
	} {
		if !strings.Contains(flat, w) {
			t.Errorf("the failed apply does not say %q:\n%s", w, tailOf(r.Output))
		}
	}

	if err := srv.ResetTaskOutcome(family); err != nil {
		t.Fatal(err)
	}
	out := tf.Must(t, d, 20*time.Minute, apply...)
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "Service "+stack+"-litellm-service is steady: 2 of 2 tasks running") {
		t.Errorf("the apply after the tasks start does not report a steady service:\n%s", out)
	}
	replanEmpty(t, tf, d, vars)
	tf.Must(t, d, 20*time.Minute, append([]string{"destroy", "-input=false", "-auto-approve"}, vars...)...)
	if left := footprintOf(t, srv, stack); left != (footprint{}) {
		t.Errorf("in the emulator after destroy: %+v, want nothing", left)
	}
}
