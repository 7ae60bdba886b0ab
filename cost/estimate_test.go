package cost

import (
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/sqsqueue"

	"litellm-aws/internal/published"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-5 }

// line returns an estimate's line, failing the test when there is none.
func line(t *testing.T, e Estimate, item string) Line {
	t.Helper()
	l, ok := e.Line(item)
	if !ok {
		t.Fatalf("%s: no line %q in %v", e.Stack, item, items(e))
	}
	return l
}

func items(e Estimate) []string {
	var out []string
	for _, l := range e.Lines {
		out = append(out, l.Item)
	}
	return out
}

// TestBenchmarkByHand pins the benchmark's figures, worked out by hand from the prices of PricesAsOf: the
// lines its sizes drive exactly, and the lines that count resources against the resources the stack holds.
// A price change in prices.go needs them worked out again; a change in the rules must not move them unseen.
func TestBenchmarkByHand(t *testing.T) {
	s := stackFor(t, plain, benchmark)
	e := estimate(t, s, Options{})
	tb := USEast1
	// 1170 req/s x 3600 s x 730 h x 2 KiB / 2^20 = 5,864.6393 GiB a month on each leg.
	const gb = 1170.0 * 3600 * 730 * 2 / 1048576
	cases := []struct {
		item      string
		qty       float64
		low, high float64
	}{
		{"Fargate vCPU", 11680, 472.8064, 472.8064},               // 4 tasks x 4 vCPU x 730 h x $0.04048
		{"Fargate memory", 23360, 103.8352, 103.8352},             // 4 tasks x 8 GB x 730 h x $0.004445
		{"RDS instance", 730, 52.56, 52.56},                       // 730 h x $0.072
		{"RDS storage", 100, 11.50, 11.50},                        // 100 GB x $0.115
		{"ALB hours", 730, 16.425, 16.425},                        // 730 h x $0.0225
		{"NAT gateway hours", 730, 32.85, 32.85},                  // 730 h x $0.045
		{"Public IPv4, load balancer", 1460, 7.30, 7.30},          // 2 zones x 730 h x $0.005
		{"Public IPv4, Elastic IPs", 730, 3.65, 3.65},             // the NAT gateway's x 730 h x $0.005
		{"CloudWatch alarms", 9, 0.90, 0.90},                      // 7 alarms, the 5xx rate reading 3 metrics, x $0.10
		{"ALB LCUs", gb, 0, 46.917115},                            // 5,864.64 LCU-hours x $0.008
		{"NAT gateway data processed", gb, 0, 263.908768},         // 5,864.64 GB x $0.045
		{"Inter-AZ to the NAT gateway", gb, 0, 58.646393},         // half of it crosses zones, $0.01 on each side
		{"Data transfer out", gb, 0, 527.817535},                  // 5,864.64 GB x $0.09
		{"CloudWatch Logs ingestion", 20, 0.50, 10},               // 1-20 GB x $0.50
		{"Container Insights metrics", 40, 7.50, 12},              // 25-40 x $0.30
		{"Container Insights events", 0.4177, 0.208855, 0.208855}, // 10 a minute x 1 KiB x 43,800 min x $0.50/GiB
	}
	for _, c := range cases {
		l := line(t, e, c.item)
		if !near(l.Low, c.low) || !near(l.High, c.high) || math.Abs(l.HighQty-c.qty) > 1e-3 {
			t.Errorf("%s = %v x $%.6f-%.6f, want %v x $%.6f-%.6f", c.item, l.HighQty, l.Low, l.High, c.qty, c.low, c.high)
		}
	}
	// One unit a month for each resource the stack holds.
	counted := []struct {
		item, typ string
		price     Price
	}{
		{"Secrets Manager", *secretsmanagersecret.SecretsmanagerSecret_TfResourceType(), tb.SecretMonth},
		{"KMS keys", *kmskey.KmsKey_TfResourceType(), tb.KMSKeyMonth},
		{"CloudWatch dashboards", *cloudwatchdashboard.CloudwatchDashboard_TfResourceType(), tb.DashboardMonth},
	}
	for _, c := range counted {
		n := float64(len(s.OfType(c.typ)))
		if l := line(t, e, c.item); n == 0 || l.LowQty != n || l.Price != c.price || !near(l.Low, n*c.price.USD) {
			t.Errorf("%s = %+v, want the stack's %v %s at %v", c.item, l, n, c.typ, c.price.USD)
		}
	}
	if len(e.Lines) < len(cases)+len(counted) {
		t.Errorf("lines %v, want at least the %d above", items(e), len(cases)+len(counted))
	}
	var fixed, low, high float64
	for _, l := range e.Lines {
		if !l.Usage {
			fixed += l.Low
		}
		low, high = low+l.Low, high+l.High
	}
	if got := e.AlwaysOn(); !near(got, fixed) || got < 706 {
		t.Errorf("AlwaysOn = %.4f, want the always-on lines' sum %.4f, over $706", got, fixed)
	}
	if l, h := e.Total(); !near(l, low) || !near(h, high) {
		t.Errorf("Total = %.6f-%.6f, want the lines' sum %.6f-%.6f", l, h, low, high)
	}
	if low, high := e.Group(GroupFargate); !near(low, 576.6416) || low != high {
		t.Errorf("Fargate = %.4f-%.4f, want 576.6416 (the brief's ~$577, not the seed's $350)", low, high)
	}
	want := Facts{Tasks: 4, TaskCPU: 4096, TaskMemoryMiB: 8192, DBInstanceClass: "db.t3.medium", DBStorageGB: 100,
		DBStorageType: "gp3", Zones: 2, NATGateways: 1}
	if !reflect.DeepEqual(e.Facts, want) {
		t.Errorf("Facts = %+v, want %+v", e.Facts, want)
	}
}

