package loadbalancer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webaclassociation"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/logbucket"
	"litellm-aws/constructs/network"
	"litellm-aws/internal/deploytime"
	"litellm-aws/internal/sgrule"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*loadbalancer.Props)
		want   string
	}{
		{"name too long for ALB names", func(p *loadbalancer.Props) { p.Name = "litellm-benchmark-with-a-long-x" }, `Name "litellm-benchmark-with-a-long-x" is 31 characters long: allowed at most 28`},
		{"upper case name", func(p *loadbalancer.Props) { p.Name = "LiteLLM" }, `Name "LiteLLM" is not a valid name`},
		{"bad CIDR", func(p *loadbalancer.Props) { p.AllowedCIDRs = []string{"1.2.3.4"} }, `AllowedCIDRs "1.2.3.4" is not an IPv4 CIDR block`},
		{"port", func(p *loadbalancer.Props) { p.TargetPort = 70000 }, "TargetPort 70000 is out of range: allowed 1-65535"},
		{"health path", func(p *loadbalancer.Props) { p.HealthCheckPath = "health" }, `HealthCheckPath "health" is not a path`},
		{"idle timeout", func(p *loadbalancer.Props) { p.IdleTimeoutSeconds = 5000 }, "IdleTimeoutSeconds 5000 is out of range: allowed 1-4000"},
		{"certificate ARN", func(p *loadbalancer.Props) { p.CertificateArn = "arn:aws:iam::123456789012:server-certificate/x" }, `CertificateArn "arn:aws:iam::123456789012:server-certificate/x" is not an ACM certificate ARN`},
		{"TLS policy", func(p *loadbalancer.Props) { p.SSLPolicy = "TLS1.0" }, `SSLPolicy "TLS1.0" is not an ELB security policy`},
		{"domain without zone", func(p *loadbalancer.Props) { p.CertificateArn, p.DomainName = cert, "llm.example.com" }, `DomainName "llm.example.com" and HostedZoneID "": allowed both`},
		{"domain without certificate", func(p *loadbalancer.Props) { p.DomainName, p.HostedZoneID = "llm.example.com", "Z0123456789ABC" }, `DomainName "llm.example.com" needs CertificateArn`},
		{"bad domain", func(p *loadbalancer.Props) {
			p.CertificateArn, p.DomainName, p.HostedZoneID = cert, "LLM_example", "Z0123456789ABC"
		}, `DomainName "LLM_example" is not a DNS name`},
		{"access logs bucket", func(p *loadbalancer.Props) { p.AccessLogsBucket = "Logs_Bucket" }, `AccessLogsBucket "Logs_Bucket" is not an S3 bucket name`},
		{"prefix without a bucket", func(p *loadbalancer.Props) { p.AccessLogsPrefix = "lb" }, `AccessLogsPrefix "lb" is set without AccessLogsBucket: allowed only with AccessLogsBucket (LogBucket takes access logs under "alb" only)`},
		{"prefix with AWSLogs", func(p *loadbalancer.Props) { p.AccessLogsBucket, p.AccessLogsPrefix = "acme-alb-logs", "x/AWSLogs" }, `AccessLogsPrefix "x/AWSLogs" contains AWSLogs`},
		{"web ACL", func(p *loadbalancer.Props) { p.WebACLArn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y" }, `WebACLArn "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y" is not a regional WAFv2 web ACL ARN`},
		{"bad zone", func(p *loadbalancer.Props) {
			p.CertificateArn, p.DomainName, p.HostedZoneID = cert, "llm.example.com", "zone-1"
		}, `HostedZoneID "zone-1" is not a Route 53 hosted zone id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := loadbalancer.Props{Name: "litellm-test"}.WithDefaults()
			tc.modify(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant an error containing %q", err, tc.want)
			}
		})
	}
}

const cert = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"

func TestDefaults(t *testing.T) {
	p := loadbalancer.Props{Name: "n"}.WithDefaults()
	if p.TargetPort != 4000 || p.HealthCheckPath != "/health/readiness" || p.IdleTimeoutSeconds != 300 ||
		strings.Join(p.AllowedCIDRs, ",") != "0.0.0.0/0" || p.DeletionProtection != deploytime.True() || p.SSLPolicy != "ELBSecurityPolicy-TLS13-1-2-2021-06" {
		t.Fatalf("defaults = %+v", p)
	}
}

func TestLoadBalancer(t *testing.T) {
	stack := synthtest.NewStack()
	net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	l := loadbalancer.New(stack, "lb", loadbalancer.Props{Name: "litellm-test", Network: net, AllowedCIDRs: []string{"203.0.113.0/24", "198.51.100.0/24"}})
	targets := sgrule.Group{Scope: stack, ID: jsii.String("sg-targets"), Label: "targets"}
	sgrule.Allow(l, targets, l.TargetPort, sgrule.Descriptions{Egress: "to targets", Ingress: "from the load balancer"})
	doc := synthtest.Synth(t, stack)

	alb := doc.One(t, *lb.Lb_TfResourceType())
	checks := map[string]any{
		"name": "litellm-test-alb", "internal": false, "load_balancer_type": "application",
		"idle_timeout": float64(300), "drop_invalid_header_fields": true, "enable_deletion_protection": true,
	}
	for k, want := range checks {
		if alb[k] != want {
			t.Errorf("alb %s = %v, want %v", k, alb[k], want)
		}
	}
	if subnets, _ := alb["subnets"].([]any); len(subnets) != 2 || !strings.Contains(subnets[0].(string), "public-us-east-1a") {
		t.Errorf("alb subnets = %v, want the two public subnets", alb["subnets"])
	}

	tg := doc.One(t, *lbtargetgroup.LbTargetGroup_TfResourceType())
	hc, _ := tg["health_check"].(map[string]any)
	if tg["name"] != "litellm-test-tg" || tg["port"] != float64(4000) || tg["target_type"] != "ip" || tg["protocol"] != "HTTP" ||
		hc["path"] != "/health/readiness" || hc["matcher"] != "200" {
		t.Errorf("target group = %v", tg)
	}
	if tg["deregistration_delay"] != fmt.Sprint(loadbalancer.DeregistrationDelaySeconds) {
		t.Errorf("deregistration_delay = %v, want %d: the longest response a roll lets finish", tg["deregistration_delay"], loadbalancer.DeregistrationDelaySeconds)
	}
	if len(tg["name"].(string)) > 32 || len(alb["name"].(string)) > 32 {
		t.Errorf("names exceed AWS's 32 characters")
	}

	listener := doc.One(t, *lblistener.LbListener_TfResourceType())
	action := listener["default_action"].([]any)[0].(map[string]any)
	if listener["port"] != float64(80) || listener["protocol"] != "HTTP" || action["type"] != "forward" {
		t.Errorf("listener = %v", listener)
	}

	// Ingress: exactly 80 and 443 from each allowed CIDR; nothing else (the one rule from a group is the targets').
	ingress := doc.Resources(*vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType())
	for name := range doc.Where(*vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType(), map[string]any{"security_group_id": "sg-targets"}) {
		delete(ingress, name)
	}
	got := map[string]bool{}
	for _, r := range ingress {
		if r["from_port"] != r["to_port"] || r["ip_protocol"] != "tcp" {
			t.Errorf("ingress rule is a range or not TCP: %v", r)
		}
		got[r["cidr_ipv4"].(string)+":"+port(r["from_port"])] = true
	}
	want := []string{"203.0.113.0/24:80", "203.0.113.0/24:443", "198.51.100.0/24:80", "198.51.100.0/24:443"}
	if len(ingress) != len(want) {
		t.Errorf("ingress rules = %v, want %v", got, want)
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing ingress %s; have %v", w, got)
		}
	}

	// Egress: only to the targets' security group, on the target port, in the load balancer's scope.
	egress := doc.Resources(*vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType())
	for name, r := range egress {
		if len(egress) != 1 || r["referenced_security_group_id"] != "sg-targets" || r["from_port"] != float64(4000) || r["to_port"] != float64(4000) ||
			r["cidr_ipv4"] != nil || !strings.HasPrefix(name, "lb_egress-to-targets_") {
			t.Errorf("egress %s = %v", name, r)
		}
	}
}

func port(v any) string {
	f, _ := v.(float64)
	return fmt.Sprint(int(f))
}

func TestListeners(t *testing.T) {
	cases := []struct {
		name               string
		cert, domain, zone string
		wantURL            string // a suffix or the whole URL
		wantHTTPAction     string
		wantHTTPS, wantDNS bool
	}{
		{"HTTP only", "", "", "", "http://${aws_lb.", "forward", false, false},
		{"HTTPS", cert, "", "", "https://${aws_lb.", "redirect", true, false},
		{"HTTPS with a domain", cert, "llm.example.com", "Z0123456789ABC", "https://llm.example.com", "redirect", true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
			l := loadbalancer.New(stack, "lb", loadbalancer.Props{Name: "t", Network: net, CertificateArn: tc.cert, DomainName: tc.domain, HostedZoneID: tc.zone})
			cdktf.NewTerraformOutput(stack, jsii.String("url"), &cdktf.TerraformOutputConfig{Value: l.URL})
			doc := synthtest.Synth(t, stack)
			if url, _ := doc.Block("output")["url"]["value"].(string); !strings.HasPrefix(url, tc.wantURL) {
				t.Errorf("URL = %s, want %s...", url, tc.wantURL)
			}
			http := doc.Where(*lblistener.LbListener_TfResourceType(), map[string]any{"port": 80})
			https := doc.Where(*lblistener.LbListener_TfResourceType(), map[string]any{"port": 443})
			if len(http) != 1 || (len(https) == 1) != tc.wantHTTPS {
				t.Fatalf("listeners: %d on 80, %d on 443", len(http), len(https))
			}
			for _, h := range http {
				action := h["default_action"].([]any)[0].(map[string]any)
				if action["type"] != tc.wantHTTPAction {
					t.Errorf("port 80 action = %v, want %s", action, tc.wantHTTPAction)
				}
				if tc.wantHTTPAction == "redirect" && synthtest.JSON(action["redirect"]) != `{"port":"443","protocol":"HTTPS","status_code":"HTTP_301"}` {
					t.Errorf("redirect = %s", synthtest.JSON(action["redirect"]))
				}
			}
			for _, h := range https {
				if h["protocol"] != "HTTPS" || h["certificate_arn"] != cert || h["ssl_policy"] != "ELBSecurityPolicy-TLS13-1-2-2021-06" ||
					h["default_action"].([]any)[0].(map[string]any)["type"] != "forward" {
					t.Errorf("HTTPS listener = %v", h)
				}
			}
			records := doc.Resources(*route53record.Route53Record_TfResourceType())
			if (len(records) == 1) != tc.wantDNS {
				t.Fatalf("%d Route 53 records", len(records))
			}
			for _, r := range records {
				if r["name"] != tc.domain || r["zone_id"] != tc.zone || r["type"] != "A" || !strings.Contains(synthtest.JSON(r["alias"]), ".dns_name}") {
					t.Errorf("record = %v", r)
				}
			}
		})
	}
}

func TestAccessLogsAndWAF(t *testing.T) {
	const acl = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/litellm/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
	cases := []struct {
		name           string
		logBucket      bool // the stack's log bucket is passed
		bucket, webACL string
		wantLogs       string // access_logs; the log bucket's name is read through its policy
	}{
		{"neither", false, "", "", "null"},
		{"the stack's log bucket", true, "", "", `{"bucket":"${aws_s3_bucket_policy.POLICY.bucket}","enabled":true,"prefix":"alb"}`},
		{"the user's bucket and a WAF", false, "acme-alb-logs", acl, `{"bucket":"acme-alb-logs","enabled":true,"prefix":"t"}`},
		{"the user's bucket wins", true, "acme-alb-logs", "", `{"bucket":"acme-alb-logs","enabled":true,"prefix":"t"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
			p := loadbalancer.Props{Name: "t", Network: net, AccessLogsBucket: tc.bucket, WebACLArn: tc.webACL}
			if tc.logBucket {
				p.LogBucket = logbucket.New(stack, "logs", logbucket.Props{Name: "t", Region: "us-east-1", AccountID: "123456789012"})
			}
			loadbalancer.New(stack, "lb", p)
			doc := synthtest.Synth(t, stack)
			alb := doc.One(t, *lb.Lb_TfResourceType())
			want := tc.wantLogs
			for name := range doc.Resources(*s3bucketpolicy.S3BucketPolicy_TfResourceType()) {
				want = strings.Replace(want, "POLICY", name, 1)
			}
			if logs := synthtest.JSON(alb["access_logs"]); logs != want {
				t.Errorf("access logs = %s, want %s", logs, want)
			}
			waf := doc.Resources(*wafv2webaclassociation.Wafv2WebAclAssociation_TfResourceType())
			if (len(waf) == 1) != (tc.webACL != "") || len(waf) > 1 {
				t.Fatalf("%d WAF associations", len(waf))
			}
			for _, w := range waf {
				if w["web_acl_arn"] != acl || !strings.Contains(w["resource_arn"].(string), "aws_lb.") {
					t.Errorf("WAF association = %v", w)
				}
			}
		})
	}
}

func TestIdleTimeoutExposed(t *testing.T) {
	for _, seconds := range []int{0, 900} {
		stack := synthtest.NewStack()
		net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
		l := loadbalancer.New(stack, "lb", loadbalancer.Props{Name: "t", Network: net, IdleTimeoutSeconds: seconds})
		alb := synthtest.Synth(t, stack).One(t, *lb.Lb_TfResourceType())
		if float64(l.IdleTimeoutSeconds) != alb["idle_timeout"] || seconds == 0 && l.IdleTimeoutSeconds != loadbalancer.DefaultIdleTimeoutSeconds {
			t.Errorf("IdleTimeoutSeconds = %d, the load balancer's idle_timeout %v (asked for %d)", l.IdleTimeoutSeconds, alb["idle_timeout"], seconds)
		}
	}
}
