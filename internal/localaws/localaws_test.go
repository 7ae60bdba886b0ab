package localaws_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"litellm-aws/internal/localaws"
)

func TestCheck(t *testing.T) {
	cases := []struct{ name, endpoint, want string }{
		{"loopback", "http://127.0.0.1:4566", ""},
		{"another loopback address", "http://127.0.0.2:4566/", ""},
		{"localhost", "http://localhost:4566", ""},
		{"IPv6 loopback", "http://[::1]:4566", ""},
		{"off this machine", "http://10.0.0.5:4566", `LITELLM_AWS_ENDPOINT="http://10.0.0.5:4566" is not on this machine: allowed loopback addresses only`},
		{"named like localhost", "http://localhost.attacker.example:4566", "is not on this machine"},
		{"AWS", "https://ecs.us-east-1.amazonaws.com", "is not on this machine"},
		{"not a URL", "127.0.0.1:4566", `LITELLM_AWS_ENDPOINT="127.0.0.1:4566" is not a URL: allowed http://127.0.0.1:PORT`},
		{"with a path", "http://127.0.0.1:4566/api", "is not a URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := localaws.Check(tc.endpoint)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Check(%q) = %v, want %q", tc.endpoint, err, tc.want)
			}
		})
	}
}

// TestWriteOverrides: one override per stack folder, with that stack's own state file, and nothing written for an
// endpoint off this machine.
func TestWriteOverrides(t *testing.T) {
	out := t.TempDir()
	for _, s := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(out, "stacks", s), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := localaws.WriteOverrides(out, "http://10.1.1.1:1"); err == nil {
		t.Fatal("an endpoint off this machine was accepted")
	}
	if _, err := os.Stat(filepath.Join(out, "stacks", "a", localaws.OverrideFile)); !os.IsNotExist(err) {
		t.Fatalf("an override was written for a refused endpoint: %v", err)
	}
	if err := localaws.WriteOverrides(out, "http://127.0.0.1:9"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"a", "b"} {
		b, err := os.ReadFile(filepath.Join(out, "stacks", s, localaws.OverrideFile))
		if err != nil {
			t.Fatal(err)
		}
		var o struct {
			Provider struct {
				AWS []struct {
					Endpoints []map[string]string `json:"endpoints"`
				} `json:"aws"`
			} `json:"provider"`
			Terraform struct {
				Backend struct {
					Local struct{ Path string } `json:"local"`
				} `json:"backend"`
			} `json:"terraform"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatal(err)
		}
		if o.Terraform.Backend.Local.Path != "../../../terraform."+s+".emulator.tfstate" {
			t.Errorf("%s: state at %q", s, o.Terraform.Backend.Local.Path)
		}
		eps := o.Provider.AWS[0].Endpoints[0]
		for _, k := range localaws.EndpointKeys() {
			if eps[k] != "http://127.0.0.1:9" {
				t.Errorf("%s: endpoint %s = %q", s, k, eps[k])
			}
		}
	}
}
