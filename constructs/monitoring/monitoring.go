package monitoring

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/check"
	"litellm-aws/internal/rule"
)

// Alarm name suffixes: each alarm is named "<name>-<suffix>".
const (
	AlarmUnhealthyHosts = "unhealthy-hosts"
	AlarmNoHealthyHosts = "no-healthy-hosts"
	Alarm5xxRate        = "5xx-rate"
	AlarmP99Latency     = "p99-latency"
	AlarmDBCPU          = "db-cpu"
	AlarmDBConnections  = "db-connections"
	AlarmTaskMemory     = "task-memory"
)

// Metric namespaces.
const (
	NamespaceECS = "AWS/ECS"
	NamespaceALB = "AWS/ApplicationELB"
	NamespaceRDS = "AWS/RDS"
)

// periodSeconds is every metric's period: the finest the load balancer and RDS publish for free.
const periodSeconds = 60

// Monitoring is the dashboard, the alarms and the topic they notify.
type Monitoring struct {
	scope constructs.Construct // what every resource here is created in
	// DashboardName is the CloudWatch dashboard, "<name>-litellm"; DashboardURL opens it in the console.
	DashboardName *string
	DashboardURL  *string
	// TopicArn is the SNS topic every alarm notifies on ALARM and on OK; subscribe more endpoints to it.
	TopicArn *string
	// TopicKMSKeyArn is the key that encrypts the topic, Props.KMSKeyArn.
	TopicKMSKeyArn *string
	// AlarmNames are the alarms, "<name>-unhealthy-hosts" and so on, in a fixed order.
	AlarmNames []*string
}

