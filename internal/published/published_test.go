package published_test

import (
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"strings"
	"testing"
	"time"

	"litellm-aws/internal/published"
)

const ms = time.Millisecond

func TestFor(t *testing.T) {
	cases := []struct {
		name      string
		instances int
		rps       float64
		derived   bool
		p50       time.Duration
		overhead  time.Duration
		source    string
	}{
		{"two instances, published", 2, 1035.7, false, 200 * ms, 12 * ms, "published"},
		{"four instances, published", 4, 1170, false, 100 * ms, 2 * ms, "published"},
		{"eight instances, twice the four-instance rate", 8, 2340, true, 100 * ms, 2 * ms, "292.5 RPS per instance x 8"},
		{"six instances, scaled from four", 6, 1755, true, 100 * ms, 2 * ms, "x 6 from the 4-instance run"},
		{"one instance keeps the two-instance latencies", 1, 292.5, true, 200 * ms, 12 * ms, "latencies of the 2-instance run"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := published.For(c.instances)
			if f.Instances != c.instances || f.RPS != c.rps || f.Derived != c.derived || f.P50 != c.p50 || f.OverheadP50 != c.overhead {
				t.Errorf("For(%d) = %+v, want RPS %g, derived %v, p50 %s, overhead p50 %s", c.instances, f, c.rps, c.derived, c.p50, c.overhead)
			}
			if !strings.Contains(f.Source, c.source) {
				t.Errorf("For(%d).Source = %q, want it to contain %q", c.instances, f.Source, c.source)
			}
			if _, ok := published.Run(c.instances); ok == c.derived {
				t.Errorf("Run(%d) found = %v, want %v", c.instances, ok, !c.derived)
			}
		})
	}
}
