package sgrule

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Group is a construct's security group and where rules on it are created.
type Group struct {
	// Scope holds the rules on this group: the owning construct, so a rule's address names it.
	Scope constructs.Construct
	// ID is the security group's id.
	ID *string
	// Label is what the other side's rule ids call this group: "egress-to-<label>", "ingress-from-<label>".
	Label string
}

// NewGroup creates a construct's security group, "security-group" in scope, with no rule: every rule on it
// comes from Allow and its siblings. tags default to {"Name": name}.
func NewGroup(scope constructs.Construct, label string, vpcID *string, name, description string, tags *map[string]*string) Group {
	if tags == nil {
		tags = &map[string]*string{"Name": jsii.String(name)}
	}
	sg := securitygroup.NewSecurityGroup(scope, jsii.String("security-group"), &securitygroup.SecurityGroupConfig{
		Name:        jsii.String(name),
		Description: jsii.String(description),
		VpcId:       vpcID,
		Tags:        tags,
	})
	return Group{Scope: scope, ID: sg.Id(), Label: label}
}

// SecurityGroup makes a Group a Peer of its own.
func (g Group) SecurityGroup() Group { return g }

// Peer is a construct with a security group: the database, the cache, the load balancer, the service.
type Peer interface {
	SecurityGroup() Group
}

// Descriptions are the two rules' descriptions, each read on its own group.
type Descriptions struct {
	// Egress says what the client may reach, e.g. "PostgreSQL to the database".
	Egress string
	// Ingress says who may come in, e.g. "PostgreSQL from the LiteLLM tasks".
	Ingress string
}

// Rules are the two rules Allow creates.
type Rules struct {
	Egress  vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule
	Ingress vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule
}

// Dependables are both rules, egress first: what a client must wait for before it connects.
func (r Rules) Dependables() []cdktf.ITerraformDependable {
	return []cdktf.ITerraformDependable{r.Egress, r.Ingress}
}

// Allow lets from open TCP connections to to on port: an egress rule "egress-to-<to's label>" on from's group,
// in from's scope, and an ingress rule "ingress-from-<from's label>" on to's group, in to's scope.
func Allow(from, to Peer, port int, d Descriptions) Rules {
	f, t := from.SecurityGroup(), to.SecurityGroup()
	return Rules{
		Egress:  egress(f, "egress-to-"+t.Label, port, d.Egress, t.ID, nil),
		Ingress: ingress(t, "ingress-from-"+f.Label, port, d.Ingress, f.ID, nil),
	}
}

// AllowFromCIDR lets a CIDR block (clients on the internet) open TCP connections to to on port: one ingress
// rule with the given id, in to's scope.
func AllowFromCIDR(to Peer, id, cidr string, port int, description string) vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule {
	return ingress(to.SecurityGroup(), id, port, description, nil, jsii.String(cidr))
}

// AllowToCIDR lets from open TCP connections to a CIDR block (0.0.0.0/0 for AWS APIs and the internet) on
// port: one egress rule with the given id, in from's scope.
func AllowToCIDR(from Peer, id, cidr string, port int, description string) vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule {
	return egress(from.SecurityGroup(), id, port, description, nil, jsii.String(cidr))
}

// egress and ingress write one rule on g: the other side is a security group or a CIDR block, never both. The
// provider's two config types have the same fields, so one config serves both.
func egress(g Group, id string, port int, description string, group, cidr *string) vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule {
	return vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(g.Scope, jsii.String(id), config(g, port, description, group, cidr))
}

func ingress(g Group, id string, port int, description string, group, cidr *string) vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule {
	c := vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig(*config(g, port, description, group, cidr))
	return vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(g.Scope, jsii.String(id), &c)
}

func config(g Group, port int, description string, group, cidr *string) *vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig {
	return &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId:           g.ID,
		Description:               jsii.String(description),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  jsii.Number(float64(port)),
		ToPort:                    jsii.Number(float64(port)),
		ReferencedSecurityGroupId: group,
		CidrIpv4:                  cidr,
	}
}
