package network_test

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/defaultsecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"

	"litellm-aws/constructs/network"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

func valid() network.Props {
	return network.Props{Name: "litellm-test", Region: "us-east-1"}.WithDefaults()
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*network.Props)
		want   string
	}{
		{"no name", func(p *network.Props) { p.Name = "" }, "Name is required"},
		{"bogus region", func(p *network.Props) { p.Region = "mars-1" }, `Region "mars-1" is not an AWS region: allowed a literal name such as us-east-1`},
		{"host bits set", func(p *network.Props) { p.CIDR = "10.0.0.1/16" }, `CIDR "10.0.0.1/16" has host bits set: allowed 10.0.0.0/16`},
		{"too large", func(p *network.Props) { p.CIDR = "10.0.0.0/8" }, `CIDR "10.0.0.0/8" has a /8 prefix: allowed /16 to /24`},
		{"not a CIDR", func(p *network.Props) { p.CIDR = "ten" }, `CIDR "ten" is not an IPv4 CIDR block`},
		{"one zone", func(p *network.Props) { p.AvailabilityZones = []string{"us-east-1a"} }, "has 1 zones: allowed 2-6"},
		{"zone in another region", func(p *network.Props) { p.AvailabilityZones = []string{"us-east-1a", "eu-west-1b"} }, `zone "eu-west-1b" is not in region us-east-1`},
		{"zone twice", func(p *network.Props) { p.AvailabilityZones = []string{"us-east-1a", "us-east-1a"} }, `zone "us-east-1a" is listed twice`},
		{"retention", func(p *network.Props) { p.FlowLogRetentionDays = 2 }, "FlowLogRetentionDays 2 is not a CloudWatch Logs retention period: allowed [1 3 5 7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := valid()
			tc.modify(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant an error containing %q", err, tc.want)
			}
		})
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	err := network.Props{Name: "x", Region: "nowhere", CIDR: "10.0.0.0/8", FlowLogRetentionDays: 2}.Validate()
	for _, want := range []string{"Region", "CIDR", "AvailabilityZones", "FlowLogRetentionDays"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want a problem about %s in %v", want, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	p := network.Props{Name: "n", Region: "eu-west-1"}.WithDefaults()
	if p.CIDR != "10.0.0.0/16" || strings.Join(p.AvailabilityZones, ",") != "eu-west-1a,eu-west-1b" || p.FlowLogRetentionDays != 30 || p.NatGatewayPerZone {
		t.Fatalf("defaults = %+v", p)
	}
}

func TestTopology(t *testing.T) {
	cases := []struct {
		name                                      string
		zones                                     []string
		perZone                                   bool
		wantNAT, wantSubnets, wantRTs, wantRoutes int
	}{
		{"two zones, one shared NAT", []string{"us-east-1a", "us-east-1b"}, false, 1, 4, 3, 3},
		{"three zones, NAT per zone", []string{"us-east-1a", "us-east-1b", "us-east-1c"}, true, 3, 6, 4, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1", AvailabilityZones: tc.zones, NatGatewayPerZone: tc.perZone})
			doc := synthtest.Synth(t, stack)

			counts := map[string]int{
				*natgateway.NatGateway_TfResourceType(): tc.wantNAT,
				*eip.Eip_TfResourceType():               tc.wantNAT,
				*subnet.Subnet_TfResourceType():         tc.wantSubnets,
				*routetable.RouteTable_TfResourceType(): tc.wantRTs,
				*route.Route_TfResourceType():           tc.wantRoutes,
				*vpc.Vpc_TfResourceType():               1,
				*flowlog.FlowLog_TfResourceType():       1,
			}
			for typ, want := range counts {
				if got := len(doc.Resources(typ)); got != want {
					t.Errorf("%s: %d, want %d", typ, got, want)
				}
			}

			vpcRes := doc.One(t, *vpc.Vpc_TfResourceType())
			if vpcRes["cidr_block"] != "10.0.0.0/16" || vpcRes["enable_dns_hostnames"] != true {
				t.Errorf("vpc = %v", vpcRes)
			}
			// Subnets: inside the VPC, disjoint, one public and one private per zone, none handing out public IPs.
			vpcPfx := netip.MustParsePrefix("10.0.0.0/16")
			var seen []netip.Prefix
			perZone := map[string]int{}
			for name, s := range doc.Resources(*subnet.Subnet_TfResourceType()) {
				pfx := netip.MustParsePrefix(s["cidr_block"].(string))
				if !vpcPfx.Contains(pfx.Addr()) {
					t.Errorf("%s %s is outside the VPC", name, pfx)
				}
				for _, o := range seen {
					if o.Overlaps(pfx) {
						t.Errorf("%s %s overlaps %s", name, pfx, o)
					}
				}
				seen = append(seen, pfx)
				if s["map_public_ip_on_launch"] == true {
					t.Errorf("%s maps public IPs on launch", name)
				}
				perZone[s["availability_zone"].(string)]++
			}
			for _, z := range tc.zones {
				if perZone[z] != 2 {
					t.Errorf("zone %s has %d subnets, want 2 (public and private)", z, perZone[z])
				}
			}
			// Every private route table's default route goes through a NAT gateway, the public one through the IGW.
			var viaNAT, viaIGW int
			for _, r := range doc.Resources(*route.Route_TfResourceType()) {
				if r["destination_cidr_block"] != "0.0.0.0/0" {
					t.Errorf("unexpected route %v", r)
				}
				if strings.Contains(str(r["nat_gateway_id"]), "aws_nat_gateway.") {
					viaNAT++
				}
				if strings.Contains(str(r["gateway_id"]), "aws_internet_gateway.") {
					viaIGW++
				}
			}
			if viaIGW != 1 || viaNAT != len(tc.zones) {
				t.Errorf("routes: %d via IGW, %d via NAT; want 1 and %d", viaIGW, viaNAT, len(tc.zones))
			}

			fl := doc.One(t, *flowlog.FlowLog_TfResourceType())
			if fl["traffic_type"] != "ALL" || fl["log_destination_type"] != "cloud-watch-logs" {
				t.Errorf("flow log = %v", fl)
			}
			sg := doc.One(t, *defaultsecuritygroup.DefaultSecurityGroup_TfResourceType())
			if sg["ingress"] != nil || sg["egress"] != nil {
				t.Errorf("default security group has rules: %v", sg)
			}
		})
	}
}

