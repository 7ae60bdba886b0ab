package stacks_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"litellm-aws/internal/synthtest"
	"litellm-aws/stacks"
)

// TestTeardownGuard: in every profile, the guard depends on every other resource (so a destroy deletes it
// first), takes the deletion protection switch as its input, and fails its destroy while the switch is on.
func TestTeardownGuard(t *testing.T) {
	for _, p := range stacks.All() {
		t.Run(p.StackName, func(t *testing.T) {
			doc := synth(t, p)
			guards := doc.Resources("terraform_data")
			guard, ok := guards[stacks.GuardID]
			if !ok {
				t.Fatalf("no terraform_data %q: %v", stacks.GuardID, synthtest.Names(guards))
			}
			if guard["input"] != "${var.deletion_protection}" {
				t.Errorf("guard input = %v, want ${var.deletion_protection}", guard["input"])
			}
			deps := map[string]bool{}
			for _, d := range guard["depends_on"].([]any) {
				deps[d.(string)] = true
			}
			for _, addr := range allResources(doc.Raw()) {
				if addr != "terraform_data."+stacks.GuardID && !deps[addr] {
					t.Errorf("the guard does not depend on %s: a destroy could delete it before the guard refuses", addr)
				}
			}
			prov := guard["provisioner"].([]any)[0].(map[string]any)["local-exec"].(map[string]any)
			env := prov["environment"].(map[string]any)
			if prov["when"] != "destroy" || prov["command"] != stacks.GuardScript || env["PROTECTED"] != "${self.input}" || env["STACK"] != p.StackName {
				t.Errorf("guard provisioner = %v", prov)
			}
		})
	}
}

// TestTeardownKeepsWhatTheSnapshotNeeds: the teardown_keeps comment lists the salt key's secret and version and the KMS key
// and alias, each a resource of the stack, and none of them refers (through locals too) to a resource that is
// not kept: a targeted destroy of everything else would otherwise destroy it as a dependent.
func TestTeardownKeepsWhatTheSnapshotNeeds(t *testing.T) {
	for _, p := range stacks.All() {
		t.Run(p.StackName, func(t *testing.T) {
			// A real synthesis (cdktf.Testing_Synth leaves the "//" comment out): the presynthesized stack.
			b, err := os.ReadFile(filepath.Join(presynthesized, plainStacks, "stacks", p.StackName, "cdk.tf.json"))
			if err != nil {
				t.Fatal(err)
			}
			var raw map[string]any
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, k := range raw["//"].(map[string]any)[stacks.TeardownKeepsKey].([]any) {
				kept = append(kept, k.(string))
			}
			var kinds []string
			for _, k := range kept {
				kinds = append(kinds, strings.Split(k, ".")[0])
			}
			want := []string{"aws_kms_alias", "aws_kms_key", "aws_secretsmanager_secret", "aws_secretsmanager_secret_version"}
			if !slices.Equal(kinds, want) {
				t.Fatalf("teardown_keeps = %v, want one each of %v", kept, want)
			}
			all := allResources(raw)
			for _, k := range kept {
				if !slices.Contains(all, k) {
					t.Errorf("teardown_keeps names %s, which the stack does not have", k)
				}
				if strings.HasPrefix(k, "aws_secretsmanager_secret.") {
					body := resourceBody(raw, k)
					if body["name"] != p.StackName+"-salt-key" {
						t.Errorf("the kept secret is %v, want %s-salt-key", body["name"], p.StackName)
					}
				}
				for _, ref := range references(raw, resourceBody(raw, k), map[string]bool{}) {
					if !slices.Contains(kept, ref) {
						t.Errorf("%s refers to %s, which a teardown destroys", k, ref)
					}
				}
			}
		})
	}
}

// A reference to a resource, a data source or ephemeral resource (read, never destroyed), or a local.
var refRE = regexp.MustCompile(`\b(data\.|ephemeral\.)?(aws_[a-z0-9_]+|terraform_data)\.([A-Za-z0-9_-]+)|\blocal\.([A-Za-z0-9_-]+)`)

// references are the resources a value refers to, following locals.
func references(raw map[string]any, v any, seenLocals map[string]bool) []string {
	var out []string
	for _, m := range refRE.FindAllStringSubmatch(synthtest.JSON(v), -1) {
		switch {
		case m[4] != "":
			if !seenLocals[m[4]] {
				seenLocals[m[4]] = true
				out = append(out, references(raw, raw["locals"].(map[string]any)[m[4]], seenLocals)...)
			}
		case m[1] == "":
			out = append(out, m[2]+"."+m[3])
		}
	}
	return out
}

func allResources(raw map[string]any) []string {
	var out []string
	for typ, rs := range raw["resource"].(map[string]any) {
		for name := range rs.(map[string]any) {
			out = append(out, typ+"."+name)
		}
	}
	slices.Sort(out)
	return out
}

func resourceBody(raw map[string]any, addr string) map[string]any {
	typ, name, _ := strings.Cut(addr, ".")
	return raw["resource"].(map[string]any)[typ].(map[string]any)[name].(map[string]any)
}
