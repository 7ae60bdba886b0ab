package cost

import (
	"fmt"
	"sort"
	"strings"

	rediscache "litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/network"
	"litellm-aws/internal/check"
	"litellm-aws/stacks"
)

// Options are the inputs an estimate takes beyond the profile.
type Options struct {
	// RedisNodeType is the ElastiCache node type of a Redis replication group, such as cache.t4g.medium.
	// Default: the stack's own (cache.DefaultNodeType) when the profile has Redis (LITELLM_REDIS), else none.
	RedisNodeType string
	// RedisNodes is the replication group's node count. Default: 2 (a primary and a replica) when
	// RedisNodeType is set.
	RedisNodes int
	// RequestsPerSecond is the average request rate over the whole month that the high end of the usage
	// lines assumes. Default: LiteLLM's published benchmark rate for the profile's task count (LoadRPS).
	RequestsPerSecond float64
	// KBPerRequest is a request and its response together, in KiB. Each request crosses the load balancer
	// once (client to task) and the NAT gateway once (task to the model provider) with about this much, and
	// about this much leaves AWS: the response to the client plus the request to the provider.
	// Default: 2, the benchmark's short chat completion with LiteLLM's and the provider's headers.
	KBPerRequest float64
}

// Defaults and the assumptions behind the lines that are estimates rather than list prices.
const (
	DefaultRedisNodes   = 2
	DefaultKBPerRequest = 2.0
	// MaxRedisNodes is a replication group with cluster mode off: a primary and up to five replicas.
	MaxRedisNodes = 6
	// Secrets is how many Secrets Manager secrets a stack holds: <stack>-master-key and <stack>-database-url.
	Secrets = 2
	// LogsGBLow and LogsGBHigh bound CloudWatch Logs ingestion a month: LiteLLM logs at ERROR, the
	// database logs slow queries and connections, and VPC flow logs record every connection.
	LogsGBLow, LogsGBHigh = 1.0, 20.0
	// InsightsMetricsLow and InsightsMetricsHigh bound the custom metrics Container Insights publishes for
	// one cluster and one service (cluster, service and task-family dimensions).
	InsightsMetricsLow, InsightsMetricsHigh = 25.0, 40.0
	// InsightsEventKB is one Container Insights performance log event; one a minute for each task, each
	// container (one a task), the service and the cluster.
	InsightsEventKB = 1.0
)

// publishedRPS is LiteLLM's published benchmark rate by task count (docs.litellm.ai/docs/benchmarks; 8 is
// derived as twice 4), the figures loadtest judges runs against.
var publishedRPS = map[int]float64{2: 1035.7, 4: 1170, 8: 2340}

// LoadRPS is the request rate the usage lines' high end assumes for a task count by default: the published
// rate, or the 4-task rate per task for counts the benchmark did not run.
func LoadRPS(tasks int) float64 {
	if r, ok := publishedRPS[tasks]; ok {
		return r
	}
	return publishedRPS[4] / 4 * float64(tasks)
}

// Line is one item of the bill.
type Line struct {
	// Item names what is billed; the same item has the same name in every profile's estimate.
	Item string
	// Group is the row of the seed's cost table the line belongs to, or the service for rows it lacks.
	Group string
	// Detail says how the quantity was counted.
	Detail string
	// Price is the unit price; LowQty and HighQty are how many units a month.
	Price           Price
	LowQty, HighQty float64
	// Low and High are USD a month: the quantities times the price. Equal unless Usage.
	Low, High float64
	// Usage marks a line driven by traffic, or an estimate: a range rather than a list price.
	Usage bool
	// Missing names what the table has no price for, such as "RDS instance class db.x2g.large"; the line's
	// cost is then unknown, not zero, and Low and High are not set.
	Missing string
}

// Estimate is one profile's monthly bill, line by line.
type Estimate struct {
	// Profile is the profile with its defaults applied.
	Profile stacks.Profile
	// Zones, NATGateways and PublicIPv4 are counted from the profile as the network builds them.
	Zones, NATGateways, PublicIPv4 int
	// StorageGB is the database's allocated gp3 storage.
	StorageGB int
	// RequestsPerSecond and KBPerRequest are the load the usage lines' high end assumes.
	RequestsPerSecond, KBPerRequest float64
	// Redis is on when RedisNodeType was given.
	RedisNodeType string
	RedisNodes    int
	Lines         []Line
}