// New builds the dashboard and alarms. It panics on invalid props; call Props.Validate first to get the
// problems as an error.
func New(scope constructs.Construct, id string, props Props) *Monitoring {
	p := props.WithDefaults()
	if err := p.Validate(); err != nil {
		panic(err)
	}
	if p.Service == nil || p.LoadBalancer == nil || p.Database == nil || p.KMSKeyArn == "" {
		panic("monitoring.New: Props.Service, Props.LoadBalancer, Props.Database and Props.KMSKeyArn are required: the construct is wired to them")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	topicName := p.Name + "-alarms"
	keyArn := jsii.String(p.KMSKeyArn)
	topic := snstopic.NewSnsTopic(c, jsii.String("topic"), &snstopic.SnsTopicConfig{
		Name:           jsii.String(topicName),
		KmsMasterKeyId: keyArn,
		Tags:           &map[string]*string{"Name": jsii.String(topicName)},
	})
	if p.AlarmEmail != "" {
		sub := &snstopicsubscription.SnsTopicSubscriptionConfig{
			TopicArn: topic.Arn(),
			Protocol: jsii.String("email"),
			Endpoint: jsii.String(p.AlarmEmail),
		}
		if check.IsTokenString(p.AlarmEmail) {
			// A deploy-time address may be left empty: subscribe only when it is not. (Not `!= ""` or `> 0`:
			// cdktf writes "" and 0 as undefined in an operator expression.)
			sub.Count = cdktf.Fn_Conditional(cdktf.Op_Gte(cdktf.Fn_LengthOf(jsii.String(p.AlarmEmail)), jsii.Number(1)), jsii.Number(1), jsii.Number(0))
		}
		snstopicsubscription.NewSnsTopicSubscription(c, jsii.String("email"), sub)
	}

	w := watched{
		cluster:      *p.Service.ClusterName,
		service:      *p.Service.ServiceName,
		loadBalancer: *p.LoadBalancer.ArnSuffix,
		targetGroup:  *p.LoadBalancer.TargetGroupArnSuffix,
		db:           *p.Database.Identifier,
	}
	connectionsThreshold := rule.Div(rule.Mul(rule.Number(p.Database.ConnectionBudget), rule.Number(p.DBConnectionsBudgetPercentThreshold)), rule.Number(100)).AsNumber()
	specs := []alarmSpec{{
		suffix: AlarmUnhealthyHosts,
		description: "LiteLLM tasks have failed the load balancer's readiness check (which includes the database) for 3 minutes. " +
			"Look at the ECS service's events and the container logs.",
		namespace: NamespaceALB, metric: "UnHealthyHostCount", stat: "Maximum", dims: w.targetDims(),
		comparison: "GreaterThanThreshold", threshold: 0, datapoints: 3, periods: 3,
		// The count is published every minute while targets are registered; no data means no targets to be
		// unhealthy, which the no-healthy-hosts alarm covers.
		missing: "notBreaching",
	}, {
		suffix:      AlarmNoHealthyHosts,
		description: "No LiteLLM task has passed the readiness check for 2 minutes: the API is down (the load balancer answers 503).",
		namespace:   NamespaceALB, metric: "HealthyHostCount", stat: "Minimum", dims: w.targetDims(),
		comparison: "LessThanThreshold", threshold: 1, datapoints: 2, periods: 2,
		// Nothing reported healthy is as bad as zero healthy: assume the worst.
		missing: "breaching",
	}, {
		suffix: Alarm5xxRate,
		description: fmt.Sprintf("More than %s%% of requests got a 5xx from LiteLLM or the load balancer in 3 of the last 5 minutes. "+
			"Look at the container logs for the failing calls (provider errors, database errors).", rule.Number(p.HTTP5xxRatePercentThreshold).Text()),
		queries:    w.errorRateQueries(),
		comparison: "GreaterThanThreshold", threshold: p.HTTP5xxRatePercentThreshold, datapoints: 3, periods: 5,
		// No requests, no errors: an idle proxy is not failing.
		missing: "notBreaching",
	}, {
		suffix: AlarmP99Latency,
		description: fmt.Sprintf("The slowest 1%% of responses took more than %s s to start (target response time p99) in 3 of the last 5 minutes: "+
			"workers saturated (ECS CPU), the database pool starved (RDS connections) or the model provider slow.", rule.Number(p.P99LatencySecondsThreshold).Text()),
		namespace: NamespaceALB, metric: "TargetResponseTime", stat: "p99", dims: w.targetDims(),
		comparison: "GreaterThanThreshold", threshold: p.P99LatencySecondsThreshold, datapoints: 3, periods: 5,
		// No requests, no latency. A p99 of a handful of requests is noise: leave the state as it is then.
		missing: "notBreaching", lowSampleCountPercentiles: "ignore",
	}, {
		suffix: AlarmDBCPU,
		description: fmt.Sprintf("Database CPU above %s%% for 5 minutes: queries slow down, and with them LiteLLM's key checks and spend writes. "+
			"Consider a larger db_instance_class.", rule.Number(p.DBCPUPercentThreshold).Text()),
		namespace: NamespaceRDS, metric: "CPUUtilization", stat: "Average", dims: w.dbDims(),
		comparison: "GreaterThanThreshold", threshold: p.DBCPUPercentThreshold, datapoints: 5, periods: 5,
		// A gap (reboot, class change) is not high CPU; an unreachable database shows as unhealthy hosts.
		missing: "missing",
	}, {
		suffix: AlarmDBConnections,
		description: fmt.Sprintf("Database connections at %s%% of the %s that LiteLLM's pools are sized to share, for 3 minutes: requests are about to queue for a connection. "+
			"More tasks or workers than the budget was sized for, or something else holding connections.",
			rule.Number(p.DBConnectionsBudgetPercentThreshold).Text(), rule.Number(p.Database.ConnectionBudget).Text()),
		namespace: NamespaceRDS, metric: "DatabaseConnections", stat: "Maximum", dims: w.dbDims(),
		comparison: "GreaterThanOrEqualToThreshold", threshold: connectionsThreshold, datapoints: 3, periods: 3,
		// As for CPU: a gap is not a full pool.
		missing: "missing",
	}, {
		suffix: AlarmTaskMemory,
		description: fmt.Sprintf("A LiteLLM task has used more than %s%% of its memory for 5 minutes: its workers are growing towards an out-of-memory kill of the whole task "+
			"(LiteLLM issue 12685). Workers are recycled after a number of requests (--max_requests_before_restart); if this persists, give tasks more memory (task_memory) or fewer workers.",
			rule.Number(p.TaskMemoryPercentThreshold).Text()),
		// Maximum is the task using the most memory, not the service's average, which one leaking task hides in
		// (docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html).
		namespace: NamespaceECS, metric: "MemoryUtilization", stat: "Maximum", dims: w.serviceDims(),
		comparison: "GreaterThanThreshold", threshold: p.TaskMemoryPercentThreshold, datapoints: 5, periods: 5,
		// No tasks, no memory: the no-healthy-hosts alarm covers that.
		missing: "notBreaching",
	}}

	m := &Monitoring{scope: c, TopicArn: topic.Arn(), TopicKMSKeyArn: keyArn}
	var alarmArns []string
	for _, s := range specs {
		name := p.Name + "-" + s.suffix
		m.AlarmNames = append(m.AlarmNames, jsii.String(name))
		alarmArns = append(alarmArns, *s.create(c, name, topic.Arn()).Arn())
	}

	dashboard := p.Name + "-litellm"
	m.DashboardName = jsii.String(dashboard)
	cloudwatchdashboard.NewCloudwatchDashboard(c, jsii.String("dashboard"), &cloudwatchdashboard.CloudwatchDashboardConfig{
		DashboardName: m.DashboardName,
		DashboardBody: jsii.String(dashboardBody(p, w, alarmArns, connectionsThreshold)),
	})
	m.DashboardURL = jsii.String(fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards:name=%s", p.Region, p.Region, dashboard))
	return m
}

// watched holds the metric dimensions' values; the load balancer's may be Terraform tokens.
type watched struct {
	cluster, service, loadBalancer, targetGroup, db string
}

// Target metrics (latency, health) are per target group; request and 5xx counts per load balancer, the
// only level at which the load balancer's own 5xx are counted (it has one target group).
func (w watched) targetDims() map[string]string {
	return map[string]string{"LoadBalancer": w.loadBalancer, "TargetGroup": w.targetGroup}
}

func (w watched) loadBalancerDims() map[string]string {
	return map[string]string{"LoadBalancer": w.loadBalancer}
}

func (w watched) serviceDims() map[string]string {
	return map[string]string{"ClusterName": w.cluster, "ServiceName": w.service}
}

func (w watched) dbDims() map[string]string {
	return map[string]string{"DBInstanceIdentifier": w.db}
}

// errorsExpression and errorRateExpression give the share of requests answered with a 5xx, by LiteLLM
// or by the load balancer. The 5xx counts are published only when non-zero, hence FILL; minutes without
// requests have no rate.
const (
	errorsExpression    = "FILL(target_5xx, 0) + FILL(elb_5xx, 0)"
	errorRateExpression = "IF(requests > 0, 100 * errors / requests, 0)"
)

func (w watched) errorRateQueries() []*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery {
	metric := func(id, name string) *cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery {
		return &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
			Id: jsii.String(id),
			Metric: &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQueryMetric{
				Namespace:  jsii.String(NamespaceALB),
				MetricName: jsii.String(name),
				Dimensions: strPtrMap(w.loadBalancerDims()),
				Period:     jsii.Number(periodSeconds),
				Stat:       jsii.String("Sum"),
			},
			ReturnData: jsii.Bool(false),
		}
	}
	return []*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
		metric("requests", "RequestCount"),
		metric("target_5xx", "HTTPCode_Target_5XX_Count"),
		metric("elb_5xx", "HTTPCode_ELB_5XX_Count"),
		{Id: jsii.String("errors"), Expression: jsii.String(errorsExpression), Label: jsii.String("5xx responses"), ReturnData: jsii.Bool(false)},
		{Id: jsii.String("rate"), Expression: jsii.String(errorRateExpression), Label: jsii.String("5xx rate (%)"), ReturnData: jsii.Bool(true)},
	}
}