// TestLinesMeanWhatTheStackHolds: each case sets a stack's option or variables and checks the lines say
// what that changes, computed from the unit prices in prices.go.
func TestLinesMeanWhatTheStackHolds(t *testing.T) {
	tb := USEast1
	redis := options[1]
	autoscaling := options[2]
	everyOther := options[5]
	cases := []struct {
		name  string
		opt   option
		stack string
		opts  Options
		check func(t *testing.T, e, base Estimate)
	}{
		{name: "the benchmark's Fargate line is 4 tasks x 4 vCPU x 8 GB x 730 h", opt: plain, stack: benchmark,
			check: func(t *testing.T, e, _ Estimate) {
				vcpu, mem := line(t, e, "Fargate vCPU"), line(t, e, "Fargate memory")
				if vcpu.LowQty != 4*4*730 || vcpu.Price != tb.FargateVCPUHour || !near(vcpu.Low, 4*4*730*tb.FargateVCPUHour.USD) {
					t.Errorf("Fargate vCPU = %+v", vcpu)
				}
				if mem.LowQty != 4*8*730 || mem.Price != tb.FargateGBHour || !near(mem.Low, 4*8*730*tb.FargateGBHour.USD) {
					t.Errorf("Fargate memory = %+v", mem)
				}
			}},
		{name: "the other profiles run 2 and 8 tasks", opt: plain, stack: "litellm-eight-instance",
			check: func(t *testing.T, e, _ Estimate) {
				if l := line(t, e, "Fargate vCPU"); l.LowQty != 8*4*730 {
					t.Errorf("Fargate vCPU = %v vCPU-hours, want 8 x 4 x 730", l.LowQty)
				}
				if e.RequestsPerSecond != 2340 || !strings.Contains(e.LoadSource, "4-instance rate") {
					t.Errorf("load = %v (%s), want the derived 2,340", e.RequestsPerSecond, e.LoadSource)
				}
			}},
		{name: "Redis adds exactly one more secret and the cache nodes", opt: redis, stack: benchmark,
			check: func(t *testing.T, e, base Estimate) {
				secrets, before := line(t, e, "Secrets Manager"), line(t, base, "Secrets Manager")
				if secrets.LowQty != before.LowQty+1 || !strings.Contains(secrets.Detail, "litellm-benchmark-redis-auth-token") {
					t.Errorf("secrets %v (%s), want one more than %v: the auth token", secrets.LowQty, secrets.Detail, before.LowQty)
				}
				nodes := line(t, e, "ElastiCache Redis")
				price := tb.ElastiCacheNodeHour["cache.t4g.medium"]
				if nodes.LowQty != 2*730 || nodes.Price != price || !near(nodes.Low, 2*730*price.USD) {
					t.Errorf("Redis = %+v, want 2 x cache.t4g.medium x 730 h", nodes)
				}
				if e.Facts.RedisNodeType != "cache.t4g.medium" || e.Facts.RedisNodes != 2 {
					t.Errorf("Facts = %+v", e.Facts)
				}
				if got, want := e.AlwaysOn()-base.AlwaysOn(), tb.SecretMonth.USD+2*730*price.USD; !near(got, want) {
					t.Errorf("Redis adds $%.4f always on, want $%.4f", got, want)
				}
			}},
		{name: "a --var picks the Redis node type", opt: redis, stack: benchmark, opts: Options{Vars: map[string]string{"redis_node_type": "cache.r7g.large"}},
			check: func(t *testing.T, e, _ Estimate) {
				if l := line(t, e, "ElastiCache Redis"); !near(l.Low, 2*730*tb.ElastiCacheNodeHour["cache.r7g.large"].USD) {
					t.Errorf("Redis = %+v", l)
				}
			}},
		{name: "the alarms are counted", opt: plain, stack: benchmark,
			check: func(t *testing.T, e, _ Estimate) {
				l := line(t, e, "CloudWatch alarms")
				if l.LowQty != 9 || l.Price != tb.AlarmMetricMonth || !strings.HasPrefix(l.Detail, "7 alarms") {
					t.Errorf("alarms = %+v, want 7 alarms reading 9 metrics at the alarm-metric price", l)
				}
				if d := line(t, e, "CloudWatch dashboards"); d.LowQty != 1 || d.Price != tb.DashboardMonth {
					t.Errorf("dashboards = %+v", d)
				}
				if k := line(t, e, "KMS keys"); k.LowQty != 1 || !strings.Contains(k.Detail, "customer-managed") {
					t.Errorf("KMS = %+v", k)
				}
			}},
		{name: "a --var override changes the count", opt: plain, stack: benchmark, opts: Options{Vars: map[string]string{"desired_task_count": "6"}},
			check: func(t *testing.T, e, _ Estimate) {
				if l := line(t, e, "Fargate vCPU"); l.LowQty != 6*4*730 || l.Detail != "6 tasks x 4 vCPU x 730 h" {
					t.Errorf("Fargate vCPU = %+v, want 6 tasks", l)
				}
				if e.Facts.Tasks != 6 || e.RequestsPerSecond != published.For(6).RPS {
					t.Errorf("tasks %d at %v req/s, want 6 at the published rate scaled to 6", e.Facts.Tasks, e.RequestsPerSecond)
				}
				if l := line(t, e, "Container Insights events"); !strings.HasPrefix(l.Detail, "14 events a minute") {
					t.Errorf("Container Insights events = %s, want 2 x 6 + 2 a minute", l.Detail)
				}
			}},
		{name: "a --var changes the database class and the task size", opt: plain, stack: benchmark,
			opts: Options{Vars: map[string]string{"db_instance_class": "db.r7g.xlarge", "task_cpu": "8192", "task_memory": "16384"}},
			check: func(t *testing.T, e, _ Estimate) {
				if l := line(t, e, "RDS instance"); l.Price != tb.RDSInstanceHour["db.r7g.xlarge"] {
					t.Errorf("RDS = %+v", l)
				}
				if l := line(t, e, "Fargate memory"); l.LowQty != 4*16*730 {
					t.Errorf("Fargate memory = %v GB-hours, want 4 x 16 x 730", l.LowQty)
				}
			}},
		{name: "autoscaling adds its alarms and says how far it may go", opt: autoscaling, stack: benchmark,
			opts: Options{Vars: map[string]string{"autoscaling_max_task_count": "11"}},
			check: func(t *testing.T, e, _ Estimate) {
				if l := line(t, e, "Autoscaling alarms"); l.LowQty != 2 || l.Price != tb.AlarmMetricMonth {
					t.Errorf("autoscaling alarms = %+v, want the 2 of one target-tracking policy", l)
				}
				if e.Facts.MostTasks != 11 || !strings.Contains(strings.Join(e.Notes, " "), "up to 11 tasks") {
					t.Errorf("MostTasks %d, notes %q", e.Facts.MostTasks, e.Notes)
				}
			}},
		{name: "an alarm email subscribes, free", opt: plain, stack: benchmark, opts: Options{Vars: map[string]string{"alarm_email": "ops@example.com"}},
			check: func(t *testing.T, e, base Estimate) {
				for _, x := range e.Excluded {
					if x.Type == *snstopicsubscription.SnsTopicSubscription_TfResourceType() && x.Count != 1 {
						t.Errorf("subscriptions = %d, want 1", x.Count)
					}
				}
				if a, b := e.Total(); !near(a, first(base.Total())) || !near(b, second(base.Total())) {
					t.Errorf("total %v-%v changed", a, b)
				}
			}},
		{name: "Multi-AZ bills the standby and its storage", opt: everyOther, stack: benchmark,
			check: func(t *testing.T, e, _ Estimate) {
				if l := line(t, e, "RDS instance"); l.LowQty != 2*730 {
					t.Errorf("RDS instance = %v hours, want primary and standby", l.LowQty)
				}
				if l := line(t, e, "RDS storage"); l.LowQty != 200 {
					t.Errorf("RDS storage = %v GB-months, want 2 x 100", l.LowQty)
				}
			}},
		{name: "a given load drives the usage lines", opt: plain, stack: benchmark, opts: Options{RequestsPerSecond: 50, KBPerRequest: 16},
			check: func(t *testing.T, e, _ Estimate) {
				gb := 50.0 * 3600 * 730 * 16 / 1048576
				if l := line(t, e, "Data transfer out"); !near(l.HighQty, gb) || e.LoadSource != "given with -rps" {
					t.Errorf("transfer = %v GB (%s), want %v", l.HighQty, e.LoadSource, gb)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := estimate(t, stackFor(t, plain, c.stack), Options{})
			e := estimate(t, stackFor(t, c.opt, c.stack), c.opts)
			for _, l := range e.Lines {
				if l.Low != l.LowQty*l.Price.USD || l.High != l.HighQty*l.Price.USD {
					t.Errorf("%s: %v-%v is not quantity %v-%v x price %v", l.Item, l.Low, l.High, l.LowQty, l.HighQty, l.Price.USD)
				}
			}
			c.check(t, e, base)
		})
	}
}

// TestOneOffTasksAreListed: a task definition a terraform_data provisioner starts at deploy (LiteLLM's
// database migration) is listed as not counted, with its size, rather than priced as a service.
func TestOneOffTasksAreListed(t *testing.T) {
	taskDef := *ecstaskdefinition.EcsTaskDefinition_TfResourceType()
	s := stackFor(t, plain, benchmark)
	s.Resources = append(s.Resources,
		Resource{Type: taskDef, Name: "once", Body: map[string]any{"cpu": "1024", "memory": "4096"}},
		Resource{Type: "terraform_data", Name: "run-once", Body: map[string]any{
			"triggers_replace": map[string]any{"task_definition": "${" + taskDef + ".once.arn}"}}})
	e := estimate(t, s, Options{})
	want := "a one-off task terraform_data.run-once starts at deploy (1 vCPU / 4 GB, $0.058 an hour) for the minutes it runs"
	for _, x := range e.Excluded {
		if x.Type == taskDef && x.Billed && x.Reason == want && x.Count == 1 {
			return
		}
	}
	t.Errorf("excluded %+v, want %s: %s", e.Excluded, taskDef, want)
}

func first(a, _ float64) float64  { return a }
func second(_, b float64) float64 { return b }

// TestUnpricedIsNotZero: whatever the estimate cannot price is a line marked Missing, an error, and "no
// price" in the report, never $0.
func TestUnpricedIsNotZero(t *testing.T) {
	noRule, taskDef := *sqsqueue.SqsQueue_TfResourceType(), *ecstaskdefinition.EcsTaskDefinition_TfResourceType()
	db, secret := *dbinstance.DbInstance_TfResourceType(), *secretsmanagersecret.SecretsmanagerSecret_TfResourceType()
	dns := *route53record.Route53Record_TfResourceType()
	cases := []struct {
		name   string
		change func(s *Stack)
		item   string
		want   string
	}{
		{name: "a resource type without a rule", item: noRule, want: "no rule for " + noRule + " in cost/rules.go",
			change: func(s *Stack) {
				s.Resources = append(s.Resources, Resource{Type: noRule, Name: "jobs", Body: map[string]any{"name": "litellm"}})
			}},
		{name: "a task definition nothing runs", item: taskDef, want: taskDef + ".migrate is run by no service and started by nothing",
			change: func(s *Stack) {
				s.Resources = append(s.Resources, Resource{Type: taskDef, Name: "migrate", Body: map[string]any{"cpu": "256"}})
			}},
		{name: "a DNS record that is not an alias", item: dns, want: dns + ".www is not an alias record",
			change: func(s *Stack) {
				s.Resources = append(s.Resources, Resource{Type: dns, Name: "www", Body: map[string]any{"type": "CNAME", "records": []any{"example.com"}}})
			}},
		{name: "an RDS class the table lacks", item: "RDS instance", want: `RDS instance class "db.x2g.large" has no price`,
			change: func(s *Stack) { s.OfType(db)[0].Body["instance_class"] = "db.x2g.large" }},
		{name: "a variable with no value", item: "Fargate vCPU", want: "var.desired_task_count has no default and none was given",
			change: func(s *Stack) {
				v := s.Variables["desired_task_count"]
				v.Default, v.HasDefault = nil, false
				s.Variables["desired_task_count"] = v
			}},
		{name: "a value known only after apply", item: "Secrets Manager", want: "aws_kms_key.k.id is known only after apply",
			change: func(s *Stack) { s.OfType(secret)[0].Body["count"] = "${aws_kms_key.k.id}" }},
		{name: "Graviton tasks", item: "Fargate vCPU", want: "the table prices Linux/x86 Fargate only",
			change: func(s *Stack) {
				for _, td := range s.OfType(taskDef) {
					if runBy(s.OfType(*ecsservice.EcsService_TfResourceType()), td) != "" {
						td.Body["runtime_platform"] = map[string]any{"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}
					}
				}
			}},
		{name: "another region", item: "", want: "region eu-west-1: the price table (cost/prices.go) holds us-east-1 prices only",
			change: func(s *Stack) { s.Region = "eu-west-1" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := stackFor(t, plain, benchmark)
			c.change(s)
			e, err := Monthly(s, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want one containing %q", err, c.want)
			}
			if len(e.Lines) < 10 {
				t.Errorf("only %d lines: the rest of the estimate should still be there", len(e.Lines))
			}
			if c.item == "" {
				return
			}
			l := line(t, e, c.item)
			if l.Missing == "" || l.Low != 0 || l.High != 0 {
				t.Errorf("line %+v: want it marked Missing, with no amount", l)
			}
			var b strings.Builder
			WriteItemised(&b, e)
			out := b.String()
			for _, row := range strings.Split(out, "\n") {
				if strings.HasPrefix(row, "  "+c.item+" ") && (!strings.Contains(row, "no price") || strings.Contains(row, "$0.00")) {
					t.Errorf("line prints as %q: want \"no price\", not $0.00", row)
				}
			}
			if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "The total is incomplete") ||
				!strings.Contains(flat, "+ unpriced") || !strings.Contains(flat, c.want) {
				t.Errorf("output does not flag the total as incomplete and say why:\n%s", out)
			}
		})
	}
}

// TestBadVarsAreRejected: a --var the stack does not declare, or one its rules reject, is an error before
// anything is priced, with the stack's own message.
func TestBadVarsAreRejected(t *testing.T) {
	cases := []struct {
		name string
		opt  option
		vars map[string]string
		want string
	}{
		{name: "unknown variable", opt: plain, vars: map[string]string{"desired_tasks": "6"},
			want: "--var desired_tasks: litellm-benchmark declares no such variable: allowed alarm_email, db_instance_class"},
		{name: "not a number", opt: plain, vars: map[string]string{"desired_task_count": "six"}, want: `--var desired_task_count="six": not a number`},
		{name: "out of range", opt: plain, vars: map[string]string{"desired_task_count": "500"},
			want: "desired_task_count = 500 is out of range: allowed whole numbers 1-100."},
		{name: "not a Fargate pair", opt: plain, vars: map[string]string{"task_cpu": "256"},
			want: "task_memory = 8192 MiB is not valid with task_cpu = 256"},
		{name: "more connections than the database allows", opt: plain, vars: map[string]string{"desired_task_count": "100"},
			want: "desired_task_count = 100 tasks at DeploymentMaximumPercent = 150 is 150 tasks at the peak of a roll; with num_workers_per_task = 4 workers"},
		{name: "unknown class", opt: plain, vars: map[string]string{"db_instance_class": "db.x2g.large"},
			want: `db_instance_class = "db.x2g.large" is not an RDS for PostgreSQL 16 class this project knows`},
		{name: "bad email", opt: plain, vars: map[string]string{"alarm_email": "ops-at-example"}, want: `alarm_email = "ops-at-example" is not an email address`},
		{name: "Redis variable without Redis", opt: plain, vars: map[string]string{"redis_node_type": "cache.t4g.small"},
			want: "--var redis_node_type: litellm-benchmark declares no such variable"},
		{name: "min above max", opt: options[2], vars: map[string]string{"autoscaling_min_task_count": "8", "autoscaling_max_task_count": "4"},
			want: "autoscaling_min_task_count = 8 is above autoscaling_max_task_count = 4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Monthly(stackFor(t, c.opt, benchmark), Options{Vars: c.vars})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one containing %q", err, c.want)
			}
			if e.Lines != nil {
				t.Errorf("priced %d lines despite the bad input", len(e.Lines))
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
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Monthly(stackFor(t, plain, benchmark), c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one containing %q", err, c.want)
			}
		})
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
}

func TestLookup(t *testing.T) {
	_, err := Lookup("litellm-bogus")
	want := `unknown stack "litellm-bogus": allowed litellm-benchmark, litellm-two-instance, litellm-eight-instance`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if p, err := Lookup(benchmark); err != nil || p.StackName != benchmark {
		t.Errorf("Lookup(%s) = %q, %v", benchmark, p.StackName, err)
	}
}

// TestLoadRPS: the default load is LiteLLM's published figures, read from internal/published.
func TestLoadRPS(t *testing.T) {
	for tasks, want := range map[int]float64{2: 1035.7, 4: 1170, 8: 2340, 1: 292.5, 6: 1755} {
		if got := LoadRPS(tasks); !near(got, want) || got != published.For(tasks).RPS {
			t.Errorf("LoadRPS(%d) = %v, want %v", tasks, got, want)
		}
	}
}
