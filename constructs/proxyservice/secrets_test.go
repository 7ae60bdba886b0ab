package proxyservice_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/database"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/deploytime"
	"litellm-aws/internal/synthtest"
)

// secretSetups are the ways secrets come in: generated inside AWS, or brought as ephemeral variables.
var secretSetups = []struct {
	name  string
	setup setup
}{
	{"generated", setup{}},
	{"bring your own", setup{
		db:    func(s cdktf.TerraformStack, p *database.Props) { p.Password = ephemeralVar(s, "db_password") },
		proxy: func(s cdktf.TerraformStack, p *proxyservice.Props) { p.MasterKey = ephemeralVar(s, "master_key") },
	}},
	{"deploy-time versions", setup{
		db: func(s cdktf.TerraformStack, p *database.Props) {
			p.PasswordVersion = numberVar(s, "db_password_version")
		},
		proxy: func(s cdktf.TerraformStack, p *proxyservice.Props) {
			p.MasterKeyVersion = numberVar(s, "master_key_version")
		},
	}},
}

// visit calls key for every object key and leaf for every string in v, each with the path that leads to it.
func visit(v any, path []string, key func(path []string), leaf func(path []string, s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := append(slices.Clone(path), k)
			key(p)
			visit(e, p, key, leaf)
		}
	case []any:
		for i, e := range x {
			visit(e, append(slices.Clone(path), fmt.Sprint(i)), key, leaf)
		}
	case string:
		leaf(path, x)
	}
}

// secretRefs matches every expression that carries a secret value: an ephemeral resource, a local holding
// one, or an ephemeral variable.
func secretRefs(t *testing.T, doc *synthtest.Doc) (*regexp.Regexp, *regexp.Regexp) {
	t.Helper()
	var locals []string
	for name, v := range doc.RawLocals() {
		if s, ok := v.(string); ok && strings.Contains(s, "ephemeral.") {
			locals = append(locals, regexp.QuoteMeta(name))
		}
	}
	var vars []string
	for name, v := range doc.Block("variable") {
		if v["ephemeral"] == true {
			vars = append(vars, regexp.QuoteMeta(name))
		}
	}
	if len(locals) == 0 {
		t.Fatal("no local holds an ephemeral value: the secrets are not generated through ephemeral resources")
	}
	generated := `ephemeral\.|\blocal\.(` + strings.Join(locals, "|") + `)\b`
	given := `\bvar\.(` + strings.Join(vars, "|") + `)\b`
	if len(vars) == 0 {
		given = `$^` // matches nothing
	}
	return regexp.MustCompile(generated), regexp.MustCompile(given)
}

// TestSecretsOnlyThroughSecrets: containers get secrets as ECS secrets, by ARN; no secret value reaches their
// environment, command, entry point, labels or health check.
func TestSecretsOnlyThroughSecrets(t *testing.T) {
	secretType := *secretsmanagersecret.SecretsmanagerSecret_TfResourceType()
	for _, sc := range secretSetups {
		t.Run(sc.name, func(t *testing.T) {
			doc := sc.setup.build(t).doc
			arn := func(name string) string {
				n, _ := only(t, doc, secretType, map[string]any{"name": name})
				return ref(secretType, n, "arn")
			}
			want := map[string]map[string]string{
				proxyFamily:   {"LITELLM_MASTER_KEY": arn("litellm-test-master-key"), "LITELLM_SALT_KEY": arn("litellm-test-salt-key"), "DATABASE_URL": arn("t-database-url")},
				migrateFamily: {"DATABASE_URL": arn("t-database-url")},
			}
			generated, given := secretRefs(t, doc)
			for family, wantSecrets := range want {
				_, _, c := taskOf(t, doc, family)
				if got := c.secrets(); synthtest.JSON(got) != synthtest.JSON(wantSecrets) {
					t.Errorf("%s secrets = %v, want %v", family, got, wantSecrets)
				}
				for _, e := range c.Environment {
					for _, bad := range []string{"MASTER_KEY", "SALT", "API_KEY", "PASSWORD", "SECRET", "TOKEN", "DATABASE_URL"} {
						if strings.Contains(e.Name, bad) {
							t.Errorf("%s environment holds %s", family, e.Name)
						}
					}
				}
				plain := map[string]any{"environment": c.Environment, "command": c.Command, "entryPoint": c.EntryPoint,
					"dockerLabels": c.DockerLabels, "healthCheck": c.HealthCheck}
				for part, v := range plain {
					s := synthtest.JSON(v)
					if generated.MatchString(s) || given.MatchString(s) || strings.Contains(s, "postgresql://") {
						t.Errorf("%s %s carries a secret: %s", family, part, s)
					}
				}
			}
		})
	}
}

