package cost

import (
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"litellm-aws/constructs/database"
	"litellm-aws/stacks"
)

// expected computes every line of an estimate again, independently, from the profile's values and the unit
// prices in the table, so that a price change moves both sides and a formula change does not go unseen.
func expected(t *testing.T, profile stacks.Profile, o Options) map[string][2]float64 {
	t.Helper()
	p := profile.WithDefaults()
	tb := USEast1
	zones := len(p.AvailabilityZones)
	if zones == 0 {
		zones = 2 // the network's default: the region's a and b zones
	}
	nats := 1
	if p.NatGatewayPerZone {
		nats = zones
	}
	copies := 1.0
	if p.DBMultiAZ {
		copies = 2
	}
	rps := o.RequestsPerSecond
	if rps == 0 {
		rps = map[int]float64{2: 1035.7, 4: 1170, 8: 2340}[p.DesiredTaskCount]
	}
	kb := o.KBPerRequest
	if kb == 0 {
		kb = 2
	}
	tasks := float64(p.DesiredTaskCount)
	gbMonth := rps * 3600 * 730 * kb / 1024 / 1024
	same := func(x float64) [2]float64 { return [2]float64{x, x} }
	span := func(lo, hi float64) [2]float64 { return [2]float64{lo, hi} }

	want := map[string][2]float64{
		"Fargate vCPU":          same(tasks * float64(p.TaskCPU) / 1024 * 730 * tb.FargateVCPUHour.USD),
		"Fargate memory":        same(tasks * float64(p.TaskMemoryMiB) / 1024 * 730 * tb.FargateGBHour.USD),
		"RDS instance":          same(copies * 730 * tb.RDSInstanceHour[p.DBInstanceClass].USD),
		"RDS storage":           same(copies * database.DefaultAllocatedStorageGB * tb.RDSGP3GBMonth.USD),
		"ALB hours":             same(730 * tb.ALBHour.USD),
		"NAT gateway hours":     same(float64(nats) * 730 * tb.NATGatewayHour.USD),
		"Public IPv4 addresses": same(float64(zones+nats) * 730 * tb.PublicIPv4Hour.USD),
		"Secrets Manager":       same(2 * tb.SecretMonth.USD),

		"ALB LCUs":                   span(0, gbMonth*tb.ALBLCUHour.USD),
		"NAT gateway data processed": span(0, gbMonth*tb.NATGatewayGB.USD),
		"Data transfer out":          span(0, gbMonth*tb.DataTransferOutGB.USD),
		"CloudWatch Logs ingestion":  span(1*tb.LogsIngestGB.USD, 20*tb.LogsIngestGB.USD),
		"Container Insights metrics": span(25*tb.CustomMetricMonth.USD, 40*tb.CustomMetricMonth.USD),
		"Container Insights events":  same((2*tasks + 2) * 60 * 730 / 1024 / 1024 * tb.LogsIngestGB.USD),
	}
	if !p.NatGatewayPerZone {
		// Tasks outside the NAT gateway's zone cross zones to reach it, billed on both sides.
		crossing := gbMonth * float64(zones-1) / float64(zones)
		want["Inter-AZ to the NAT gateway"] = span(0, 2*crossing*tb.InterAZGB.USD)
	}
	if o.RedisNodeType != "" {
		nodes := o.RedisNodes
		if nodes == 0 {
			nodes = 2
		}
		want["ElastiCache Redis"] = same(float64(nodes) * 730 * tb.ElastiCacheNodeHour[o.RedisNodeType].USD)
	}
	return want
}

