package cache_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/elasticachereplicationgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/elasticachesubnetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/network"
	"litellm-aws/internal/sgrule"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

func tokenVar(stack cdktf.TerraformStack) string {
	return synthtest.SecretVar(stack, "redis_auth_token")
}

func TestValidateRejects(t *testing.T) {
	const literal = "Recognizable-Redis-Token-0001"
	token := tokenVar(synthtest.NewStack())
	cases := []struct {
		name   string
		modify func(*cache.Props)
		want   string
	}{
		{"literal token", func(p *cache.Props) { p.AuthToken = literal }, "AuthToken (not shown) is a literal string"},
		{"node type", func(p *cache.Props) { p.NodeType = "cache.x9.huge" }, `NodeType = "cache.x9.huge" is not an ElastiCache node type this project knows: allowed cache.t4g.micro`},
		{"nodes", func(p *cache.Props) { p.Nodes = 7 }, "Nodes 7 is out of range: allowed 1-6"},
		{"version", func(p *cache.Props) { p.EngineVersion = "5" }, `EngineVersion "5" is not a Redis 6 or 7 version`},
		{"snapshots", func(p *cache.Props) { p.SnapshotRetentionDays = 40 }, "SnapshotRetentionDays 40 is out of range: allowed 0-35"},
		{"name", func(p *cache.Props) { p.Name = strings.Repeat("r", 35) }, "is 35 characters long: allowed at most 34"},
		{"token key", func(p *cache.Props) { p.TokenKMSKeyArn = "alias/aws/secretsmanager" }, `TokenKMSKeyArn "alias/aws/secretsmanager" is not a KMS key ARN`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := cache.Props{Name: "litellm-test", AuthToken: token}.WithDefaults()
			tc.modify(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), literal) {
				t.Fatalf("the error shows the token: %v", err)
			}
		})
	}
	if err := (cache.Props{Name: "litellm-test"}).WithDefaults().Validate(); err != nil {
		t.Errorf("Validate() with no token (generated) = %v, want nil", err)
	}
}

// TestAuthToken: with no token the construct generates one in Terraform, once (ignore_changes), sensitive,
// with no provider but Terraform's own; a given one is used when it is not empty, the generated one otherwise.
// Either way the synthesized JSON holds an expression, never a token.
func TestAuthToken(t *testing.T) {
	const generated = "${terraform_data.redis_auth-token-generated_CC10B910.output}"
	cases := []struct {
		name      string
		given     bool
		wantToken string
	}{
		{"none given: generated", false, generated},
		{"given: used unless empty", true, "${coalesce(var.redis_auth_token, terraform_data.redis_auth-token-generated_CC10B910.output)}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
			props := cache.Props{Network: net, Name: "litellm-test"}
			if tc.given {
				props.AuthToken = tokenVar(stack)
			}
			cache.New(stack, "redis", props)
			doc := synthtest.Synth(t, stack)

			// The generator exists either way, so dropping a given token (or giving one) replaces nothing.
			gen := doc.One(t, "terraform_data")
			if in := gen["input"]; in != `${sensitive(replace(join("", [uuid(), uuid()]), "-", ""))}` {
				t.Errorf("generator input = %v, want two uuid()s without hyphens, sensitive", in)
			}
			if ign := synthtest.JSON(gen["lifecycle"]); ign != `{"ignore_changes":["input"]}` {
				t.Errorf("generator lifecycle = %s, want ignore_changes on input: generated once", ign)
			}
			rg := doc.One(t, *elasticachereplicationgroup.ElasticacheReplicationGroup_TfResourceType())
			version := doc.One(t, *secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType())
			if rg["auth_token"] != tc.wantToken || version["secret_string"] != tc.wantToken {
				t.Errorf("auth_token = %v, secret_string = %v; want both %s", rg["auth_token"], version["secret_string"], tc.wantToken)
			}
			pre := synthtest.JSON(rg["lifecycle"])
			if tc.given != strings.Contains(pre, `(\"\" == var.redis_auth_token) || can(regex(`) {
				t.Errorf("precondition (a given token meets the rule, empty passes) = %s", pre)
			}
			if tc.given && !strings.Contains(pre, "not shown, it is sensitive") {
				t.Errorf("the precondition's message may show the token: %s", pre)
			}
			if regexp.MustCompile(`[0-9a-f]{32}`).MatchString(doc.JSON) {
				t.Errorf("the synthesized JSON holds something like a literal token:\n%s", doc.JSON)
			}
			if p := doc.Raw()["terraform"].(map[string]any)["required_providers"]; strings.Contains(synthtest.JSON(p), "random") {
				t.Errorf("required_providers = %s: the token needs no provider beyond Terraform's own", synthtest.JSON(p))
			}
		})
	}
}