// Monthly estimates a profile's bill for a month of 730 hours. The error, if any, lists every line the
// price table cannot price (or a profile outside the table's region); the estimate is still returned,
// with those lines marked Missing rather than priced at $0.
func Monthly(profile stacks.Profile, opts Options) (Estimate, error) {
	p := profile.WithDefaults()
	if err := opts.validate(); err != nil {
		return Estimate{}, err
	}
	if p.Redis && opts.RedisNodeType == "" {
		opts.RedisNodeType, opts.RedisNodes = rediscache.DefaultNodeType, rediscache.DefaultNodes
	}
	if opts.RedisNodeType != "" && opts.RedisNodes == 0 {
		opts.RedisNodes = DefaultRedisNodes
	}
	if opts.RequestsPerSecond == 0 {
		opts.RequestsPerSecond = LoadRPS(p.DesiredTaskCount)
	}
	if opts.KBPerRequest == 0 {
		opts.KBPerRequest = DefaultKBPerRequest
	}
	t := USEast1
	var problems check.Problems
	if p.Region != t.Region {
		problems.Addf("region %s: the price table (cost/prices.go) holds %s prices only", p.Region, t.Region)
	}

	zones := len(network.Props{Region: p.Region, AvailabilityZones: p.AvailabilityZones}.WithDefaults().AvailabilityZones)
	nats := 1
	if p.NatGatewayPerZone {
		nats = zones
	}
	e := Estimate{
		Profile:           p,
		Zones:             zones,
		NATGateways:       nats,
		PublicIPv4:        zones + nats, // the ALB's one per zone, each NAT gateway's Elastic IP
		StorageGB:         database.DefaultAllocatedStorageGB,
		RequestsPerSecond: opts.RequestsPerSecond,
		KBPerRequest:      opts.KBPerRequest,
		RedisNodeType:     opts.RedisNodeType,
		RedisNodes:        opts.RedisNodes,
	}

	const h = HoursPerMonth
	tasks := float64(p.DesiredTaskCount)
	vcpu := float64(p.TaskCPU) / 1024
	memGB := float64(p.TaskMemoryMiB) / 1024
	fixed := func(item, group, detail string, price Price, qty float64) {
		e.Lines = append(e.Lines, Line{Item: item, Group: group, Detail: detail, Price: price, LowQty: qty, HighQty: qty})
	}
	usage := func(item, group, detail string, price Price, low, high float64) {
		e.Lines = append(e.Lines, Line{Item: item, Group: group, Detail: detail, Price: price, LowQty: low, HighQty: high, Usage: true})
	}
	missing := func(item, group, detail, what string, qty float64, problem string) {
		e.Lines = append(e.Lines, Line{Item: item, Group: group, Detail: detail, LowQty: qty, HighQty: qty, Missing: what})
		problems.Addf("%s", problem)
	}

	// Always on.
	fixed("Fargate vCPU", GroupFargate, fmt.Sprintf("%d tasks x %s vCPU x %d h", p.DesiredTaskCount, num(vcpu), h),
		t.FargateVCPUHour, tasks*vcpu*h)
	fixed("Fargate memory", GroupFargate, fmt.Sprintf("%d tasks x %s GB x %d h", p.DesiredTaskCount, num(memGB), h),
		t.FargateGBHour, tasks*memGB*h)

	instances, az := 1, "single-AZ"
	if p.DBMultiAZ {
		instances, az = 2, "Multi-AZ, primary and standby"
	}
	dbDetail := fmt.Sprintf("%s, %s: %d x %d h", p.DBInstanceClass, az, instances, h)
	if price, ok := t.RDSInstanceHour[p.DBInstanceClass]; ok {
		fixed("RDS instance", GroupRDS, dbDetail, price, float64(instances*h))
	} else {
		missing("RDS instance", GroupRDS, dbDetail, "RDS instance class "+p.DBInstanceClass, float64(instances*h),
			fmt.Sprintf("RDS instance class %q has no price in the table (cost/prices.go): priced classes are %s",
				p.DBInstanceClass, strings.Join(sortedKeys(t.RDSInstanceHour), ", ")))
	}
	storageDetail := fmt.Sprintf("%d GB gp3", e.StorageGB)
	if p.DBMultiAZ {
		storageDetail += " x 2 (Multi-AZ)"
	}
	fixed("RDS storage", GroupRDS, storageDetail, t.RDSGP3GBMonth, float64(e.StorageGB*instances))

	fixed("ALB hours", GroupALB, fmt.Sprintf("1 load balancer x %d h", h), t.ALBHour, h)
	natDetail := fmt.Sprintf("1, shared by %d zones, x %d h", zones, h)
	if p.NatGatewayPerZone {
		natDetail = fmt.Sprintf("%d, one per zone, x %d h", nats, h)
	}
	fixed("NAT gateway hours", GroupNAT, natDetail, t.NATGatewayHour, float64(nats*h))
	eips := "NAT gateway Elastic IP"
	if nats > 1 {
		eips += "s"
	}
	fixed("Public IPv4 addresses", GroupIPv4, fmt.Sprintf("%d (ALB, one per zone) + %d (%s) x %d h", zones, nats, eips, h),
		t.PublicIPv4Hour, float64(e.PublicIPv4*h))
	fixed("Secrets Manager", GroupSecrets, fmt.Sprintf("%d secrets: %s-master-key, %s-database-url", Secrets, p.StackName, p.StackName),
		t.SecretMonth, Secrets)
	if opts.RedisNodeType != "" {
		detail := fmt.Sprintf("%s x %d nodes x %d h", opts.RedisNodeType, opts.RedisNodes, h)
		if price, ok := t.ElastiCacheNodeHour[opts.RedisNodeType]; ok {
			fixed("ElastiCache Redis", GroupRedis, detail, price, float64(opts.RedisNodes*h))
		} else {
			missing("ElastiCache Redis", GroupRedis, detail, "ElastiCache node type "+opts.RedisNodeType, float64(opts.RedisNodes*h),
				fmt.Sprintf("ElastiCache node type %q has no price in the table (cost/prices.go): priced types are %s",
					opts.RedisNodeType, strings.Join(sortedKeys(t.ElastiCacheNodeHour), ", ")))
		}
	}

	// Traffic: from idle to the load, the same GB on every leg. With connections reused, processed bytes
	// are the LCU dimension that counts: 1 LCU-hour per GB an hour, so a month's LCU-hours equal its GB.
	gb := e.trafficGB()
	usage("ALB LCUs", GroupALB, "1 LCU per GB processed an hour, connections reused", t.ALBLCUHour, 0, gb)
	usage("NAT gateway data processed", GroupNAT, "the tasks' calls to the model provider", t.NATGatewayGB, 0, gb)
	if !p.NatGatewayPerZone && zones > 1 {
		crossing := gb * float64(zones-1) / float64(zones)
		usage("Inter-AZ to the NAT gateway", GroupTransfer,
			fmt.Sprintf("from %s without it: up to %s GB, billed on each side", zonesText(zones-1), num(crossing)),
			t.InterAZGB, 0, 2*crossing)
	}
	usage("Data transfer out", GroupTransfer, "responses to clients, requests to the model provider", t.DataTransferOutGB, 0, gb)
	usage("CloudWatch Logs ingestion", GroupCloudWatch, "assumed: service, database and VPC flow logs",
		t.LogsIngestGB, LogsGBLow, LogsGBHigh)
	usage("Container Insights metrics", GroupCloudWatch, "assumed: one cluster, one service",
		t.CustomMetricMonth, InsightsMetricsLow, InsightsMetricsHigh)
	events := (2*tasks + 2) * InsightsEventKB * 60 * h / (1 << 20)
	usage("Container Insights events", GroupCloudWatch,
		fmt.Sprintf("%s events a minute (tasks, containers, service, cluster) x %s KB", num(2*tasks+2), num(InsightsEventKB)),
		t.LogsIngestGB, events, events)

	for i := range e.Lines {
		l := &e.Lines[i]
		if l.Missing == "" {
			l.Low, l.High = l.LowQty*l.Price.USD, l.HighQty*l.Price.USD
		}
	}
	return e, problems.Err(fmt.Sprintf("estimate for %s is incomplete", p.StackName))
}

