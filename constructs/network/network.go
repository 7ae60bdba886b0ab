package network

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/defaultsecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/awsiam"
	"litellm-aws/internal/opt"
)

// Network is the VPC and its subnets.
type Network struct {
	scope constructs.Construct // what every resource here is created in
	// VpcID is the VPC's id.
	VpcID *string
	// CIDR is the VPC's IPv4 block.
	CIDR *string
	// PublicSubnetIDs are the subnets with a route to the internet gateway, one per zone: for the load balancer.
	PublicSubnetIDs []*string
	// PrivateSubnetIDs are the subnets that reach the internet only through NAT, one per zone: for tasks and
	// the database.
	PrivateSubnetIDs []*string
	// PrivateEgress are the routes that take the private subnets to the internet; a task started outside a
	// service (which would retry) must wait for them to pull its image.
	PrivateEgress []cdktf.ITerraformDependable
}

// New builds the network. It panics on invalid props; call Props.Validate first to get the problems as an error.
func New(scope constructs.Construct, id string, props Props) *Network {
	p := props.WithDefaults()
	if err := p.Validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := func(suffix string) *map[string]*string {
		return &map[string]*string{"Name": jsii.String(p.Name + "-" + suffix)}
	}

	v := vpc.NewVpc(c, jsii.String("vpc"), &vpc.VpcConfig{
		CidrBlock:          jsii.String(p.CIDR),
		EnableDnsHostnames: jsii.Bool(true),
		EnableDnsSupport:   jsii.Bool(true),
		Tags:               name("vpc"),
	})
	n := &Network{scope: c, VpcID: v.Id(), CIDR: jsii.String(p.CIDR)}

	// The default security group of a new VPC allows all traffic between its members; nothing here uses it,
	// so take it under management with no rules at all.
	defaultsecuritygroup.NewDefaultSecurityGroup(c, jsii.String("default-sg"), &defaultsecuritygroup.DefaultSecurityGroupConfig{
		VpcId: v.Id(),
		Tags:  name("default-deny"),
	})

	igw := internetgateway.NewInternetGateway(c, jsii.String("igw"), &internetgateway.InternetGatewayConfig{
		VpcId: v.Id(),
		Tags:  name("igw"),
	})
	publicRT := routetable.NewRouteTable(c, jsii.String("public"), &routetable.RouteTableConfig{
		VpcId: v.Id(),
		Tags:  name("public"),
	})
	route.NewRoute(c, jsii.String("public-internet"), &route.RouteConfig{
		RouteTableId:         publicRT.Id(),
		DestinationCidrBlock: jsii.String("0.0.0.0/0"),
		GatewayId:            igw.Id(),
	})

	publicCIDRs, privateCIDRs := subnetCIDRs(p.CIDR, len(p.AvailabilityZones))
	var nats []natgateway.NatGateway
	for i, zone := range p.AvailabilityZones {
		pub := subnet.NewSubnet(c, jsii.String("public-"+zone), &subnet.SubnetConfig{
			VpcId:            v.Id(),
			CidrBlock:        jsii.String(publicCIDRs[i]),
			AvailabilityZone: jsii.String(zone),
			// Nothing launched here needs a public address of its own: the load balancer and NAT gateways get theirs.
			MapPublicIpOnLaunch: jsii.Bool(false),
			Tags:                name("public-" + zone),
		})
		routetableassociation.NewRouteTableAssociation(c, jsii.String("public-"+zone+"-rt"), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     pub.Id(),
			RouteTableId: publicRT.Id(),
		})
		n.PublicSubnetIDs = append(n.PublicSubnetIDs, pub.Id())

		if i == 0 || p.NatGatewayPerZone {
			ip := eip.NewEip(c, jsii.String("nat-"+zone), &eip.EipConfig{
				Domain:    jsii.String("vpc"),
				Tags:      name("nat-" + zone),
				DependsOn: &[]cdktf.ITerraformDependable{igw},
			})
			nats = append(nats, natgateway.NewNatGateway(c, jsii.String("nat-"+zone+"-gw"), &natgateway.NatGatewayConfig{
				AllocationId: ip.Id(),
				SubnetId:     pub.Id(),
				Tags:         name("nat-" + zone),
				DependsOn:    &[]cdktf.ITerraformDependable{igw},
			}))
		}
	}

	for i, zone := range p.AvailabilityZones {
		nat := nats[0]
		if p.NatGatewayPerZone {
			nat = nats[i]
		}
		priv := subnet.NewSubnet(c, jsii.String("private-"+zone), &subnet.SubnetConfig{
			VpcId:            v.Id(),
			CidrBlock:        jsii.String(privateCIDRs[i]),
			AvailabilityZone: jsii.String(zone),
			Tags:             name("private-" + zone),
		})
		rt := routetable.NewRouteTable(c, jsii.String("private-"+zone+"-table"), &routetable.RouteTableConfig{
			VpcId: v.Id(),
			Tags:  name("private-" + zone),
		})
		n.PrivateEgress = append(n.PrivateEgress, route.NewRoute(c, jsii.String("private-"+zone+"-nat"), &route.RouteConfig{
			RouteTableId:         rt.Id(),
			DestinationCidrBlock: jsii.String("0.0.0.0/0"),
			NatGatewayId:         nat.Id(),
		}))
		routetableassociation.NewRouteTableAssociation(c, jsii.String("private-"+zone+"-rt"), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     priv.Id(),
			RouteTableId: rt.Id(),
		})
		n.PrivateSubnetIDs = append(n.PrivateSubnetIDs, priv.Id())
	}

	n.addFlowLogs(p)
	return n
}