func TestCache(t *testing.T) {
	cases := []struct {
		name     string
		nodes    int
		failover bool
	}{
		{"default: primary and replica with failover", 0, true},
		{"single node: no failover", 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
			c := cache.New(stack, "redis", cache.Props{Network: net, Name: "litellm-test", AuthToken: tokenVar(stack), Nodes: tc.nodes})
			client := sgrule.Group{Scope: stack, ID: jsii.String("sg-client"), Label: "client"}
			sgrule.Allow(client, c, cache.Port, sgrule.Descriptions{Egress: "to the cache", Ingress: "from the client"})
			doc := synthtest.Synth(t, stack)

			rg := doc.One(t, *elasticachereplicationgroup.ElasticacheReplicationGroup_TfResourceType())
			wantNodes := float64(tc.nodes)
			if tc.nodes == 0 {
				wantNodes = 2
			}
			want := map[string]any{
				"replication_group_id": "litellm-test-redis", "engine": "redis", "node_type": "cache.t4g.medium",
				"num_cache_clusters": wantNodes, "port": float64(6379), "at_rest_encryption_enabled": true,
				"transit_encryption_enabled": true,
				"auth_token":                 "${coalesce(var.redis_auth_token, terraform_data.redis_auth-token-generated_CC10B910.output)}",
				"automatic_failover_enabled": tc.failover, "multi_az_enabled": tc.failover,
			}
			for k, v := range want {
				if rg[k] != v {
					t.Errorf("replication group %s = %v, want %v", k, rg[k], v)
				}
			}
			if pre := synthtest.JSON(rg["lifecycle"]); !strings.Contains(pre, "var.redis_auth_token") || !strings.Contains(pre, "not shown, it is sensitive") {
				t.Errorf("no auth token precondition: %s", pre)
			}
			for _, s := range doc.One(t, *elasticachesubnetgroup.ElasticacheSubnetGroup_TfResourceType())["subnet_ids"].([]any) {
				if !strings.Contains(s.(string), "private-") {
					t.Errorf("cache in a non-private subnet: %v", s)
				}
			}
			in := doc.One(t, *vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType())
			if in["referenced_security_group_id"] != "sg-client" || in["from_port"] != float64(6379) || in["cidr_ipv4"] != nil {
				t.Errorf("ingress = %v", in)
			}
			if s := doc.One(t, *secretsmanagersecret.SecretsmanagerSecret_TfResourceType()); s["name"] != "litellm-test-redis-auth-token" || *c.AuthTokenSecretName != "litellm-test-redis-auth-token" {
				t.Errorf("secret = %v", s)
			}
		})
	}
}

// TestEncryptionKeys: which key encrypts what. The secret follows TokenKMSKeyArn (in place, so it can take the
// stack's key), falling back to KMSKeyArn; the data at rest follows KMSKeyArn only, since changing it replaces
// the replication group.
func TestEncryptionKeys(t *testing.T) {
	const dataKey = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111"
	const stackKey = "${var.stack_key}" // a deploy-time token, as the stack's own key's ARN is
	cases := []struct {
		name, data, token   string
		wantData, wantToken any
	}{
		{"neither: AWS-managed keys", "", "", nil, nil},
		{"the stack's key for the token only", "", stackKey, nil, stackKey},
		{"one key for both", dataKey, "", dataKey, dataKey},
		{"a key for each", dataKey, stackKey, dataKey, stackKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
			token := tc.token
			if token == stackKey {
				token = *cdktf.NewTerraformVariable(stack, jsii.String("stack_key"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")}).StringValue()
			}
			cache.New(stack, "redis", cache.Props{Network: net, Name: "litellm-test", KMSKeyArn: tc.data, TokenKMSKeyArn: token})
			doc := synthtest.Synth(t, stack)
			rg := doc.One(t, *elasticachereplicationgroup.ElasticacheReplicationGroup_TfResourceType())
			if rg["kms_key_id"] != tc.wantData || rg["at_rest_encryption_enabled"] != true {
				t.Errorf("replication group kms_key_id = %v, at_rest_encryption_enabled = %v; want %v, true", rg["kms_key_id"], rg["at_rest_encryption_enabled"], tc.wantData)
			}
			if s := doc.One(t, *secretsmanagersecret.SecretsmanagerSecret_TfResourceType()); s["kms_key_id"] != tc.wantToken {
				t.Errorf("auth token secret kms_key_id = %v, want %v", s["kms_key_id"], tc.wantToken)
			}
		})
	}
}