func TestLinesFollowUnitPrices(t *testing.T) {
	multiAZ := stacks.Benchmark()
	multiAZ.DBMultiAZ = true
	natPerZone := stacks.EightInstance()
	natPerZone.NatGatewayPerZone = true
	natPerZone.AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	threeZonesShared := stacks.TwoInstance()
	threeZonesShared.AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	bigTasks := stacks.Benchmark()
	bigTasks.TaskCPU, bigTasks.TaskMemoryMiB, bigTasks.DBInstanceClass = 8192, 16384, "db.r7g.xlarge"
	six := stacks.Benchmark()
	six.DesiredTaskCount = 6

	cases := []struct {
		name    string
		profile stacks.Profile
		opts    Options
	}{
		{name: "benchmark", profile: stacks.Benchmark()},
		{name: "two instance", profile: stacks.TwoInstance()},
		{name: "eight instance", profile: stacks.EightInstance()},
		{name: "multi-AZ database", profile: multiAZ},
		{name: "NAT gateway per zone, three zones", profile: natPerZone},
		{name: "three zones, one NAT gateway", profile: threeZonesShared},
		{name: "8 vCPU tasks on r7g", profile: bigTasks},
		{name: "six tasks, rate per task", profile: six, opts: Options{RequestsPerSecond: 1170.0 / 4 * 6}},
		{name: "redis, default node count", profile: stacks.Benchmark(), opts: Options{RedisNodeType: "cache.t4g.medium"}},
		{name: "redis, three nodes", profile: stacks.EightInstance(), opts: Options{RedisNodeType: "cache.r7g.large", RedisNodes: 3}},
		{name: "given load", profile: stacks.Benchmark(), opts: Options{RequestsPerSecond: 50, KBPerRequest: 16}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Monthly(c.profile, c.opts)
			if err != nil {
				t.Fatalf("Monthly: %v", err)
			}
			want := expected(t, c.profile, c.opts)
			got := map[string][2]float64{}
			for _, l := range e.Lines {
				if _, dup := got[l.Item]; dup {
					t.Errorf("line %q appears twice", l.Item)
				}
				got[l.Item] = [2]float64{l.Low, l.High}
				if l.Low != l.LowQty*l.Price.USD || l.High != l.HighQty*l.Price.USD {
					t.Errorf("%s: %v-%v is not quantity %v-%v x price %v", l.Item, l.Low, l.High, l.LowQty, l.HighQty, l.Price.USD)
				}
				if l.Usage == (l.Low == l.High && l.Item != "Container Insights events") {
					t.Errorf("%s: Usage %v but %v-%v", l.Item, l.Usage, l.Low, l.High)
				}
			}
			if !reflect.DeepEqual(keys(got), keys(want)) {
				t.Errorf("lines %v, want %v", keys(got), keys(want))
			}
			for item, w := range want {
				g := got[item]
				if !near(g[0], w[0]) || !near(g[1], w[1]) {
					t.Errorf("%s = $%.4f-%.4f, want $%.4f-%.4f", item, g[0], g[1], w[0], w[1])
				}
			}
			var sumLow, sumHigh float64
			for _, w := range want {
				sumLow += w[0]
				sumHigh += w[1]
			}
			if low, high := e.Total(); !near(low, sumLow) || !near(high, sumHigh) {
				t.Errorf("Total = %.4f-%.4f, want the lines' sum %.4f-%.4f", low, high, sumLow, sumHigh)
			}
		})
	}
}