// trafficGB is the GB (GiB, as AWS bills them) a month each leg carries at the load.
func (e Estimate) trafficGB() float64 {
	return e.RequestsPerSecond * 3600 * HoursPerMonth * e.KBPerRequest / (1 << 20)
}

// The groups lines add up under: the seed's four rows, then what the seed leaves out.
const (
	GroupFargate    = "ECS Fargate"
	GroupRDS        = "RDS PostgreSQL"
	GroupALB        = "Application Load Balancer"
	GroupTransfer   = "Data transfer"
	GroupNAT        = "NAT gateway"
	GroupIPv4       = "Public IPv4 addresses"
	GroupSecrets    = "Secrets Manager"
	GroupCloudWatch = "CloudWatch"
	GroupRedis      = "ElastiCache Redis"
)

func (o Options) validate() error {
	var errs check.Problems
	if o.RequestsPerSecond < 0 {
		errs.Addf("request rate %v is negative: allowed 0 (the published rate) or more", o.RequestsPerSecond)
	}
	if o.KBPerRequest < 0 {
		errs.Addf("KB per request %v is negative: allowed 0 (the default, %v) or more", o.KBPerRequest, DefaultKBPerRequest)
	}
	switch {
	case o.RedisNodes < 0 || o.RedisNodes > MaxRedisNodes:
		errs.Addf("Redis node count %d is out of range: allowed 1-%d (a primary and up to %d replicas)", o.RedisNodes, MaxRedisNodes, MaxRedisNodes-1)
	case o.RedisNodes > 0 && o.RedisNodeType == "":
		errs.Addf("Redis node count %d given without a node type: name one too, such as cache.t4g.medium", o.RedisNodes)
	}
	return errs.Err("cost options")
}

