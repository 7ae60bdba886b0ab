package loadbalancer

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webaclassociation"

	"litellm-aws/constructs/logbucket"
	"litellm-aws/internal/sgrule"
)

// LoadBalancer is the ALB, its target group and its listener.
type LoadBalancer struct {
	securityGroup sgrule.Group
	// SecurityGroupID is the ALB's security group; targets allow ingress from it.
	SecurityGroupID *string
	// TargetGroupArn is where the service registers its tasks.
	TargetGroupArn *string
	// TargetGroupArnSuffix and ArnSuffix name the target group and ALB in CloudWatch metrics.
	TargetGroupArnSuffix *string
	ArnSuffix            *string
	// DNSName is the ALB's public name.
	DNSName *string
	// URL is the base URL clients use: http://<dns name>, https://<dns name> with a certificate, or
	// https://<domain> with a domain.
	URL *string
	// Listener forwards to the target group (HTTPS when there is a certificate); the service must wait for
	// it, as ECS refuses a target group that no load balancer uses.
	Listener lblistener.LbListener
	// TargetPort is the port targets listen on.
	TargetPort int
	// IdleTimeoutSeconds is how long the load balancer keeps an idle connection; targets must keep theirs longer.
	IdleTimeoutSeconds int
}

// New builds the load balancer. It panics on invalid props; call Props.Validate first to get the problems as an error.
func New(scope constructs.Construct, id string, props Props) *LoadBalancer {
	p := props.WithDefaults()
	if err := p.Validate(); err != nil {
		panic(err)
	}
	if p.Network == nil {
		panic("loadbalancer.New: Props.Network is required: the construct is wired to them")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	group := sgrule.NewGroup(c, "alb", p.Network.VpcID, p.Name+"-alb", "LiteLLM load balancer: HTTP(S) from allowed clients, forwards to LiteLLM tasks", nil)
	for i, cidr := range p.AllowedCIDRs {
		for _, port := range []int{80, 443} {
			sgrule.AllowFromCIDR(group, fmt.Sprintf("ingress-%d-%d", port, i), cidr, port, fmt.Sprintf("port %d from %s", port, cidr))
		}
	}

	tg := lbtargetgroup.NewLbTargetGroup(c, jsii.String("target-group"), &lbtargetgroup.LbTargetGroupConfig{
		Name:                jsii.String(p.Name + "-tg"),
		Port:                jsii.Number(float64(p.TargetPort)),
		Protocol:            jsii.String("HTTP"),
		TargetType:          jsii.String("ip"),
		VpcId:               p.Network.VpcID,
		DeregistrationDelay: jsii.String(fmt.Sprint(DeregistrationDelaySeconds)),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled:            jsii.Bool(true),
			Path:               jsii.String(p.HealthCheckPath),
			Matcher:            jsii.String("200"),
			Protocol:           jsii.String("HTTP"),
			Interval:           jsii.Number(15),
			Timeout:            jsii.Number(10),
			HealthyThreshold:   jsii.Number(2),
			UnhealthyThreshold: jsii.Number(3),
		},
		Tags: &map[string]*string{"Name": jsii.String(p.Name + "-tg")},
	})

	alb := lb.NewLb(c, jsii.String("alb"), &lb.LbConfig{
		Name:                     jsii.String(p.Name + "-alb"),
		Internal:                 jsii.Bool(false),
		LoadBalancerType:         jsii.String("application"),
		SecurityGroups:           &[]*string{group.ID},
		Subnets:                  &p.Network.PublicSubnetIDs,
		IdleTimeout:              jsii.Number(float64(p.IdleTimeoutSeconds)),
		DropInvalidHeaderFields:  jsii.Bool(true),
		EnableDeletionProtection: p.DeletionProtection.Value(),
		AccessLogs:               accessLogs(p),
		Tags:                     &map[string]*string{"Name": jsii.String(p.Name + "-alb")},
	})
	if p.WebACLArn != "" {
		wafv2webaclassociation.NewWafv2WebAclAssociation(c, jsii.String("waf"), &wafv2webaclassociation.Wafv2WebAclAssociationConfigA{
			ResourceArn: alb.Arn(),
			WebAclArn:   jsii.String(p.WebACLArn),
		})
	}

	forward := &[]*lblistener.LbListenerDefaultAction{{Type: jsii.String("forward"), TargetGroupArn: tg.Arn()}}
	url := "http://" + *alb.DnsName()
	var listener lblistener.LbListener
	if p.CertificateArn == "" {
		listener = lblistener.NewLbListener(c, jsii.String("http"), &lblistener.LbListenerConfig{
			LoadBalancerArn: alb.Arn(),
			Port:            jsii.Number(80),
			Protocol:        jsii.String("HTTP"),
			DefaultAction:   forward,
		})
	} else {
		listener = lblistener.NewLbListener(c, jsii.String("https"), &lblistener.LbListenerConfig{
			LoadBalancerArn: alb.Arn(),
			Port:            jsii.Number(443),
			Protocol:        jsii.String("HTTPS"),
			CertificateArn:  jsii.String(p.CertificateArn),
			SslPolicy:       jsii.String(p.SSLPolicy),
			DefaultAction:   forward,
		})
		lblistener.NewLbListener(c, jsii.String("http"), &lblistener.LbListenerConfig{
			LoadBalancerArn: alb.Arn(),
			Port:            jsii.Number(80),
			Protocol:        jsii.String("HTTP"),
			DefaultAction: &[]*lblistener.LbListenerDefaultAction{{
				Type: jsii.String("redirect"),
				Redirect: &lblistener.LbListenerDefaultActionRedirect{
					Protocol:   jsii.String("HTTPS"),
					Port:       jsii.String("443"),
					StatusCode: jsii.String("HTTP_301"),
				},
			}},
		})
		url = "https://" + *alb.DnsName()
	}
	if p.DomainName != "" {
		route53record.NewRoute53Record(c, jsii.String("alias"), &route53record.Route53RecordConfig{
			ZoneId: jsii.String(p.HostedZoneID),
			Name:   jsii.String(p.DomainName),
			Type:   jsii.String("A"),
			Alias: &route53record.Route53RecordAlias{
				Name:                 alb.DnsName(),
				ZoneId:               alb.ZoneId(),
				EvaluateTargetHealth: jsii.Bool(true),
			},
		})
		url = "https://" + p.DomainName
	}

	return &LoadBalancer{
		securityGroup:        group,
		SecurityGroupID:      group.ID,
		TargetGroupArn:       tg.Arn(),
		TargetGroupArnSuffix: tg.ArnSuffix(),
		ArnSuffix:            alb.ArnSuffix(),
		DNSName:              alb.DnsName(),
		URL:                  jsii.String(url),
		Listener:             listener,
		TargetPort:           p.TargetPort,
		IdleTimeoutSeconds:   p.IdleTimeoutSeconds,
	}
}

// SecurityGroup is the load balancer's security group: it reaches its targets on TargetPort through
// sgrule.Allow, the only egress it has. Rules on it are created in the load balancer's scope.
func (l *LoadBalancer) SecurityGroup() sgrule.Group { return l.securityGroup }

// accessLogs goes to the bucket the user named, else to the stack's log bucket. LogBucket.Bucket is read
// through the bucket's policy, so the load balancer (which writes a test object at once) waits for it.
func accessLogs(p Props) *lb.LbAccessLogs {
	switch {
	case p.AccessLogsBucket != "":
		return &lb.LbAccessLogs{Bucket: jsii.String(p.AccessLogsBucket), Prefix: jsii.String(p.AccessLogsPrefix), Enabled: jsii.Bool(true)}
	case p.LogBucket != nil:
		return &lb.LbAccessLogs{Bucket: p.LogBucket.Bucket, Prefix: jsii.String(logbucket.ALBPrefix), Enabled: jsii.Bool(true)}
	}
	return nil
}