// TestBenchmarkByHand pins the benchmark's figures, worked out by hand from the prices of PricesAsOf. A
// price change in prices.go needs them worked out again; a formula change must not move them.
func TestBenchmarkByHand(t *testing.T) {
	e, err := Monthly(stacks.Benchmark(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 1170 req/s x 3600 s x 730 h x 2 KiB / 2^20 = 5,864.6393 GiB a month on each leg.
	const gb = 1170.0 * 3600 * 730 * 2 / 1048576
	cases := []struct {
		item      string
		low, high float64
	}{
		{"Fargate vCPU", 472.8064, 472.8064},              // 4 x 4 vCPU x 730 h x $0.04048
		{"Fargate memory", 103.8352, 103.8352},            // 4 x 8 GB x 730 h x $0.004445
		{"RDS instance", 52.56, 52.56},                    // 730 h x $0.072
		{"RDS storage", 11.50, 11.50},                     // 100 GB x $0.115
		{"ALB hours", 16.425, 16.425},                     // 730 h x $0.0225
		{"NAT gateway hours", 32.85, 32.85},               // 730 h x $0.045
		{"Public IPv4 addresses", 10.95, 10.95},           // (2 ALB + 1 NAT) x 730 h x $0.005
		{"Secrets Manager", 0.80, 0.80},                   // 2 x $0.40
		{"ALB LCUs", 0, 46.917115},                        // 5,864.64 LCU-hours x $0.008
		{"NAT gateway data processed", 0, 263.908768},     // 5,864.64 GB x $0.045
		{"Inter-AZ to the NAT gateway", 0, 58.646393},     // half of it crosses zones, $0.01 on each side
		{"Data transfer out", 0, 527.817535},              // 5,864.64 GB x $0.09
		{"CloudWatch Logs ingestion", 0.50, 10},           // 1-20 GB x $0.50
		{"Container Insights metrics", 7.50, 12},          // 25-40 x $0.30
		{"Container Insights events", 0.208855, 0.208855}, // 10 a minute x 1 KiB x 43,800 min x $0.50/GiB
	}
	for _, c := range cases {
		l, ok := e.Line(c.item)
		if !ok {
			t.Errorf("no line %q", c.item)
			continue
		}
		if !near(l.Low, c.low) || !near(l.High, c.high) {
			t.Errorf("%s = $%.6f-%.6f, want $%.6f-%.6f", c.item, l.Low, l.High, c.low, c.high)
		}
	}
	if got := e.AlwaysOn(); !near(got, 701.7266) {
		t.Errorf("AlwaysOn = %.4f, want 701.7266", got)
	}
	if low, high := e.Total(); !near(low, 709.935455) || !near(high, 1621.225265) {
		t.Errorf("Total = %.6f-%.6f, want 709.935455-1621.225265", low, high)
	}
	if low, high := e.Group(GroupFargate); !near(low, 576.6416) || low != high {
		t.Errorf("Fargate = %.4f-%.4f, want 576.6416 (the brief's ~$577, not the seed's $350)", low, high)
	}
	if !near(e.trafficGB(), gb) {
		t.Errorf("traffic = %.4f GB, want %.4f", e.trafficGB(), gb)
	}
}

func TestEveryInstanceClassHasAPrice(t *testing.T) {
	for _, class := range database.InstanceClassNames() {
		p, ok := USEast1.RDSInstanceHour[class]
		if !ok {
			t.Errorf("%s: accepted by the database construct but missing from the price table", class)
			continue
		}
		if p.USD <= 0 {
			t.Errorf("%s: price %v", class, p.USD)
		}
	}
	for class := range USEast1.RDSInstanceHour {
		if _, ok := database.InstanceClasses[class]; !ok {
			t.Errorf("%s: priced but not a class the database construct accepts", class)
		}
	}
}

func TestEveryPriceHasDateAndSource(t *testing.T) {
	prices := map[string]Price{}
	v := reflect.ValueOf(USEast1)
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		switch f := v.Field(i).Interface().(type) {
		case Price:
			prices[name] = f
		case map[string]Price:
			for k, p := range f {
				prices[name+"["+k+"]"] = p
			}
		}
	}
	if len(prices) < 20 {
		t.Fatalf("found only %d prices", len(prices))
	}
	for name, p := range prices {
		if p.USD <= 0 || p.Unit == "" || p.AsOf != PricesAsOf || !strings.HasPrefix(p.Source, "https://aws.amazon.com/") {
			t.Errorf("%s = %+v: want a positive USD, a unit, AsOf %s and an aws.amazon.com pricing page", name, p, PricesAsOf)
		}
	}
	for _, node := range []string{"cache.t4g.medium", "cache.t3.medium", "cache.m7g.large", "cache.r7g.large"} {
		if _, ok := USEast1.ElastiCacheNodeHour[node]; !ok {
			t.Errorf("no price for the common Redis node type %s", node)
		}
	}
}

func TestMissingPriceIsNotZero(t *testing.T) {
	unknownClass := stacks.Benchmark()
	unknownClass.DBInstanceClass = "db.x2g.large"
	cases := []struct {
		name    string
		profile stacks.Profile
		opts    Options
		item    string
		want    []string // in the error
	}{
		{name: "RDS class", profile: unknownClass, item: "RDS instance",
			want: []string{`RDS instance class "db.x2g.large" has no price`, "cost/prices.go", "db.t3.medium"}},
		{name: "Redis node type", profile: stacks.Benchmark(), opts: Options{RedisNodeType: "cache.x9.huge"}, item: "ElastiCache Redis",
			want: []string{`ElastiCache node type "cache.x9.huge" has no price`, "cache.t4g.medium"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Monthly(c.profile, c.opts)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			l, ok := e.Line(c.item)
			if !ok || l.Missing == "" {
				t.Fatalf("line %q = %+v, want it marked Missing", c.item, l)
			}
			if len(e.Lines) < 10 {
				t.Errorf("only %d lines: the rest of the estimate should still be there", len(e.Lines))
			}
			var b strings.Builder
			WriteItemised(&b, e)
			out := b.String()
			for _, line := range strings.Split(out, "\n") {
				// The line itself, and its group's row next to the seed's figure.
				if strings.HasPrefix(line, "  "+c.item+" ") || strings.HasPrefix(line, "  "+l.Group+" ") {
					if !strings.Contains(line, "no price") || strings.Contains(line, "$0.00") {
						t.Errorf("line prints as %q: want \"no price\", not $0.00", line)
					}
				}
			}
			if !strings.Contains(out, "The total is incomplete") || !strings.Contains(out, "+ unpriced") {
				t.Errorf("output does not flag the total as incomplete:\n%s", out)
			}
		})
	}
}

func TestOptionsValidation(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"negative rate", Options{RequestsPerSecond: -1}, "request rate -1 is negative"},
		{"negative size", Options{KBPerRequest: -2}, "KB per request -2 is negative"},
		{"nodes without a type", Options{RedisNodes: 2}, "Redis node count 2 given without a node type"},
		{"too many nodes", Options{RedisNodeType: "cache.t4g.medium", RedisNodes: 7}, "Redis node count 7 is out of range: allowed 1-6"},
		{"negative nodes", Options{RedisNodeType: "cache.t4g.medium", RedisNodes: -1}, "Redis node count -1 is out of range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Monthly(stacks.Benchmark(), c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestOtherRegionIsFlagged(t *testing.T) {
	p := stacks.Benchmark()
	p.Region = "eu-west-1"
	_, err := Monthly(p, Options{})
	if err == nil || !strings.Contains(err.Error(), "region eu-west-1: the price table (cost/prices.go) holds us-east-1 prices only") {
		t.Errorf("error = %v", err)
	}
}

func TestLookup(t *testing.T) {
	for _, p := range stacks.All() {
		got, err := Lookup(p.StackName)
		if err != nil || got.StackName != p.StackName {
			t.Errorf("Lookup(%q) = %q, %v", p.StackName, got.StackName, err)
		}
	}
	_, err := Lookup("litellm-bogus")
	want := `unknown stack "litellm-bogus": allowed litellm-benchmark, litellm-two-instance, litellm-eight-instance`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestLoadRPS(t *testing.T) {
	for tasks, want := range map[int]float64{2: 1035.7, 4: 1170, 8: 2340, 1: 292.5, 6: 1755} {
		if got := LoadRPS(tasks); !near(got, want) {
			t.Errorf("LoadRPS(%d) = %v, want %v", tasks, got, want)
		}
	}
}

func keys(m map[string][2]float64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-5 }

// TestRedisFollowsTheProfile: a profile with Redis (LITELLM_REDIS=on) is priced with the stack's own node
// type and count, without any flag.
func TestRedisFollowsTheProfile(t *testing.T) {
	p := stacks.Benchmark()
	p.Redis = true
	e, err := Monthly(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := USEast1.ElastiCacheNodeHour["cache.t4g.medium"].USD * 2 * 730
	for _, l := range e.Lines {
		if strings.Contains(l.Item, "Redis") {
			if math.Abs(l.Low-want) > 0.005 {
				t.Errorf("Redis line = %v, want %.2f", l, want)
			}
			return
		}
	}
	t.Fatalf("no Redis line in %v", e.Lines)
}
