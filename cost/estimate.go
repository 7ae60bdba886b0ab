package cost

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"litellm-aws/internal/check"
	"litellm-aws/internal/published"
	"litellm-aws/stacks"
)

// Options are the inputs an estimate takes beyond the stack.
type Options struct {
	// Vars are variable values given as on the command line (--var desired_task_count=6). Default: each
	// variable's default, as `terraform plan` would use it.
	Vars map[string]string
	// RequestsPerSecond is the average request rate over the whole month that the high end of the usage
	// lines assumes. Default: LiteLLM's published benchmark rate for the stack's task count (LoadRPS).
	RequestsPerSecond float64
	// KBPerRequest is a request and its response together, in KiB. Each request crosses the load balancer
	// once (client to task) and the NAT gateway once (task to the model provider) with about this much, and
	// about this much leaves AWS: the response to the client plus the request to the provider.
	// Default: 2, the benchmark's short chat completion with LiteLLM's and the provider's headers.
	KBPerRequest float64
}

// Defaults and the assumptions behind the lines that are estimates rather than list prices.
const (
	DefaultKBPerRequest = 2.0
	// LogsGBLow and LogsGBHigh bound CloudWatch Logs ingestion a month: LiteLLM logs at ERROR, the
	// database logs slow queries and connections, and VPC flow logs record every connection.
	LogsGBLow, LogsGBHigh = 1.0, 20.0
	// InsightsMetricsLow and InsightsMetricsHigh bound the custom metrics Container Insights publishes for
	// one cluster and one service (cluster, service and task-family dimensions).
	InsightsMetricsLow, InsightsMetricsHigh = 25.0, 40.0
	// ALBLogBytesPerRequest is one load balancer access log entry as stored: about 600 bytes of text,
	// gzip-compressed about tenfold.
	ALBLogBytesPerRequest = 60.0
	// InsightsEventKB is one Container Insights performance log event; one a minute for each task, each
	// container (one a task), the service and the cluster.
	InsightsEventKB = 1.0
)

// Line is one item of the bill.
type Line struct {
	// Item names what is billed; the same item has the same name in every stack's estimate.
	Item string
	// Group is the row of the seed's cost table the line belongs to, or the service for rows it lacks.
	Group string
	// Type is the resource type the line prices.
	Type string
	// Detail says how the quantity was counted.
	Detail string
	// Price is the unit price; LowQty and HighQty are how many units a month.
	Price           Price
	LowQty, HighQty float64
	// Low and High are USD a month: the quantities times the price. Equal unless Usage.
	Low, High float64
	// Usage marks a line driven by traffic, or an estimate: a range rather than a list price.
	Usage bool
	// Missing says why the line has no price, such as an RDS instance class the table lacks or a resource
	// type without a billing entry; the line's cost is then unknown, not zero, and Low and High are not set.
	Missing string
}

// Excluded is one resource type of the stack that no line prices, and why.
type Excluded struct {
	Type string
	// Count is how many resources of the type the stack makes; -1 when a count cannot be resolved.
	Count  int
	Reason string
	// Billed is true for a type AWS bills that the estimate leaves out on purpose, false for a free one.
	Billed bool
}

// Facts are the sizes the stack builds, read from its resources, for the summary and the seed's comparison.
type Facts struct {
	Tasks, TaskCPU, TaskMemoryMiB int
	// MostTasks is the most tasks autoscaling may run; 0 without autoscaling.
	MostTasks       int
	DBInstanceClass string
	DBMultiAZ       bool
	DBStorageGB     int
	DBStorageType   string
	Zones           int
	NATGateways     int
	RedisNodeType   string
	RedisNodes      int
}

// Estimate is one stack's monthly bill, line by line.
type Estimate struct {
	Stack string
	// Source says where the stack's Terraform JSON came from (Stack.Source).
	Source string
	Region string
	// Vars are the variable values given (Options.Vars); every other variable is at its default.
	Vars  map[string]string
	Facts Facts
	// RequestsPerSecond and KBPerRequest are the load the usage lines' high end assumes; LoadSource says
	// where the rate comes from.
	RequestsPerSecond, KBPerRequest float64
	LoadSource                      string
	Lines                           []Line
	// Excluded are the stack's resources no line prices, by type, each with its reason.
	Excluded []Excluded
	// Notes are what the price rules say about the lines: assumptions, and what may come on top.
	Notes []string
}