// TestNoPlainSecretAttributes: no attribute Terraform would keep in its state holds a secret; the secret
// versions and the database take them only through write-only arguments.
func TestNoPlainSecretAttributes(t *testing.T) {
	for _, sc := range secretSetups {
		t.Run(sc.name, func(t *testing.T) {
			doc := sc.setup.build(t).doc
			visit(doc.Raw(), nil, func(path []string) {
				switch path[len(path)-1] {
				case "secret_string", "secret_binary", "password", "master_password":
					t.Errorf("plain secret attribute %s", strings.Join(path, "."))
				}
			}, func([]string, string) {})
			versions := doc.Resources(*secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType())
			if len(versions) != 3 {
				t.Errorf("%d secret versions, want 3 (master key, salt key, database URL): %v", len(versions), keys(versions))
			}
			for name, v := range versions {
				if s, _ := v["secret_string_wo"].(string); s == "" || v["secret_string_wo_version"] == nil {
					t.Errorf("%s: secret_string_wo %q, version %v: want both", name, v["secret_string_wo"], v["secret_string_wo_version"])
				}
			}
		})
	}
}

// TestEphemeralValuesStayEphemeral: every reference to a generated or given secret is in a local, a write-only
// argument, or (for a given one) the precondition that checks it; anywhere else Terraform would refuse it, or
// store it.
func TestEphemeralValuesStayEphemeral(t *testing.T) {
	for _, sc := range secretSetups {
		t.Run(sc.name, func(t *testing.T) {
			doc := sc.setup.build(t).doc
			generated, given := secretRefs(t, doc)
			writeOnly := 0
			visit(doc.Raw(), nil, func([]string) {}, func(path []string, s string) {
				isGenerated, isGiven := generated.MatchString(s), given.MatchString(s)
				if !isGenerated && !isGiven {
					return
				}
				where := strings.Join(path, ".")
				last := path[len(path)-1]
				switch {
				case path[0] == "locals":
				case path[0] == "resource" && (last == "secret_string_wo" || last == "password_wo"):
					writeOnly++
				case path[0] == "resource" && slices.Contains(path, "precondition") && last == "condition" && !isGenerated:
				default:
					t.Errorf("a secret is referenced at %s: %s", where, s)
				}
			})
			if writeOnly != 4 { // master key, salt key, database URL, database password
				t.Errorf("secrets reach %d write-only arguments, want 4", writeOnly)
			}
		})
	}
}

// TestGeneratedSecrets: with nothing brought in, Secrets Manager generates the master key, the salt key and the
// database password, in forms LiteLLM and RDS accept, and nothing checks a key that was not given.
func TestGeneratedSecrets(t *testing.T) {
	doc := build(t, nil).doc
	eph, _ := doc.Raw()["ephemeral"].(map[string]any)
	passwords, _ := eph["aws_secretsmanager_random_password"].(map[string]any)
	want := map[string]float64{"litellm_test_master_key": 48, "litellm_test_salt_key": 64, "t_db_password": 40}
	if got := keys(passwords); !slices.Equal(got, keys(want)) {
		t.Fatalf("generated passwords = %v, want %v", got, keys(want))
	}
	for name, length := range want {
		p := passwords[name].(map[string]any)
		if p["password_length"] != length || p["exclude_punctuation"] != true || p["include_space"] != false {
			t.Errorf("%s = %v, want %v letters and digits", name, p, length)
		}
	}
	// Letters and digits of those lengths satisfy LiteLLM's and RDS's rules.
	if alnum := strings.Repeat("aZ9", 16); !regexp.MustCompile(proxyservice.MasterKeyPattern).MatchString("sk-" + alnum[:48]) {
		t.Errorf("a generated master key would not match %s", proxyservice.MasterKeyPattern)
	}
	if alnum := strings.Repeat("aZ9", 14); !regexp.MustCompile(database.PasswordPattern).MatchString(alnum[:40]) {
		t.Errorf("a generated database password would not match %s", database.PasswordPattern)
	}

	local := func(ephemeralName string) string {
		for name, v := range doc.RawLocals() {
			if v == "${ephemeral.aws_secretsmanager_random_password."+ephemeralName+".random_password}" {
				return name
			}
		}
		t.Fatalf("no local holds %s", ephemeralName)
		return ""
	}
	master := secretVersion(t, doc, "litellm-test-master-key")
	if want := "sk-${local." + local("litellm_test_master_key") + "}"; master["secret_string_wo"] != want {
		t.Errorf("master key = %v, want %s", master["secret_string_wo"], want)
	}
	if master["lifecycle"] != nil {
		t.Errorf("a generated master key is checked: %v", master["lifecycle"])
	}
	salt := secretVersion(t, doc, "litellm-test-salt-key")
	if want := "${local." + local("litellm_test_salt_key") + "}"; salt["secret_string_wo"] != want {
		t.Errorf("salt key = %v, want %s", salt["secret_string_wo"], want)
	}
}

