package cost

import (
	"regexp"
	"strings"
	"testing"
)

func estimates(t *testing.T, o option, opts Options) []Estimate {
	t.Helper()
	var es []Estimate
	for _, s := range stacksFor(t, o) {
		es = append(es, estimate(t, s, opts))
	}
	return es
}

func TestSideBySide(t *testing.T) {
	var b strings.Builder
	es := estimates(t, plain, Options{})
	WriteSideBySide(&b, es)
	out := b.String()
	header := ""
	for _, row := range strings.Split(out, "\n") {
		if strings.Contains(row, benchmark) {
			header = row
			break
		}
	}
	for _, s := range []string{"litellm-benchmark", "litellm-two-instance", "litellm-eight-instance"} {
		if !strings.Contains(header, s) {
			t.Errorf("header %q lacks %s", header, s)
		}
	}
	for _, want := range []string{
		"as of " + PricesAsOf, "not fetched live", "synthesized stack",
		"Fargate vCPU", "Fargate memory", "RDS instance", "RDS storage", "ALB hours", "ALB LCUs",
		"NAT gateway hours", "Public IPv4, load balancer", "Public IPv4, Elastic IPs", "Secrets Manager", "KMS keys",
		"CloudWatch alarms", "CloudWatch dashboards", "Data transfer out", "CloudWatch Logs ingestion", "Container Insights",
		"$472.81", "$236.40", "$945.61", // Fargate vCPU for 4, 2 and 8 tasks
		usd(es[0].AlwaysOn()), usdRange(es[0].Total()), "Total per month", "Seed's figure", "~$440-460",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("side by side lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Incomplete") {
		t.Errorf("incomplete:\n%s", out)
	}
	// Redis by default on the two stacks that run more than one instance, not on the benchmark.
	if row := regexp.MustCompile(`(?m)^\s*ElastiCache Redis\s+-\s+\$94\.90\s+\$94\.90\s*$`); !row.MatchString(out) {
		t.Errorf("want ElastiCache Redis: none on the benchmark, cache.t4g.medium x 2 ($94.90) on two- and eight-instance:\n%s", out)
	}
}

func TestSideBySideRedisSwitch(t *testing.T) {
	cases := []struct {
		opt   option
		count int
	}{
		{options[1], 3}, // LITELLM_REDIS=on: every stack
		{redisOff, 0},   // LITELLM_REDIS=off: the seed's bill, none
	}
	for _, tc := range cases {
		t.Run(tc.opt.name, func(t *testing.T) {
			var b strings.Builder
			WriteSideBySide(&b, estimates(t, tc.opt, Options{}))
			if got := strings.Count(b.String(), "$94.90"); got != tc.count {
				t.Errorf("Redis cache.t4g.medium x 2 ($94.90) shown %d times, want %d:\n%s", got, tc.count, b.String())
			}
			if tc.count == 0 && strings.Contains(b.String(), "ElastiCache") {
				t.Errorf("Redis shown while off:\n%s", b.String())
			}
		})
	}
}

func TestItemised(t *testing.T) {
	cases := []struct {
		stack string
		opt   option
		want  []string
		not   []string
	}{
		{stack: benchmark, opt: plain, want: []string{
			"litellm-benchmark: 4 tasks of 4 vCPU / 8 GB, db.t3.medium single-AZ with 100 GB gp3, 2 zones, 1 NAT gateway",
			"synthesized here) with its variables' defaults",
			"11,680 x $0.04048/vCPU-hour", "23,360 x $0.004445/GB-hour",
			"9 x $0.10/alarm-metric-month", "1 x $1.00/key-month", "1 x $3.00/dashboard-month",
			"secrets: litellm-benchmark-database-url, litellm-benchmark-master-key",
			"Free, or billed through a line above", "aws_vpc", "aws_iam_role x 5, aws_iam_role_policy x 5: IAM is free",
			"Billed but not counted", "aws_s3_bucket: holds kilobytes (config.yaml",
			"Next to the seed's figure", "~$350", "$576.64", "not listed", "Why they differ",
			"rows add up to ~$440-480", "Container Insights is on for litellm-benchmark-LiteLLM-Cluster and is extra",
			"Redis is off: LITELLM_REDIS=on ./help cost litellm-benchmark",
		}, not: []string{"AWS-managed KMS keys", "cache.t4g.medium", "unpriced"}},
		{stack: "litellm-two-instance", opt: plain, want: []string{
			"litellm-two-instance: 2 tasks", "only for the benchmark's 4 tasks", "1,036 req/s", "LiteLLM's published rate for 2 instances",
		}, not: []string{"Why they differ"}},
		{stack: "litellm-eight-instance", opt: options[3], want: []string{
			"litellm-eight-instance: 8 tasks", "Redis cache.t4g.medium x 2, autoscaling to 10 tasks", "4-instance rate, 292.5 per task, x 8",
			"litellm-eight-instance-redis-auth-token", "Autoscaling alarms", "ElastiCache Redis", "Redis: tasks in other zones",
		}, not: []string{"Why they differ", "Redis is off"}},
	}
	for _, c := range cases {
		t.Run(c.stack+"/"+c.opt.name, func(t *testing.T) {
			var b strings.Builder
			WriteItemised(&b, estimate(t, stackFor(t, c.opt, c.stack), Options{}))
			out := strings.Join(strings.Fields(b.String()), " ") // notes wrap anywhere
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, n := range c.not {
				if strings.Contains(out, n) {
					t.Errorf("has %q:\n%s", n, out)
				}
			}
		})
	}
}

func TestFormatting(t *testing.T) {
	cases := []struct{ got, want string }{
		{usd(0), "$0.00"},
		{usd(16.425), "$16.43"},
		{usd(1621.225265), "$1,621.23"},
		{usd(1234567.891), "$1,234,567.89"},
		{usdRange(0, 46.917), "$0.00 - $46.92"},
		{usdRange(0.801, 0.799), "$0.80"},
		{usdWhole(440, 460), "$440-460"},
		{num(11680), "11,680"},
		{num(5864.6393), "5,865"},
		{num(0.4177), "0.42"},
		{num(4), "4"},
		{fmtPrice(0.04048), "0.04048"},
		{fmtPrice(0.4), "0.40"},
		{fmtPrice(1), "1.00"},
		{andList([]string{"a", "b", "c"}), "a, b and c"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