func str(v any) string { s, _ := v.(string); return s }

// TestFlowLogRole: the role has AWS's documented minimum for delivery to CloudWatch Logs (network.FlowLogActions),
// each action exactly once and on the narrowest resource it allows: the flow log group (and its streams), except
// logs:DescribeLogGroups, which IAM cannot scope below the account's log groups.
func TestFlowLogRole(t *testing.T) {
	stack := synthtest.NewStack()
	network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	doc := synthtest.Synth(t, stack)
	group := "${aws_cloudwatch_log_group." + synthtest.Names(doc.Resources(*cloudwatchloggroup.CloudwatchLogGroup_TfResourceType()))[0] + ".arn}"
	// arn:<partition>:logs:<region>:<account>, computed by Terraform from the group's ARN in a local.
	locals := doc.RawLocals()
	wantLocal := `${join(":", slice(split(":", ` + strings.TrimSuffix(strings.TrimPrefix(group, "${"), "}") + `), 0, 5))}`
	var account string
	for name, v := range locals {
		if strings.HasPrefix(name, "net_flow_logs_arn_prefix") && v == wantLocal {
			account = "${local." + name + "}"
		}
	}
	if account == "" {
		t.Fatalf("no local computing %s; locals: %v", wantLocal, locals)
	}

	var policy struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource []string
		}
	}
	// The policy must be JSON as synthesized: the policy gate (policy/iam.rego) parses it.
	if err := json.Unmarshal([]byte(str(doc.One(t, *iamrolepolicy.IamRolePolicy_TfResourceType())["policy"])), &policy); err != nil {
		t.Fatal(err)
	}
	granted := map[string][]string{} // action -> resources
	for _, s := range policy.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement %+v is not an Allow", s)
		}
		for _, a := range s.Action {
			if _, dup := granted[a]; dup {
				t.Errorf("%s is granted twice", a)
			}
			granted[a] = s.Resource
		}
	}
	onGroup := []string{group, group + ":*"}
	cases := []struct {
		action string
		want   []string
	}{
		{"logs:CreateLogGroup", onGroup},
		{"logs:CreateLogStream", onGroup},
		{"logs:PutLogEvents", onGroup},
		{"logs:DescribeLogStreams", onGroup},
		{"logs:DescribeLogGroups", []string{account + ":log-group:*"}},
	}
	if len(cases) != len(network.FlowLogActions) || len(granted) != len(cases) {
		t.Errorf("granted %v; want exactly the %d actions of network.FlowLogActions %v", synthtest.Names(granted), len(cases), network.FlowLogActions)
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			if !slices.Contains(network.FlowLogActions, tc.action) {
				t.Errorf("%s is not in network.FlowLogActions", tc.action)
			}
			if got, ok := granted[tc.action]; !ok || !slices.Equal(got, tc.want) {
				t.Errorf("%s on %v (granted: %v), want on %v", tc.action, got, ok, tc.want)
			}
		})
	}
}