// alarmSpec is one alarm: either one metric (namespace, metric, stat, dims) or metric math (queries).
type alarmSpec struct {
	suffix, description       string
	namespace, metric, stat   string // stat: Average, Maximum... or a percentile such as p99
	dims                      map[string]string
	queries                   []*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery
	comparison                string
	threshold                 float64 // may be a Terraform number token
	datapoints, periods       int     // alarm when datapoints of the last periods minutes breach
	missing                   string  // treat_missing_data, chosen per alarm
	lowSampleCountPercentiles string
}

func (s alarmSpec) create(scope constructs.Construct, name string, topicArn *string) cloudwatchmetricalarm.CloudwatchMetricAlarm {
	cfg := &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          jsii.String(name),
		AlarmDescription:   jsii.String(s.description),
		ComparisonOperator: jsii.String(s.comparison),
		Threshold:          jsii.Number(s.threshold),
		EvaluationPeriods:  jsii.Number(float64(s.periods)),
		DatapointsToAlarm:  jsii.Number(float64(s.datapoints)),
		TreatMissingData:   jsii.String(s.missing),
		AlarmActions:       &[]*string{topicArn},
		OkActions:          &[]*string{topicArn},
	}
	if s.queries != nil {
		cfg.MetricQuery = &s.queries
	} else {
		cfg.Namespace = jsii.String(s.namespace)
		cfg.MetricName = jsii.String(s.metric)
		cfg.Dimensions = strPtrMap(s.dims)
		cfg.Period = jsii.Number(periodSeconds)
		if isPercentile(s.stat) {
			cfg.ExtendedStatistic = jsii.String(s.stat)
		} else {
			cfg.Statistic = jsii.String(s.stat)
		}
	}
	if s.lowSampleCountPercentiles != "" {
		cfg.EvaluateLowSampleCountPercentiles = jsii.String(s.lowSampleCountPercentiles)
	}
	return cloudwatchmetricalarm.NewCloudwatchMetricAlarm(scope, jsii.String("alarm-"+s.suffix), cfg)
}

func isPercentile(stat string) bool {
	_, err := strconv.ParseFloat(strings.TrimPrefix(stat, "p"), 64)
	return strings.HasPrefix(stat, "p") && err == nil
}

func strPtrMap(m map[string]string) *map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = jsii.String(v)
	}
	return &out
}