// AlwaysOn is the sum of the lines that do not depend on traffic.
func (e Estimate) AlwaysOn() float64 {
	var sum float64
	for _, l := range e.Lines {
		if !l.Usage {
			sum += l.Low
		}
	}
	return sum
}

// Usage is the sum of the traffic-driven and estimated lines, from idle to the load.
func (e Estimate) Usage() (low, high float64) { return e.sum(func(l Line) bool { return l.Usage }) }

// Total is the month's bill from idle to the load.
func (e Estimate) Total() (low, high float64) { return e.sum(func(Line) bool { return true }) }

// Group sums the lines of one group.
func (e Estimate) Group(name string) (low, high float64) {
	return e.sum(func(l Line) bool { return l.Group == name })
}

// Line returns the line billing item, if the estimate has one.
func (e Estimate) Line(item string) (Line, bool) {
	for _, l := range e.Lines {
		if l.Item == item {
			return l, true
		}
	}
	return Line{}, false
}

// Missing lists what the price table could not price.
func (e Estimate) Missing() []string {
	var out []string
	for _, l := range e.Lines {
		if l.Missing != "" {
			out = append(out, l.Missing)
		}
	}
	return out
}

func (e Estimate) sum(keep func(Line) bool) (low, high float64) {
	for _, l := range e.Lines {
		if keep(l) {
			low += l.Low
			high += l.High
		}
	}
	return low, high
}

// Lookup finds a stack's profile by name among stacks.All().
func Lookup(stack string) (stacks.Profile, error) {
	var names []string
	for _, p := range stacks.All() {
		if p.StackName == stack {
			return p, nil
		}
		names = append(names, p.StackName)
	}
	return stacks.Profile{}, fmt.Errorf("unknown stack %q: allowed %s", stack, strings.Join(names, ", "))
}

func zonesText(n int) string {
	if n == 1 {
		return "the zone"
	}
	return fmt.Sprintf("the %d zones", n)
}

func sortedKeys(m map[string]Price) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