// addFlowLogs records every accepted and rejected connection in the VPC to CloudWatch Logs, for incident
// investigation.
func (n *Network) addFlowLogs(p Props) {
	group := cloudwatchloggroup.NewCloudwatchLogGroup(n.scope, jsii.String("flow-logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String(fmt.Sprintf("/vpc/%s-flow-logs", p.Name)),
		RetentionInDays: jsii.Number(float64(p.FlowLogRetentionDays)),
		KmsKeyId:        opt.String(p.KMSKeyArn),
	})
	role := awsiam.NewRole(n.scope, "flow-logs-role", awsiam.RoleProps{
		Name:    p.Name + "-vpc-flow-logs",
		Service: "vpc-flow-logs.amazonaws.com",
		Policy: awsiam.InlinePolicy{ID: "flow-logs-policy", Name: "write-flow-logs", Document: awsiam.Policy(
			n.flowLogStatements(group)...)},
	})
	flowlog.NewFlowLog(n.scope, jsii.String("flow-log"), &flowlog.FlowLogConfig{
		VpcId:              n.VpcID,
		TrafficType:        jsii.String("ALL"),
		LogDestinationType: jsii.String("cloud-watch-logs"),
		LogDestination:     group.Arn(),
		IamRoleArn:         role.Arn,
	})
}

// FlowLogActions is AWS's documented minimum for a flow log role delivering to CloudWatch Logs (Amazon VPC User
// Guide, "IAM role for publishing flow logs to CloudWatch Logs"); the guide grants them on "*".
var FlowLogActions = []string{
	"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams",
}

// flowLogStatements grants FlowLogActions as narrowly as each allows: all but one on the flow log group and its
// streams (the group's arn carries no ":*" suffix: the provider strips it). logs:DescribeLogGroups is a list
// action that IAM authorizes on "arn:...:log-group::log-stream:", which names no group, so it gets the log groups
// of this account and region instead of "*". That ARN is a local, so the policy stays valid JSON at synth time.
func (n *Network) flowLogStatements(group cloudwatchloggroup.CloudwatchLogGroup) []awsiam.Statement {
	// arn:<partition>:logs:<region>:<account>, the first five fields of the group's ARN.
	fields := cdktf.Fn_Slice(cdktf.Fn_Split(jsii.String(":"), group.Arn()), jsii.Number(0), jsii.Number(5))
	logs := cdktf.NewTerraformLocal(n.scope, jsii.String("flow_logs_arn_prefix"), cdktf.Fn_Join(jsii.String(":"), cdktf.Token_AsList(fields, nil)))
	return []awsiam.Statement{
		{
			Sid:       "DeliverToTheFlowLogGroup",
			Actions:   []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resources: []string{*group.Arn(), *group.Arn() + ":*"},
		},
		{
			Sid:       "FindTheFlowLogGroup",
			Actions:   []string{"logs:DescribeLogGroups"},
			Resources: []string{*logs.AsString() + ":log-group:*"},
		},
	}
}
