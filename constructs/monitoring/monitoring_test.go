package monitoring_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/database"
	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/monitoring"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// What the other constructs expose, as literals: the names the dashboard and alarms must use.
const (
	clusterName    = "t-LiteLLM-Cluster"
	serviceName    = "t-litellm-service"
	albSuffix      = "app/t-alb/50dc6c495c0c9188"
	tgSuffix       = "targetgroup/t-tg/73e2d6bc24d8a067"
	tgArn          = "arn:aws:elasticloadbalancing:us-east-1:111122223333:" + tgSuffix
	dbIdentifier   = "t-litellm-db"
	literalBudget  = 360 // db.t3.medium's
	givenKMSKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

func props(budget float64) monitoring.Props {
	return monitoring.Props{
		Name:    "t",
		Region:  "us-east-1",
		Service: &proxyservice.ProxyService{ClusterName: jsii.String(clusterName), ServiceName: jsii.String(serviceName)},
		LoadBalancer: &loadbalancer.LoadBalancer{
			ArnSuffix: jsii.String(albSuffix), TargetGroupArnSuffix: jsii.String(tgSuffix), TargetGroupArn: jsii.String(tgArn),
		},
		Database:  &database.Database{Identifier: jsii.String(dbIdentifier), ConnectionBudget: budget},
		KMSKeyArn: givenKMSKeyArn,
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*monitoring.Props)
		want   string
	}{
		{"empty name", func(p *monitoring.Props) { p.Name = "" }, `Name "" is not a valid name`},
		{"upper-case name", func(p *monitoring.Props) { p.Name = "LiteLLM" }, `Name "LiteLLM" is not a valid name`},
		{"name too long for alarm names", func(p *monitoring.Props) { p.Name = strings.Repeat("a", 239) }, "is 239 characters long: allowed at most 238"},
		{"no region", func(p *monitoring.Props) { p.Region = "" }, "Region is required"},
		{"not a region", func(p *monitoring.Props) { p.Region = "US East" }, `Region "US East" is not an AWS region: allowed a literal name such as us-east-1`},
		{"email without a domain", func(p *monitoring.Props) { p.AlarmEmail = "ops@example" }, `AlarmEmail = "ops@example" is not an email address: allowed name@example.com, or empty for no subscription.`},
		{"email with a space", func(p *monitoring.Props) { p.AlarmEmail = "ops team@example.com" }, `AlarmEmail = "ops team@example.com" is not an email address`},
		{"two addresses", func(p *monitoring.Props) { p.AlarmEmail = "a@example.com,b@example.com" }, `AlarmEmail = "a@example.com,b@example.com" is not an email address`},
		{"key not an ARN", func(p *monitoring.Props) { p.KMSKeyArn = "1234abcd" }, `KMSKeyArn "1234abcd" is not a KMS key ARN`},
		{"AWS managed key", func(p *monitoring.Props) { p.KMSKeyArn = "alias/aws/sns" }, `KMSKeyArn "alias/aws/sns" is the AWS managed key, which CloudWatch alarms may not use`},
		{"AWS managed key ARN", func(p *monitoring.Props) { p.KMSKeyArn = "arn:aws:kms:us-east-1:111122223333:alias/aws/sns" }, "is the AWS managed key"},
		{"negative latency", func(p *monitoring.Props) { p.P99LatencySecondsThreshold = -1 }, "P99LatencySecondsThreshold = -1 is out of range: allowed more than 0 and at most 4000 (the load balancer's longest idle timeout)"},
		{"latency beyond the idle timeout", func(p *monitoring.Props) { p.P99LatencySecondsThreshold = 5000 }, "P99LatencySecondsThreshold = 5000 is out of range"},
		{"negative 5xx rate", func(p *monitoring.Props) { p.HTTP5xxRatePercentThreshold = -0.5 }, "HTTP5xxRatePercentThreshold = -0.5 is out of range: allowed more than 0 and less than 100"},
		{"5xx rate that cannot be exceeded", func(p *monitoring.Props) { p.HTTP5xxRatePercentThreshold = 100 }, "HTTP5xxRatePercentThreshold = 100 is out of range"},
		{"negative DB CPU", func(p *monitoring.Props) { p.DBCPUPercentThreshold = -5 }, "DBCPUPercentThreshold = -5 is out of range: allowed more than 0 and less than 100"},
		{"DB CPU above 100", func(p *monitoring.Props) { p.DBCPUPercentThreshold = 120 }, "DBCPUPercentThreshold = 120 is out of range"},
		{"negative budget share", func(p *monitoring.Props) { p.DBConnectionsBudgetPercentThreshold = -90 }, "DBConnectionsBudgetPercentThreshold = -90 is out of range: allowed more than 0 and at most 100"},
		{"budget share above 100", func(p *monitoring.Props) { p.DBConnectionsBudgetPercentThreshold = 150 }, "DBConnectionsBudgetPercentThreshold = 150 is out of range"},
		{"task memory share of 100", func(p *monitoring.Props) { p.TaskMemoryPercentThreshold = 100 }, "TaskMemoryPercentThreshold = 100 is out of range: allowed more than 0 and less than 100"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := props(literalBudget).WithDefaults()
			tc.modify(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant an error containing %q", err, tc.want)
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	stack := synthtest.NewStack()
	email := cdktf.NewTerraformVariable(stack, jsii.String("alarm_email"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	latency := cdktf.NewTerraformVariable(stack, jsii.String("p99"), &cdktf.TerraformVariableConfig{Type: jsii.String("number")})
	cases := []struct {
		name   string
		modify func(*monitoring.Props)
	}{
		{"defaults", func(*monitoring.Props) {}},
		{"email", func(p *monitoring.Props) { p.AlarmEmail = "ops+litellm@example.co.uk" }},
		{"customer managed key", func(p *monitoring.Props) { p.KMSKeyArn = givenKMSKeyArn }},
		{"key alias ARN", func(p *monitoring.Props) { p.KMSKeyArn = "arn:aws:kms:us-east-1:111122223333:alias/ops-alarms" }},
		{"boundaries", func(p *monitoring.Props) {
			p.P99LatencySecondsThreshold, p.HTTP5xxRatePercentThreshold, p.DBCPUPercentThreshold, p.DBConnectionsBudgetPercentThreshold = 4000, 99.9, 99, 100
		}},
		{"longest name", func(p *monitoring.Props) { p.Name = strings.Repeat("a", monitoring.MaxNameLength) }},
		{"deploy-time values are left to Terraform", func(p *monitoring.Props) {
			p.AlarmEmail, p.P99LatencySecondsThreshold = *email.StringValue(), *latency.NumberValue()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := props(literalBudget).WithDefaults()
			tc.modify(&p)
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	p := props(literalBudget)
	p.Name, p.AlarmEmail, p.DBCPUPercentThreshold = "", "nobody", -1
	err := p.WithDefaults().Validate()
	for _, want := range []string{"Name", "AlarmEmail", "DBCPUPercentThreshold"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want a problem about %s in %v", want, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	p := monitoring.Props{}.WithDefaults()
	if p.P99LatencySecondsThreshold != 1 || p.HTTP5xxRatePercentThreshold != 1 || p.DBCPUPercentThreshold != 80 ||
		p.DBConnectionsBudgetPercentThreshold != 90 || p.TaskMemoryPercentThreshold != 80 || p.AlarmEmail != "" || p.KMSKeyArn != "" {
		t.Fatalf("defaults = %+v", p)
	}
}

func TestNewPanicsWithoutWiring(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*monitoring.Props)
	}{
		{"no database", func(p *monitoring.Props) { p.Database = nil }},
		{"no key", func(p *monitoring.Props) { p.KMSKeyArn = "" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "Props.Service, Props.LoadBalancer, Props.Database and Props.KMSKeyArn are required") {
					t.Fatalf("recover() = %v", r)
				}
			}()
			p := props(literalBudget)
			tc.modify(&p)
			monitoring.New(synthtest.NewStack(), "monitoring", p)
		})
	}
}

// alarmWant is what one alarm must say; a zero field is not checked.
type alarmWant struct {
	namespace, metric    string
	statistic, extended  string
	dims                 map[string]any
	comparison           string
	threshold            float64
	periods, datapoints  float64
	missing, lowSamplePc string
}

func TestMonitoring(t *testing.T) {
	stack := synthtest.NewStack()
	p := props(literalBudget)
	p.AlarmEmail = "ops@example.com"
	m := monitoring.New(stack, "monitoring", p)
	doc := synthtest.Synth(t, stack)

	// The topic, encrypted with the key it was given; the stack's key is made elsewhere (constructs/encryption).
	topicRef := ref(t, doc, *snstopic.SnsTopic_TfResourceType(), "arn")
	topic := doc.One(t, *snstopic.SnsTopic_TfResourceType())
	if topic["name"] != "t-alarms" || topic["kms_master_key_id"] != givenKMSKeyArn {
		t.Errorf("topic = %v, want t-alarms encrypted with %s", topic, givenKMSKeyArn)
	}
	if n := len(doc.Resources(*kmskey.KmsKey_TfResourceType())) + len(doc.Resources(*kmsalias.KmsAlias_TfResourceType())); n != 0 {
		t.Errorf("%d key resources created, want none", n)
	}

	sub := doc.One(t, *snstopicsubscription.SnsTopicSubscription_TfResourceType())
	if sub["protocol"] != "email" || sub["endpoint"] != "ops@example.com" || sub["topic_arn"] != topicRef || sub["count"] != nil {
		t.Errorf("subscription = %v", sub)
	}

	// The alarms.
	target := map[string]any{"LoadBalancer": albSuffix, "TargetGroup": tgSuffix}
	db := map[string]any{"DBInstanceIdentifier": dbIdentifier}
	service := map[string]any{"ClusterName": clusterName, "ServiceName": serviceName}
	wants := map[string]alarmWant{
		"t-unhealthy-hosts": {namespace: "AWS/ApplicationELB", metric: "UnHealthyHostCount", statistic: "Maximum", dims: target,
			comparison: "GreaterThanThreshold", threshold: 0, periods: 3, datapoints: 3, missing: "notBreaching"},
		"t-no-healthy-hosts": {namespace: "AWS/ApplicationELB", metric: "HealthyHostCount", statistic: "Minimum", dims: target,
			comparison: "LessThanThreshold", threshold: 1, periods: 2, datapoints: 2, missing: "breaching"},
		"t-5xx-rate": {comparison: "GreaterThanThreshold", threshold: 1, periods: 5, datapoints: 3, missing: "notBreaching"},
		"t-p99-latency": {namespace: "AWS/ApplicationELB", metric: "TargetResponseTime", extended: "p99", dims: target,
			comparison: "GreaterThanThreshold", threshold: 1, periods: 5, datapoints: 3, missing: "notBreaching", lowSamplePc: "ignore"},
		"t-db-cpu": {namespace: "AWS/RDS", metric: "CPUUtilization", statistic: "Average", dims: db,
			comparison: "GreaterThanThreshold", threshold: 80, periods: 5, datapoints: 5, missing: "missing"},
		"t-db-connections": {namespace: "AWS/RDS", metric: "DatabaseConnections", statistic: "Maximum", dims: db,
			comparison: "GreaterThanOrEqualToThreshold", threshold: 324, periods: 3, datapoints: 3, missing: "missing"}, // 90% of 360
		// The task using the most memory, per service.
		"t-task-memory": {namespace: "AWS/ECS", metric: "MemoryUtilization", statistic: "Maximum", dims: service,
			comparison: "GreaterThanThreshold", threshold: 80, periods: 5, datapoints: 5, missing: "notBreaching"},
	}
	alarmType := *cloudwatchmetricalarm.CloudwatchMetricAlarm_TfResourceType()
	if got := doc.Resources(alarmType); len(got) != len(wants) {
		t.Errorf("%d alarms, want %d: %v", len(got), len(wants), synthtest.Names(got))
	}
	for name, want := range wants {
		t.Run(name, func(t *testing.T) {
			found := doc.Where(alarmType, map[string]any{"alarm_name": name})
			if len(found) != 1 {
				t.Fatalf("want one alarm %s, found %d", name, len(found))
			}
			for _, a := range found {
				checkAlarm(t, a, want, topicRef)
			}
		})
	}
	rate := doc.Where(alarmType, map[string]any{"alarm_name": "t-5xx-rate"})
	for _, a := range rate {
		checkErrorRateQueries(t, a)
	}
	var gotNames []string
	for _, n := range m.AlarmNames {
		gotNames = append(gotNames, *n)
	}
	sort.Strings(gotNames)
	if strings.Join(gotNames, ",") != strings.Join(synthtest.Names(wants), ",") {
		t.Errorf("AlarmNames = %v, want %v", gotNames, synthtest.Names(wants))
	}

	// The dashboard.
	dash := doc.One(t, *cloudwatchdashboard.CloudwatchDashboard_TfResourceType())
	if dash["dashboard_name"] != "t-litellm" || *m.DashboardName != "t-litellm" {
		t.Errorf("dashboard name = %v, exposed %q", dash["dashboard_name"], *m.DashboardName)
	}
	if want := "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=t-litellm"; *m.DashboardURL != want {
		t.Errorf("DashboardURL = %s, want %s", *m.DashboardURL, want)
	}
	body := parseDashboard(t, dash["dashboard_body"].(string))
	checkDashboardMetrics(t, body)
	if lines := annotations(body, "Database connections"); lines["LiteLLM's connection budget"] != float64(360) || lines["alarm"] != float64(324) {
		t.Errorf("connection annotations = %v, want the budget 360 and the alarm at 324", lines)
	}
	if lines := annotations(body, "Target response time (seconds)"); lines["p99 alarm"] != float64(1) {
		t.Errorf("latency annotations = %v", lines)
	}
	var raw struct {
		Widgets []struct {
			Type       string
			Properties struct{ Alarms []string }
		}
	}
	if err := json.Unmarshal([]byte(dash["dashboard_body"].(string)), &raw); err != nil {
		t.Fatal(err) // with literal dimensions, only the alarm ARNs are interpolated, inside strings
	}
	if w := raw.Widgets[0]; w.Type != "alarm" || len(w.Properties.Alarms) != len(wants) ||
		!regexp.MustCompile(`^\$\{aws_cloudwatch_metric_alarm\.[^.]+\.arn\}$`).MatchString(w.Properties.Alarms[0]) {
		t.Errorf("first widget = %+v, want the %d alarms' ARNs", w, len(wants))
	}
	if m.TopicArn == nil || m.TopicKMSKeyArn == nil {
		t.Errorf("TopicArn = %v, TopicKMSKeyArn = %v", m.TopicArn, m.TopicKMSKeyArn)
	}
}

func checkAlarm(t *testing.T, a map[string]any, want alarmWant, topicRef string) {
	t.Helper()
	str := func(v any) string { s, _ := v.(string); return s }
	checks := []struct {
		field string
		got   any
		want  any
	}{
		{"namespace", str(a["namespace"]), want.namespace},
		{"metric_name", str(a["metric_name"]), want.metric},
		{"statistic", str(a["statistic"]), want.statistic},
		{"extended_statistic", str(a["extended_statistic"]), want.extended},
		{"comparison_operator", a["comparison_operator"], want.comparison},
		{"threshold", a["threshold"], want.threshold},
		{"evaluation_periods", a["evaluation_periods"], want.periods},
		{"datapoints_to_alarm", a["datapoints_to_alarm"], want.datapoints},
		{"treat_missing_data", a["treat_missing_data"], want.missing},
		{"evaluate_low_sample_count_percentiles", str(a["evaluate_low_sample_count_percentiles"]), want.lowSamplePc},
		{"alarm_actions", synthtest.JSON(a["alarm_actions"]), synthtest.JSON([]string{topicRef})},
		{"ok_actions", synthtest.JSON(a["ok_actions"]), synthtest.JSON([]string{topicRef})},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	if want.dims != nil {
		if synthtest.JSON(a["dimensions"]) != synthtest.JSON(want.dims) {
			t.Errorf("dimensions = %v, want %v", a["dimensions"], want.dims)
		}
		if a["period"] != float64(60) {
			t.Errorf("period = %v, want 60", a["period"])
		}
	}
	if d, _ := a["alarm_description"].(string); len(d) < 40 {
		t.Errorf("alarm_description %q does not say what to do", d)
	}
}

// checkErrorRateQueries: 100 x (LiteLLM's and the load balancer's 5xx) / requests, per minute.
func checkErrorRateQueries(t *testing.T, a map[string]any) {
	t.Helper()
	if a["metric_name"] != nil || a["namespace"] != nil {
		t.Errorf("a metric math alarm must not name a metric of its own: %v", a)
	}
	queries := map[string]map[string]any{}
	var returned []string
	for _, q := range a["metric_query"].([]any) {
		q := q.(map[string]any)
		queries[q["id"].(string)] = q
		if q["return_data"] == true {
			returned = append(returned, q["id"].(string))
		}
	}
	if strings.Join(returned, ",") != "rate" {
		t.Errorf("queries returning data = %v, want only rate", returned)
	}
	for id, name := range map[string]string{"requests": "RequestCount", "target_5xx": "HTTPCode_Target_5XX_Count", "elb_5xx": "HTTPCode_ELB_5XX_Count"} {
		metric, _ := queries[id]["metric"].(map[string]any)
		if metric["metric_name"] != name || metric["namespace"] != "AWS/ApplicationELB" || metric["stat"] != "Sum" ||
			metric["period"] != float64(60) || synthtest.JSON(metric["dimensions"]) != synthtest.JSON(map[string]string{"LoadBalancer": albSuffix}) {
			t.Errorf("query %s = %v", id, metric)
		}
	}
	if e := queries["errors"]["expression"]; e != "FILL(target_5xx, 0) + FILL(elb_5xx, 0)" {
		t.Errorf("errors expression = %v", e)
	}
	if e := queries["rate"]["expression"]; e != "IF(requests > 0, 100 * errors / requests, 0)" {
		t.Errorf("rate expression = %v", e)
	}
}

// The dashboard body must be JSON once Terraform has filled in its interpolations.
var interpolation = regexp.MustCompile(`\$\{[^}]*\}`)

func parseDashboard(t *testing.T, raw string) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(interpolation.ReplaceAllString(raw, "0")), &body); err != nil {
		t.Fatalf("dashboard body is not JSON after interpolation: %v\n%s", err, raw)
	}
	return body
}

func widgets(body map[string]any) []map[string]any {
	var out []map[string]any
	for _, w := range body["widgets"].([]any) {
		out = append(out, w.(map[string]any))
	}
	return out
}

// checkDashboardMetrics: every key metric is graphed with the right namespace, dimensions and statistic,
// in the stack's region, and no widget overlaps another.
func checkDashboardMetrics(t *testing.T, body map[string]any) {
	t.Helper()
	service := "ClusterName=" + clusterName + ",ServiceName=" + serviceName
	target := "LoadBalancer=" + albSuffix + ",TargetGroup=" + tgSuffix
	alb := "LoadBalancer=" + albSuffix
	db := "DBInstanceIdentifier=" + dbIdentifier
	want := []string{
		"AWS/ECS CPUUtilization " + service + " Average",
		"AWS/ECS MemoryUtilization " + service + " Average",
		"AWS/ApplicationELB TargetResponseTime " + target + " p50",
		"AWS/ApplicationELB TargetResponseTime " + target + " p95",
		"AWS/ApplicationELB TargetResponseTime " + target + " p99",
		"AWS/ApplicationELB RequestCount " + alb + " Sum",
		"AWS/ApplicationELB HealthyHostCount " + target + " Minimum",
		"AWS/ApplicationELB UnHealthyHostCount " + target + " Maximum",
		"AWS/ApplicationELB HTTPCode_Target_5XX_Count " + alb + " Sum",
		"AWS/ApplicationELB HTTPCode_ELB_5XX_Count " + alb + " Sum",
		"AWS/RDS DatabaseConnections " + db + " Maximum",
		"AWS/RDS CPUUtilization " + db + " Average",
		"AWS/RDS FreeableMemory " + db + " Minimum",
	}
	got := map[string]bool{}
	cells := map[[2]int]bool{}
	for _, w := range widgets(body) {
		x, y, width, height := int(w["x"].(float64)), int(w["y"].(float64)), int(w["width"].(float64)), int(w["height"].(float64))
		for i := x; i < x+width; i++ {
			for j := y; j < y+height; j++ {
				if cells[[2]int{i, j}] {
					t.Errorf("widget at %d,%d overlaps another", x, y)
				}
				cells[[2]int{i, j}] = true
			}
		}
		if x+width > 24 {
			t.Errorf("widget at %d,%d is wider than the grid", x, y)
		}
		if w["type"] != "metric" {
			continue
		}
		props := w["properties"].(map[string]any)
		if props["region"] != "us-east-1" || props["period"] != float64(60) {
			t.Errorf("widget %v: region %v, period %v", props["title"], props["region"], props["period"])
		}
		for _, m := range props["metrics"].([]any) {
			got[describe(m.([]any))] = true
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no widget graphs %s; graphed: %v", w, synthtest.Names(got))
		}
	}
	if !got["expression IF(requests > 0, 100 * errors / requests, 0)"] {
		t.Errorf("the 5xx rate is not graphed; graphed: %v", synthtest.Names(got))
	}
}

// describe renders a dashboard metric as "namespace name dim=value,... stat", or an expression.
func describe(m []any) string {
	opts, _ := m[len(m)-1].(map[string]any)
	if e, ok := opts["expression"]; ok {
		return fmt.Sprint("expression ", e)
	}
	var dims []string
	for i := 2; i+1 < len(m); i += 2 {
		dims = append(dims, fmt.Sprint(m[i], "=", m[i+1]))
	}
	return fmt.Sprint(m[0], " ", m[1], " ", strings.Join(dims, ","), " ", opts["stat"])
}

// annotations returns a graph's horizontal lines by label.
func annotations(body map[string]any, title string) map[string]any {
	out := map[string]any{}
	for _, w := range widgets(body) {
		props, _ := w["properties"].(map[string]any)
		if props["title"] != title {
			continue
		}
		a, _ := props["annotations"].(map[string]any)
		h, _ := a["horizontal"].([]any)
		for _, l := range h {
			l := l.(map[string]any)
			out[l["label"].(string)] = l["value"]
		}
	}
	return out
}

func ref(t *testing.T, doc *synthtest.Doc, tfType, attr string) string {
	t.Helper()
	names := synthtest.Names(doc.Resources(tfType))
	if len(names) != 1 {
		t.Fatalf("want one %s, found %v", tfType, names)
	}
	return "${" + tfType + "." + names[0] + "." + attr + "}"
}

func TestSwitches(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*monitoring.Props)
		check  func(*testing.T, *synthtest.Doc, *monitoring.Monitoring)
	}{
		{"no email, no subscription", func(*monitoring.Props) {}, func(t *testing.T, doc *synthtest.Doc, _ *monitoring.Monitoring) {
			if subs := doc.Resources(*snstopicsubscription.SnsTopicSubscription_TfResourceType()); len(subs) != 0 {
				t.Errorf("subscriptions = %v, want none", subs)
			}
		}},
		{"own thresholds", func(p *monitoring.Props) {
			p.P99LatencySecondsThreshold, p.HTTP5xxRatePercentThreshold, p.DBCPUPercentThreshold, p.DBConnectionsBudgetPercentThreshold = 30, 5, 70, 75
			p.TaskMemoryPercentThreshold = 65
		}, func(t *testing.T, doc *synthtest.Doc, _ *monitoring.Monitoring) {
			for name, want := range map[string]float64{"t-p99-latency": 30, "t-5xx-rate": 5, "t-db-cpu": 70, "t-db-connections": 270, "t-task-memory": 65} {
				for _, a := range doc.Where(*cloudwatchmetricalarm.CloudwatchMetricAlarm_TfResourceType(), map[string]any{"alarm_name": name}) {
					if a["threshold"] != want {
						t.Errorf("%s threshold = %v, want %v", name, a["threshold"], want)
					}
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			p := props(literalBudget)
			tc.modify(&p)
			m := monitoring.New(stack, "monitoring", p)
			tc.check(t, synthtest.Synth(t, stack), m)
		})
	}
}

// TestStackKey: the topic takes the stack's key as a Terraform expression, and makes no key of its own.
func TestStackKey(t *testing.T) {
	stack := synthtest.NewStack()
	key := kmskey.NewKmsKey(stack, jsii.String("stack-key"), &kmskey.KmsKeyConfig{})
	p := props(literalBudget)
	p.KMSKeyArn = *key.Arn()
	m := monitoring.New(stack, "monitoring", p)
	doc := synthtest.Synth(t, stack)

	want := ref(t, doc, *kmskey.KmsKey_TfResourceType(), "arn")
	if topic := doc.One(t, *snstopic.SnsTopic_TfResourceType()); topic["kms_master_key_id"] != want {
		t.Errorf("topic key = %v, want %s", topic["kms_master_key_id"], want)
	}
	if *m.TopicKMSKeyArn != p.KMSKeyArn {
		t.Errorf("TopicKMSKeyArn = %s, want the stack's key", *m.TopicKMSKeyArn)
	}
	if len(doc.Resources(*kmskey.KmsKey_TfResourceType())) != 1 || len(doc.Resources(*kmsalias.KmsAlias_TfResourceType())) != 0 {
		t.Errorf("monitoring made key resources of its own: %v", doc.Types())
	}
}

// TestDeployTimeValues: a budget that Terraform computes (the instance class is a variable) and an
// address given at deploy time reach the alarm, the dashboard and the subscription as expressions.
func TestDeployTimeValues(t *testing.T) {
	stack := synthtest.NewStack()
	budget := cdktf.NewTerraformVariable(stack, jsii.String("connection_budget"), &cdktf.TerraformVariableConfig{Type: jsii.String("number")})
	email := cdktf.NewTerraformVariable(stack, jsii.String("alarm_email"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	p := props(*budget.NumberValue())
	p.AlarmEmail = *email.StringValue()
	monitoring.New(stack, "monitoring", p)
	doc := synthtest.Synth(t, stack)

	alarms := doc.Where(*cloudwatchmetricalarm.CloudwatchMetricAlarm_TfResourceType(), map[string]any{"alarm_name": "t-db-connections"})
	for _, a := range alarms {
		if a["threshold"] != "${((var.connection_budget * 90) / 100)}" {
			t.Errorf("threshold = %v, want 90%% of var.connection_budget", a["threshold"])
		}
		if d := a["alarm_description"].(string); !strings.Contains(d, "${var.connection_budget}") || strings.Contains(d, "e+") {
			t.Errorf("description = %q, want the budget as an interpolation", d)
		}
	}
	if len(alarms) != 1 {
		t.Fatalf("want one t-db-connections alarm, found %d", len(alarms))
	}

	raw := doc.One(t, *cloudwatchdashboard.CloudwatchDashboard_TfResourceType())["dashboard_body"].(string)
	if strings.Contains(raw, "e+289") || strings.Contains(raw, "@number") || strings.Contains(raw, "TfToken") {
		t.Fatalf("a number token leaked into the dashboard:\n%s", raw)
	}
	if !strings.Contains(raw, `"value":${var.connection_budget}`) || !strings.Contains(raw, `"value":${((var.connection_budget * 90) / 100)}`) {
		t.Errorf("the budget lines are not interpolated numbers:\n%s", raw)
	}
	parseDashboard(t, raw)

	sub := doc.One(t, *snstopicsubscription.SnsTopicSubscription_TfResourceType())
	if sub["endpoint"] != "${var.alarm_email}" || sub["count"] != "${(length(var.alarm_email) >= 1) ? 1 : 0}" {
		t.Errorf("subscription = %v, want one only when var.alarm_email is set", sub)
	}
}
