package cost

import (
	"strings"
	"testing"

	"litellm-aws/stacks"
)

func estimates(t *testing.T, opts Options) []Estimate {
	t.Helper()
	var es []Estimate
	for _, p := range stacks.All() {
		e, err := Monthly(p, opts)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	return es
}

func TestSideBySide(t *testing.T) {
	var b strings.Builder
	WriteSideBySide(&b, estimates(t, Options{}))
	out := b.String()
	header := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "litellm-benchmark") {
			header = line
			break
		}
	}
	for _, s := range []string{"litellm-benchmark", "litellm-two-instance", "litellm-eight-instance"} {
		if !strings.Contains(header, s) {
			t.Errorf("header %q lacks %s", header, s)
		}
	}
	for _, want := range []string{
		"as of " + PricesAsOf, "not fetched live",
		"Fargate vCPU", "Fargate memory", "RDS instance", "RDS storage", "ALB hours", "ALB LCUs",
		"NAT gateway hours", "Public IPv4 addresses", "Secrets Manager", "Data transfer out",
		"CloudWatch Logs ingestion", "Container Insights",
		"$472.81", "$236.40", "$945.61", // Fargate vCPU for 4, 2 and 8 tasks
		"$701.73", "Total per month", "Seed's figure", "~$440-460",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("side by side lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ElastiCache") {
		t.Errorf("Redis shown while off:\n%s", out)
	}
}

func TestSideBySideWithRedis(t *testing.T) {
	var b strings.Builder
	WriteSideBySide(&b, estimates(t, Options{RedisNodeType: "cache.t4g.medium"}))
	if got := strings.Count(b.String(), "$94.90"); got != 3 {
		t.Errorf("Redis cache.t4g.medium x 2 ($94.90) shown %d times, want once per stack:\n%s", got, b.String())
	}
}

func TestItemised(t *testing.T) {
	cases := []struct {
		profile stacks.Profile
		want    []string
		not     []string
	}{
		{profile: stacks.Benchmark(), want: []string{
			"litellm-benchmark: 4 tasks of 4 vCPU / 8 GB, db.t3.medium single-AZ with 100 GB gp3, 2 zones, 1 NAT gateway",
			"11,680 x $0.04048/vCPU-hour", "23,360 x $0.004445/GB-hour", "$701.73", "$709.94 - $1,621.23",
			"Next to the seed's figure", "~$350", "$576.64", "not listed", "Why they differ",
			"rows add up to ~$440-480", "Container Insights is on for the cluster and is extra",
		}},
		{profile: stacks.TwoInstance(), want: []string{
			"litellm-two-instance: 2 tasks", "only for the benchmark's 4 tasks", "1,036 req/s",
		}, not: []string{"Why they differ"}},
		{profile: stacks.EightInstance(), want: []string{
			"litellm-eight-instance: 8 tasks", "twice LiteLLM's published", "$1,278.37",
		}, not: []string{"Why they differ"}},
	}
	for _, c := range cases {
		t.Run(c.profile.StackName, func(t *testing.T) {
			e, err := Monthly(c.profile, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			WriteItemised(&b, e)
			out := b.String()
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
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