// Monthly prices a stack's resources for a month of 730 hours, by the rule Billing gives each resource type.
// A bad option or --var value returns an error and no estimate. Otherwise the estimate is returned, with an
// error listing every line it could not price (a size the table lacks, a value known only after apply, a
// resource type without a billing entry, a region other than the table's): those lines are marked Missing, never
// priced at $0.
func Monthly(s *Stack, opts Options) (Estimate, error) {
	if err := opts.validate(); err != nil {
		return Estimate{}, err
	}
	if opts.KBPerRequest == 0 {
		opts.KBPerRequest = DefaultKBPerRequest
	}
	values, err := s.Values(opts.Vars)
	if err != nil {
		return Estimate{}, err
	}
	failed, checkErr := s.Check(values)
	if len(failed) > 0 {
		return Estimate{}, fmt.Errorf("%s: %s", s.Name, strings.Join(failed, "; "))
	}

	b := &bill{stack: s, scope: &scope{vars: values, locals: s.Locals}, opts: opts}
	if checkErr != nil {
		b.problems.Addf("%v", checkErr)
	}
	if s.Region != USEast1.Region {
		b.problems.Addf("region %s: the price table (cost/prices.go) holds %s prices only", s.Region, USEast1.Region)
	}
	for _, typ := range s.Types() {
		rs := s.OfType(typ)
		rule, ok := Billing[typ]
		switch {
		case !ok:
			b.missing(typ, typ, GroupUnpriced, fmt.Sprintf("%d %s: %s", len(rs), plural(len(rs), "resource", "resources"), b.names(rs, "")),
				"no billing entry for "+typ+" in cost/billing.go")
		case rule.Price != nil:
			rule.Price(b, rs)
		default:
			var covered []Resource
			for _, r := range rs {
				if rule.Check != nil {
					if err := rule.Check(b, r); err != nil {
						b.missing(typ, typ, GroupUnpriced, r.Address(), err.Error())
						continue
					}
				}
				covered = append(covered, r)
			}
			b.exclude(typ, covered, rule.Free+rule.NotCounted, rule.NotCounted != "")
		}
	}

	e := Estimate{
		Stack: s.Name, Source: s.Source, Region: s.Region, Vars: opts.Vars, Facts: b.facts(),
		KBPerRequest: opts.KBPerRequest, Lines: b.lines, Excluded: b.excluded, Notes: b.notes,
	}
	if rps, err := b.requestsPerSecond(); err == nil {
		e.RequestsPerSecond = rps
		e.LoadSource = loadSource(opts, e.Facts.Tasks)
	}
	for i := range e.Lines {
		l := &e.Lines[i]
		if l.Missing == "" {
			l.Low, l.High = l.LowQty*l.Price.USD, l.HighQty*l.Price.USD
		}
	}
	sort.SliceStable(e.Lines, func(i, j int) bool { return groupRank(e.Lines[i].Group) < groupRank(e.Lines[j].Group) })
	return e, b.problems.Err(fmt.Sprintf("estimate for %s is incomplete", s.Name))
}

// facts reads the sizes the summary shows; what cannot be read stays zero (its lines say why).
func (b *bill) facts() Facts {
	var f Facts
	f.Tasks, _ = b.tasks()
	if svcs := b.stack.OfType("aws_ecs_service"); len(svcs) > 0 {
		if s, err := b.fargate(svcs[0]); err == nil {
			f.TaskCPU, f.TaskMemoryMiB = s.CPU, s.MemoryMiB
		}
	}
	f.MostTasks, _ = b.mostTasks()
	if dbs := b.stack.OfType("aws_db_instance"); len(dbs) > 0 {
		if d, err := b.database(dbs[0]); err == nil {
			f.DBInstanceClass, f.DBMultiAZ, f.DBStorageGB, f.DBStorageType = d.Class, d.MultiAZ, d.StorageGB, d.StorageType
		}
	}
	f.Zones, _ = b.zones()
	f.NATGateways, _ = b.total(b.stack.OfType("aws_nat_gateway"))
	if gs := b.stack.OfType("aws_elasticache_replication_group"); len(gs) > 0 {
		if g, err := b.redis(gs[0]); err == nil {
			f.RedisNodeType, f.RedisNodes = g.NodeType, g.Nodes
		}
	}
	return f
}

func loadSource(opts Options, tasks int) string {
	if opts.RequestsPerSecond > 0 {
		return "given with -rps"
	}
	if f := published.For(tasks); !f.Derived {
		return fmt.Sprintf("LiteLLM's published rate for %d instances", tasks)
	}
	base, _ := published.Run(published.ScaleBase)
	return fmt.Sprintf("LiteLLM's published %d-instance rate, %s per task, x %d", published.ScaleBase,
		strconv.FormatFloat(base.RPS/published.ScaleBase, 'f', -1, 64), tasks)
}

// The groups lines add up under: the seed's four rows, then what the seed leaves out, in the order shown.
const (
	GroupFargate    = "ECS Fargate"
	GroupRDS        = "RDS PostgreSQL"
	GroupALB        = "Application Load Balancer"
	GroupTransfer   = "Data transfer"
	GroupNAT        = "NAT gateway"
	GroupIPv4       = "Public IPv4 addresses"
	GroupSecrets    = "Secrets Manager"
	GroupKMS        = "KMS"
	GroupCloudWatch = "CloudWatch"
	GroupRedis      = "ElastiCache Redis"
	GroupS3         = "S3"
	// GroupUnpriced holds the resources no rule covers.
	GroupUnpriced = "Not in the price rules"
)

var groupOrder = []string{GroupFargate, GroupRDS, GroupALB, GroupTransfer, GroupNAT, GroupIPv4, GroupSecrets, GroupKMS,
	GroupCloudWatch, GroupRedis, GroupS3, GroupUnpriced}

func groupRank(g string) int {
	for i, x := range groupOrder {
		if x == g {
			return i
		}
	}
	return len(groupOrder)
}

// Groups lists the groups the estimate has lines in, in order.
func (e Estimate) Groups() []string {
	var out []string
	for _, g := range groupOrder {
		for _, l := range e.Lines {
			if l.Group == g {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

func (o Options) validate() error {
	var errs check.Problems
	if o.RequestsPerSecond < 0 {
		errs.Addf("request rate %v is negative: allowed 0 (the published rate) or more", o.RequestsPerSecond)
	}
	if o.KBPerRequest < 0 {
		errs.Addf("KB per request %v is negative: allowed 0 (the default, %v) or more", o.KBPerRequest, DefaultKBPerRequest)
	}
	return errs.Err("cost options")
}

// AlwaysOn is the sum of the lines that do not depend on traffic.
func (e Estimate) AlwaysOn() float64 {
	low, _ := e.sum(func(l Line) bool { return !l.Usage })
	return low
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

// Missing lists the lines the estimate could not price, each with the reason: "item: why".
func (e Estimate) Missing() []string {
	var out []string
	for _, l := range e.Lines {
		if l.Missing != "" {
			out = append(out, l.Item+": "+l.Missing)
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
