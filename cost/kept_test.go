package cost_test

import (
	"strings"
	"testing"

	"litellm-aws/cost"
)

func TestWriteKept(t *testing.T) {
	cases := []struct {
		name  string
		kept  cost.KeptFlags
		total float64
		lines []string
	}{
		{"own key", cost.KeptFlags{Snapshot: "s-litellm-db-final-20261205-101010", SaltSecret: "s-salt-key", KeyAlias: "alias/s", AllocatedGB: 100},
			100*0.095 + 0.40 + 1.00, []string{"s-litellm-db-final-20261205-101010", "s-salt-key", "alias/s", "$9.50", "$0.40", "$1.00", "$10.90"}},
		{"key brought in", cost.KeptFlags{Snapshot: "s-final", SaltSecret: "s-salt-key", AllocatedGB: 20},
			20*0.095 + 0.40, []string{"s-final", "$1.90", "$2.30"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			total := cost.WriteKept(&b, tc.kept)
			if diff := total - tc.total; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("total = %v, want %v", total, tc.total)
			}
			for _, l := range tc.lines {
				if !strings.Contains(b.String(), l) {
					t.Errorf("output lacks %q:\n%s", l, b.String())
				}
			}
			if tc.kept.KeyAlias == "" && strings.Contains(b.String(), "KMS key") {
				t.Errorf("a key brought in is not the stack's to keep:\n%s", b.String())
			}
		})
	}
}
