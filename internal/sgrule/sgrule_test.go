package sgrule_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/sgrule"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

var (
	egressType  = *vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType()
	ingressType = *vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType()
)

// rule is one synthesized rule as a line: type, address (without the hash), group, other side, port, description.
func rule(typ, name, group, other string, port int, description string) string {
	return fmt.Sprintf("%s %s on %s with %s port %d: %s", typ, name, group, other, port, description)
}

// rules lists every synthesized rule as a line, sorted, checking what all rules share on the way.
func rules(t *testing.T, doc *synthtest.Doc) []string {
	t.Helper()
	var out []string
	for _, typ := range []string{egressType, ingressType} {
		for name, r := range doc.Resources(typ) {
			if r["ip_protocol"] != "tcp" || r["from_port"] != r["to_port"] {
				t.Errorf("%s.%s is not one TCP port: %v", typ, name, r)
			}
			other, _ := r["referenced_security_group_id"].(string)
			if cidr, ok := r["cidr_ipv4"].(string); ok {
				if other != "" {
					t.Errorf("%s.%s names both a group and a CIDR block: %v", typ, name, r)
				}
				other = cidr
			}
			name = name[:strings.LastIndex(name, "_")] // the hash cdktf appends
			out = append(out, rule(typ, name, r["security_group_id"].(string), other, int(r["from_port"].(float64)), r["description"].(string)))
		}
	}
	sort.Strings(out)
	return out
}

func TestRules(t *testing.T) {
	d := sgrule.Descriptions{Egress: "PostgreSQL to the database", Ingress: "PostgreSQL from the tasks"}
	cases := []struct {
		name  string
		build func(client, server sgrule.Group) // client and server are each in a construct of their own
		want  []string
	}{
		{"allow: egress on the client in its scope, ingress on the server in its scope, ids from the labels",
			func(client, server sgrule.Group) { sgrule.Allow(client, server, 5432, d) },
			[]string{
				rule(egressType, "client_egress-to-database", "sg-client", "sg-server", 5432, "PostgreSQL to the database"),
				rule(ingressType, "server_ingress-from-service", "sg-server", "sg-client", 5432, "PostgreSQL from the tasks"),
			}},
		{"allow both ways: the labels keep the ids apart",
			func(client, server sgrule.Group) {
				sgrule.Allow(client, server, 5432, d)
				sgrule.Allow(server, client, 4000, sgrule.Descriptions{Egress: "out", Ingress: "in"})
			},
			[]string{
				rule(egressType, "client_egress-to-database", "sg-client", "sg-server", 5432, "PostgreSQL to the database"),
				rule(egressType, "server_egress-to-service", "sg-server", "sg-client", 4000, "out"),
				rule(ingressType, "client_ingress-from-database", "sg-client", "sg-server", 4000, "in"),
				rule(ingressType, "server_ingress-from-service", "sg-server", "sg-client", 5432, "PostgreSQL from the tasks"),
			}},
		{"from a CIDR block: one ingress rule with the given id",
			func(_, server sgrule.Group) {
				sgrule.AllowFromCIDR(server, "ingress-443-0", "203.0.113.0/24", 443, "port 443 from 203.0.113.0/24")
			},
			[]string{rule(ingressType, "server_ingress-443-0", "sg-server", "203.0.113.0/24", 443, "port 443 from 203.0.113.0/24")}},
		{"to a CIDR block: one egress rule with the given id",
			func(client, _ sgrule.Group) {
				sgrule.AllowToCIDR(client, "egress-https", "0.0.0.0/0", 443, "HTTPS out")
			},
			[]string{rule(egressType, "client_egress-https", "sg-client", "0.0.0.0/0", 443, "HTTPS out")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			client := sgrule.Group{Scope: constructs.NewConstruct(stack, jsii.String("client")), ID: jsii.String("sg-client"), Label: "service"}
			server := sgrule.Group{Scope: constructs.NewConstruct(stack, jsii.String("server")), ID: jsii.String("sg-server"), Label: "database"}
			tc.build(client, server)
			got := rules(t, synthtest.Synth(t, stack))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// A client waits for both rules of the way to its server, egress first.
func TestDependables(t *testing.T) {
	stack := synthtest.NewStack()
	client := sgrule.Group{Scope: stack, ID: jsii.String("sg-client"), Label: "client"}
	server := sgrule.Group{Scope: stack, ID: jsii.String("sg-server"), Label: "server"}
	deps := sgrule.Allow(client, server, 5432, sgrule.Descriptions{Egress: "out", Ingress: "in"}).Dependables()
	cdktf.NewDataResource(stack, jsii.String("probe"), &cdktf.DataConfig{DependsOn: &deps})
	doc := synthtest.Synth(t, stack)
	probe := doc.One(t, *cdktf.DataResource_TfResourceType())
	var want []string
	for _, typ := range []string{egressType, ingressType} {
		for name := range doc.Resources(typ) {
			want = append(want, typ+"."+name)
		}
	}
	if synthtest.JSON(probe["depends_on"]) != synthtest.JSON(want) {
		t.Errorf("depends_on = %v, want %v", probe["depends_on"], want)
	}
}

// TestNewGroup: a group is "security-group" in its scope, in the VPC, named and tagged, with no inline rule
// (every rule is a separate resource from Allow, so the two never fight over the group).
func TestNewGroup(t *testing.T) {
	cases := []struct {
		name     string
		tags     *map[string]*string
		wantTags string
	}{
		{"default tags", nil, `{"Name":"litellm-test-db"}`},
		{"given tags", &map[string]*string{"Name": jsii.String("litellm-test-db"), "Stack": jsii.String("s")}, `{"Name":"litellm-test-db","Stack":"s"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			scope := constructs.NewConstruct(stack, jsii.String("database"))
			g := sgrule.NewGroup(scope, "database", jsii.String("vpc-1"), "litellm-test-db", "PostgreSQL from the tasks only", tc.tags)
			if g.Label != "database" || g.Scope != scope || g.ID == nil {
				t.Errorf("group = %+v", g)
			}
			sg := synthtest.Synth(t, stack).One(t, "aws_security_group")
			if sg["name"] != "litellm-test-db" || sg["description"] != "PostgreSQL from the tasks only" || sg["vpc_id"] != "vpc-1" ||
				synthtest.JSON(sg["tags"]) != tc.wantTags || sg["ingress"] != nil || sg["egress"] != nil {
				t.Errorf("security group = %s", synthtest.JSON(sg))
			}
		})
	}
}