// secretVersion returns the version of the secret with the given name.
func secretVersion(t *testing.T, doc *synthtest.Doc, secretName string) map[string]any {
	t.Helper()
	secretType := *secretsmanagersecret.SecretsmanagerSecret_TfResourceType()
	name, _ := only(t, doc, secretType, map[string]any{"name": secretName})
	_, v := only(t, doc, *secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType(), map[string]any{"secret_id": ref(secretType, name, "id")})
	return v
}

// TestBringYourOwnMasterKey: a given key wins, null falls back to the generated one, and plan checks a given key.
func TestBringYourOwnMasterKey(t *testing.T) {
	doc := build(t, func(s cdktf.TerraformStack, p *proxyservice.Props) { p.MasterKey = ephemeralVar(s, "master_key") }).doc
	var generated string
	for name, v := range doc.RawLocals() {
		if v == "${ephemeral.aws_secretsmanager_random_password.litellm_test_master_key.random_password}" {
			generated = name
		}
	}
	master := secretVersion(t, doc, "litellm-test-master-key")
	if want := `${coalesce(var.master_key, "sk-${local.` + generated + `}")}`; master["secret_string_wo"] != want {
		t.Errorf("master key = %v, want %s", master["secret_string_wo"], want)
	}
	want := []any{map[string]any{
		"condition": fmt.Sprintf(`${(var.master_key != null) ? can(regex("%s", var.master_key)) : true}`, proxyservice.MasterKeyPattern),
		"error_message": `master_key (not shown, it is sensitive) is not a LiteLLM master key: allowed "sk-" followed by at least 16 printable ASCII characters, no spaces, ` +
			"or leave it unset to have one generated.",
	}}
	if got := master["lifecycle"].(map[string]any)["precondition"]; synthtest.JSON(got) != synthtest.JSON(want) {
		t.Errorf("precondition = %s\nwant %s", synthtest.JSON(got), synthtest.JSON(want))
	}
	// The salt key is never brought in and never checked.
	if salt := secretVersion(t, doc, "litellm-test-salt-key"); salt["lifecycle"] != nil || strings.Contains(synthtest.JSON(salt), "var.master_key") {
		t.Errorf("salt key = %v", salt)
	}
}

// TestSecretVersions: the master key is written again with each MasterKeyVersion; the salt key never is.
func TestSecretVersions(t *testing.T) {
	cases := []struct {
		name    string
		modify  func(cdktf.TerraformStack, *proxyservice.Props)
		wantKey any
	}{
		{"default", nil, float64(1)},
		{"rotated", func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.MasterKeyVersion = 7 }, float64(7)},
		{"deploy-time", func(s cdktf.TerraformStack, p *proxyservice.Props) {
			p.MasterKeyVersion = numberVar(s, "master_key_version")
		}, "${var.master_key_version}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, tc.modify).doc
			if got := secretVersion(t, doc, "litellm-test-master-key")["secret_string_wo_version"]; got != tc.wantKey {
				t.Errorf("master key version = %v, want %v", got, tc.wantKey)
			}
			if got := secretVersion(t, doc, "litellm-test-salt-key")["secret_string_wo_version"]; got != float64(1) {
				t.Errorf("salt key version = %v, want 1 whatever the master key's", got)
			}
		})
	}
}

// TestSaltKeyRecoveryWindow: while the stack is protected, a deleted salt key stays restorable for 30 days (the
// database's final snapshot is unreadable without it); the master key is deleted at once either way.
func TestSaltKeyRecoveryWindow(t *testing.T) {
	cases := []struct {
		name       string
		protection func(cdktf.TerraformStack) deploytime.Bool
		want       any
	}{
		{"default: protected", func(cdktf.TerraformStack) deploytime.Bool { return deploytime.Bool{} }, float64(30)},
		{"protected", func(cdktf.TerraformStack) deploytime.Bool { return deploytime.True() }, float64(30)},
		{"unprotected", func(cdktf.TerraformStack) deploytime.Bool { return deploytime.False() }, float64(0)},
		{"deploy-time switch", func(s cdktf.TerraformStack) deploytime.Bool {
			return deploytime.BoolExpr(cdktf.NewTerraformVariable(s, jsii.String("deletion_protection"), &cdktf.TerraformVariableConfig{Type: jsii.String("bool")}).BooleanValue())
		}, "${var.deletion_protection ? 30 : 0}"},
	}
	secretType := *secretsmanagersecret.SecretsmanagerSecret_TfResourceType()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, func(s cdktf.TerraformStack, p *proxyservice.Props) { p.DeletionProtection = tc.protection(s) }).doc
			if _, salt := only(t, doc, secretType, map[string]any{"name": "litellm-test-salt-key"}); salt["recovery_window_in_days"] != tc.want {
				t.Errorf("salt key recovery window = %v, want %v", salt["recovery_window_in_days"], tc.want)
			}
			if _, master := only(t, doc, secretType, map[string]any{"name": "litellm-test-master-key"}); master["recovery_window_in_days"] != float64(0) {
				t.Errorf("master key recovery window = %v, want 0", master["recovery_window_in_days"])
			}
		})
	}
}
