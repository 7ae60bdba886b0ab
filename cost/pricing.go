package cost

import (
	"encoding/json"
	"errors"
	"fmt"
	"litellm-aws/constructs/loadgen"
	"math"
	"strings"
)

// The price rules Billing names: each reads its resources' counts and sizes and adds the lines they cost.

const h = HoursPerMonth

// suffix tells apart the lines of several resources of one type; a single resource needs none.
func suffix(b *bill, rs []Resource, r Resource, key string) string {
	if len(rs) == 1 {
		return ""
	}
	return " (" + b.nameOf(r, key) + ")"
}

func priceFargate(b *bill, rs []Resource) {
	t := USEast1
	for _, r := range rs {
		vcpuItem, memItem := "Fargate vCPU"+suffix(b, rs, r, "name"), "Fargate memory"+suffix(b, rs, r, "name")
		f, err := b.fargate(r)
		if err != nil {
			b.missing(r.Type, vcpuItem, GroupFargate, r.Address(), err.Error())
			b.missing(r.Type, memItem, GroupFargate, r.Address(), err.Error())
			continue
		}
		vcpu, gb := float64(f.CPU)/1024, float64(f.MemoryMiB)/1024
		b.fixed(r.Type, vcpuItem, GroupFargate, fmt.Sprintf("%d tasks x %s vCPU x %d h", f.Tasks, num(vcpu), h),
			t.FargateVCPUHour, float64(f.Tasks)*vcpu*h)
		b.fixed(r.Type, memItem, GroupFargate, fmt.Sprintf("%d tasks x %s GB x %d h", f.Tasks, num(gb), h),
			t.FargateGBHour, float64(f.Tasks)*gb*h)
	}
	if most, ok := b.mostTasks(); ok {
		tasks, err := b.tasks()
		if err == nil && len(rs) == 1 && most > tasks {
			f, _ := b.fargate(rs[0])
			perTask := fargateTaskHour(f.CPU, f.MemoryMiB) * h
			b.note("Autoscaling may run up to %d tasks (autoscaling_max_task_count): each task beyond %d adds %s a month.",
				most, tasks, usd(perTask))
		}
	}
}

// fargateTaskHour is what one Linux/x86 Fargate task of cpu units and memMiB costs an hour.
func fargateTaskHour(cpu, memMiB int) float64 {
	return float64(cpu)/1024*USEast1.FargateVCPUHour.USD + float64(memMiB)/1024*USEast1.FargateGBHour.USD
}

// mostTasks is the largest max_capacity of the stack's ECS autoscaling targets.
func (b *bill) mostTasks() (int, bool) {
	most, found := 0, false
	for _, r := range b.stack.OfType("aws_appautoscaling_target") {
		if dim, _ := b.str(r, "scalable_dimension", ""); dim != "ecs:service:DesiredCount" {
			continue
		}
		if n, err := b.wholeNumber(r, "max_capacity", 0); err == nil {
			most, found = max(most, n), true
		}
	}
	return most, found
}

// sortTaskDefinitions: a task definition costs nothing itself. One a service runs is billed as that
// service's Fargate task-hours; one a terraform_data provisioner starts at deploy (LiteLLM's database
// migration) runs for minutes a deploy, not counted; one that nothing in the stack starts is billed for
// task-hours the stack cannot tell, and is unpriced.
func sortTaskDefinitions(b *bill, rs []Resource) {
	var byService []Resource
	for _, r := range rs {
		if runBy(b.stack.OfType("aws_ecs_service"), r) != "" {
			byService = append(byService, r)
			continue
		}
		if family, _ := r.Body["family"].(string); strings.HasSuffix(family, loadgen.FamilySuffix) {
			b.exclude(r.Type, []Resource{r}, fmt.Sprintf("the load generator, which runs only during ./help benchmark (%s) for the minutes of a run", taskSize(b, r)), true)
			continue
		}
		if starter := runBy(b.stack.OfType("terraform_data"), r); starter != "" {
			b.exclude(r.Type, []Resource{r}, fmt.Sprintf("a one-off task %s starts at deploy (%s) for the minutes it runs", starter, taskSize(b, r)), true)
			continue
		}
		b.missing(r.Type, r.Type, GroupUnpriced, r.Address(),
			r.Address()+" is run by no service and started by nothing in the stack: the hours of its tasks are not priced")
	}
	b.exclude("aws_ecs_task_definition", byService, "billed as the Fargate task-hours of the service that runs it", false)
}

// taskSize says a task definition's size and its Fargate price an hour.
func taskSize(b *bill, r Resource) string {
	if cpu, err := b.wholeNumber(r, "cpu", 0); err == nil {
		if mem, err := b.wholeNumber(r, "memory", 0); err == nil {
			return fmt.Sprintf("%s vCPU / %s GB, $%s an hour", num(float64(cpu)/1024), num(float64(mem)/1024),
				fmtPrice(math.Round(fargateTaskHour(cpu, mem)*1000)/1000))
		}
	}
	return "its size unknown"
}

// runBy returns the address of the first resource that refers to the task definition td, if any.
func runBy(rs []Resource, td Resource) string {
	ref := "${" + td.Address() + "."
	for _, r := range rs {
		if raw, _ := json.Marshal(r.Body); strings.Contains(string(raw), ref) {
			return r.Address()
		}
	}
	return ""
}

// aliasRecord: queries to an alias record for an AWS resource are free; those to any other record are billed
// per million, which the estimate does not count.
func aliasRecord(b *bill, r Resource) error {
	if block(r, "alias") != nil {
		return nil
	}
	return fmt.Errorf("%s is not an alias record: its queries are billed per million, and not priced", r.Address())
}

func priceContainerInsights(b *bill, rs []Resource) {
	t := USEast1
	var off []Resource
	for _, r := range rs {
		mode := ""
		settings, _ := r.Body["setting"].([]any)
		for _, s := range settings {
			if m, _ := s.(map[string]any); m["name"] == "containerInsights" {
				mode, _ = m["value"].(string)
			}
		}
		switch mode {
		case "enabled":
			b.ranged(r.Type, "Container Insights metrics", GroupCloudWatch, "assumed: one cluster, one service",
				t.CustomMetricMonth, InsightsMetricsLow, InsightsMetricsHigh)
			tasks, err := b.tasks()
			if err != nil {
				b.missing(r.Type, "Container Insights events", GroupCloudWatch, "one a minute for each task", err.Error())
				continue
			}
			events := float64(2*tasks+2) * InsightsEventKB * 60 * h / (1 << 20)
			b.ranged(r.Type, "Container Insights events", GroupCloudWatch,
				fmt.Sprintf("%d events a minute (tasks, containers, service, cluster) x %s KB", 2*tasks+2, num(InsightsEventKB)),
				t.LogsIngestGB, events, events)
			b.note("Container Insights is on for %s and is extra: its metrics bill as custom metrics ($%s each a month; "+
				"%s-%s assumed) and its performance events as log ingestion.", b.nameOf(r, "name"),
				fmtPrice(t.CustomMetricMonth.USD), num(InsightsMetricsLow), num(InsightsMetricsHigh))
		case "", "disabled":
			off = append(off, r)
		default:
			b.missing(r.Type, "Container Insights", GroupCloudWatch, r.Address(),
				fmt.Sprintf("Container Insights %q is billed by observation: the table has no price for it", mode))
		}
	}
	b.exclude("aws_ecs_cluster", off, "a cluster without Container Insights costs nothing", false)
}

func priceTargetTrackingAlarms(b *bill, rs []Resource) {
	alarms, policies := 0, 0
	var step []Resource
	for _, r := range rs {
		typ, err := b.str(r, "policy_type", "StepScaling")
		if err != nil {
			b.missing(r.Type, "Autoscaling alarms", GroupCloudWatch, r.Address(), err.Error())
			continue
		}
		if typ != "TargetTrackingScaling" {
			step = append(step, r)
			continue
		}
		n, err := b.count(r)
		if err != nil {
			b.missing(r.Type, "Autoscaling alarms", GroupCloudWatch, r.Address(), err.Error())
			continue
		}
		perPolicy := 2 // AWS creates one alarm to scale out and one to scale in
		if c, _ := block(r, "target_tracking_scaling_policy_configuration")["disable_scale_in"].(bool); c {
			perPolicy = 1
		}
		policies += n
		alarms += n * perPolicy
	}
	if policies > 0 {
		b.fixed("aws_appautoscaling_policy", "Autoscaling alarms", GroupCloudWatch,
			fmt.Sprintf("%d target-tracking %s: AWS creates %d alarms for %s", policies, plural(policies, "policy", "policies"),
				alarms, plural(policies, "it", "them")),
			USEast1.AlarmMetricMonth, float64(alarms))
	}
	b.exclude("aws_appautoscaling_policy", step, "a step scaling policy: its alarms are priced as alarms", false)
}

func priceRDS(b *bill, rs []Resource) {
	t := USEast1
	for _, r := range rs {
		item, storageItem := "RDS instance"+suffix(b, rs, r, "identifier"), "RDS storage"+suffix(b, rs, r, "identifier")
		d, err := b.database(r)
		if err != nil {
			b.missing(r.Type, item, GroupRDS, r.Address(), err.Error())
			b.missing(r.Type, storageItem, GroupRDS, r.Address(), err.Error())
			continue
		}
		copies, az := d.Count, "single-AZ"
		if d.MultiAZ {
			copies, az = 2*d.Count, "Multi-AZ, primary and standby"
		}
		detail := fmt.Sprintf("%s, %s: %d x %d h", d.Class, az, copies, h)
		if d.Engine != "postgres" {
			b.missing(r.Type, item, GroupRDS, detail, fmt.Sprintf("RDS engine %q: the table holds RDS for PostgreSQL prices only", d.Engine))
		} else if price, ok := t.RDSInstanceHour[d.Class]; ok {
			b.fixed(r.Type, item, GroupRDS, detail, price, float64(copies*h))
		} else {
			b.missing(r.Type, item, GroupRDS, detail,
				fmt.Sprintf("RDS instance class %q has no price in the table (cost/prices.go): priced classes are %s",
					d.Class, strings.Join(sortedKeys(t.RDSInstanceHour), ", ")))
		}
		storageDetail := fmt.Sprintf("%d GB %s", d.StorageGB, d.StorageType)
		if d.MultiAZ {
			storageDetail += " x 2 (Multi-AZ)"
		}
		switch {
		case d.StorageType != "gp3":
			b.missing(r.Type, storageItem, GroupRDS, storageDetail, fmt.Sprintf("storage type %q: the table prices gp3 only", d.StorageType))
		case d.ProvisionedIOPS:
			b.missing(r.Type, storageItem, GroupRDS, storageDetail, "IOPS or throughput beyond gp3's baseline: the table has no price for them")
		default:
			b.fixed(r.Type, storageItem, GroupRDS, storageDetail, t.RDSGP3GBMonth, float64(d.StorageGB*copies))
		}
		if d.InsightsDays > 7 {
			b.missing(r.Type, "Performance Insights"+suffix(b, rs, r, "identifier"), GroupRDS, r.Address(),
				fmt.Sprintf("%d days of Performance Insights: beyond the free 7 the table has no price", d.InsightsDays))
		}
		if d.MaxStorageGB > d.StorageGB {
			b.note("RDS: automated backups up to the %d GB provisioned are free; storage autoscaling may grow the volume to %d GB (%s a month).",
				d.StorageGB, d.MaxStorageGB, usd(float64(d.MaxStorageGB*copies)*t.RDSGP3GBMonth.USD))
		}
	}
}

// dbInstance is one RDS instance block, as billed.
type dbInstance struct {
	Count                                 int
	Class, Engine, StorageType            string
	MultiAZ, ProvisionedIOPS              bool
	StorageGB, MaxStorageGB, InsightsDays int
}

func (b *bill) database(r Resource) (dbInstance, error) {
	var d dbInstance
	errs := make([]error, 8)
	d.Count, errs[0] = b.count(r)
	d.Class, errs[1] = b.str(r, "instance_class", "")
	d.Engine, errs[2] = b.str(r, "engine", "")
	d.StorageType, errs[3] = b.str(r, "storage_type", "gp2") // the provider's default
	d.MultiAZ, errs[4] = b.boolean(r, "multi_az", false)
	d.StorageGB, errs[5] = b.wholeNumber(r, "allocated_storage", 0)
	d.MaxStorageGB, errs[6] = b.wholeNumber(r, "max_allocated_storage", 0)
	if insights, err := b.boolean(r, "performance_insights_enabled", false); insights || err != nil {
		d.InsightsDays, errs[7] = b.wholeNumber(r, "performance_insights_retention_period", 7)
		errs[7] = errors.Join(err, errs[7])
	}
	_, iops := r.Body["iops"]
	_, throughput := r.Body["storage_throughput"]
	d.ProvisionedIOPS = iops || throughput
	return d, errors.Join(errs...)
}

func priceElastiCache(b *bill, rs []Resource) {
	t := USEast1
	for _, r := range rs {
		item := "ElastiCache Redis" + suffix(b, rs, r, "replication_group_id")
		g, err := b.redis(r)
		if err != nil {
			b.missing(r.Type, item, GroupRedis, r.Address(), err.Error())
			continue
		}
		detail := fmt.Sprintf("%s x %d nodes x %d h", g.NodeType, g.Nodes, h)
		price, ok := t.ElastiCacheNodeHour[g.NodeType]
		switch {
		case g.Engine != "redis":
			b.missing(r.Type, item, GroupRedis, detail, fmt.Sprintf("engine %q: the table holds Redis OSS node prices only", g.Engine))
		case !ok:
			b.missing(r.Type, item, GroupRedis, detail,
				fmt.Sprintf("ElastiCache node type %q has no price in the table (cost/prices.go): priced types are %s",
					g.NodeType, strings.Join(sortedKeys(t.ElastiCacheNodeHour), ", ")))
		default:
			b.fixed(r.Type, item, GroupRedis, detail, price, float64(g.Nodes*h))
		}
	}
	b.note("Redis: tasks in other zones than the primary pay inter-AZ transfer to it ($%s/GB each side), not counted; "+
		"the one snapshot a day it keeps is free.", fmtPrice(t.InterAZGB.USD))
}

// redisGroup is one replication group, as billed.
type redisGroup struct {
	Engine, NodeType string
	Nodes            int
}

func (b *bill) redis(r Resource) (redisGroup, error) {
	var g redisGroup
	n, err := b.count(r)
	if err != nil {
		return g, err
	}
	if g.Engine, err = b.str(r, "engine", "redis"); err != nil {
		return g, err
	}
	if g.NodeType, err = b.str(r, "node_type", ""); err != nil {
		return g, err
	}
	nodes, err := b.wholeNumber(r, "num_cache_clusters", 0)
	if err != nil {
		return g, err
	}
	if nodes == 0 { // cluster mode: shards of a primary and its replicas
		shards, err := b.wholeNumber(r, "num_node_groups", 0)
		if err != nil {
			return g, err
		}
		replicas, err := b.wholeNumber(r, "replicas_per_node_group", 0)
		if err != nil {
			return g, err
		}
		nodes = shards * (1 + replicas)
	}
	if nodes == 0 {
		return g, fmt.Errorf("%s sets neither num_cache_clusters nor num_node_groups", r.Address())
	}
	g.Nodes = n * nodes
	return g, nil
}

func priceLoadBalancer(b *bill, rs []Resource) {
	t := USEast1
	for _, r := range rs {
		sfx := suffix(b, rs, r, "name")
		kind, err := b.str(r, "load_balancer_type", "application")
		if err == nil && kind != "application" {
			err = fmt.Errorf("a %s load balancer: the table prices Application Load Balancers only", kind)
		}
		internal, ierr := b.boolean(r, "internal", false)
		if err == nil {
			err = ierr
		}
		if err != nil {
			b.missing(r.Type, "ALB hours"+sfx, GroupALB, r.Address(), err.Error())
			continue
		}
		b.fixed(r.Type, "ALB hours"+sfx, GroupALB, fmt.Sprintf("1 load balancer x %d h", h), t.ALBHour, h)
		b.traffic(r.Type, "ALB LCUs"+sfx, GroupALB, "1 LCU per GB processed an hour, connections reused", t.ALBLCUHour, 1)
		if internal {
			continue
		}
		subnets, _ := r.Body["subnets"].([]any)
		if mappings, ok := r.Body["subnet_mapping"].([]any); ok {
			subnets = mappings
		}
		b.fixed(r.Type, "Public IPv4, load balancer"+sfx, GroupIPv4, fmt.Sprintf("%d, one per zone, x %d h", len(subnets), h),
			t.PublicIPv4Hour, float64(len(subnets)*h))
		if logs := block(r, "access_logs"); logs != nil && logs["enabled"] == true && !strings.Contains(fmt.Sprint(logs["bucket"]), "${") {
			b.note("Access logs go to the S3 bucket %v, outside the stack: its storage is not counted.", logs["bucket"])
		}
	}
	b.note("Public IPv4: the load balancer holds one address per zone and adds nodes, with addresses, as it scales under load.")
}

// priceBuckets: a bucket the load balancer's access logs go to is priced as log storage, from idle to the
// load, for as long as its lifecycle keeps them; any other bucket (the config, S3's own access logs of it)
// holds kilobytes, not counted.
func priceBuckets(b *bill, rs []Resource) {
	var logBuckets, small []Resource
	for _, r := range rs {
		albLogs := false
		for _, lb := range b.stack.OfType("aws_lb") {
			if logs := block(lb, "access_logs"); logs != nil && logs["enabled"] == true && b.refersTo(logs["bucket"], r) {
				albLogs = true
			}
		}
		if albLogs {
			logBuckets = append(logBuckets, r)
		} else {
			small = append(small, r)
		}
	}
	for _, r := range logBuckets {
		item := "S3 access log storage" + suffix(b, logBuckets, r, "bucket")
		days, err := b.expiryDays(r)
		if err != nil {
			b.missing(r.Type, item, GroupS3, r.Address(), err.Error())
			continue
		}
		rps, err := b.requestsPerSecond()
		if err != nil {
			b.missing(r.Type, item, GroupS3, r.Address(), err.Error())
			continue
		}
		monthGB := rps * 3600 * HoursPerMonth * ALBLogBytesPerRequest / (1 << 30)
		stored := monthGB * float64(days) * 24 / HoursPerMonth
		b.ranged(r.Type, item, GroupS3,
			fmt.Sprintf("the load balancer's, %s B a request (assumed), kept %d days: %s GB stored at the load", num(ALBLogBytesPerRequest), days, num(stored)),
			USEast1.S3StandardGBMonth, 0, stored)
	}
	b.exclude("aws_s3_bucket", small, fmt.Sprintf("holds kilobytes (config.yaml, or S3's access logs of it): $%s per GB-month",
		fmtPrice(USEast1.S3StandardGBMonth.USD)), true)
}

// expiryDays is how long a bucket's lifecycle keeps objects: its shortest enabled expiration.
func (b *bill) expiryDays(bucket Resource) (int, error) {
	days := 0
	for _, lc := range b.stack.OfType("aws_s3_bucket_lifecycle_configuration") {
		if !b.refersTo(lc.Body["bucket"], bucket) {
			continue
		}
		rules, _ := lc.Body["rule"].([]any)
		for _, rule := range rules {
			m, _ := rule.(map[string]any)
			exp, _ := m["expiration"].(map[string]any)
			if d, err := toNumber(exp["days"]); err == nil && m["status"] == "Enabled" && (days == 0 || int(d) < days) {
				days = int(d)
			}
		}
	}
	if days == 0 {
		return 0, fmt.Errorf("%s has no lifecycle expiration: what it stores grows without bound", bucket.Address())
	}
	return days, nil
}

func priceNATGateways(b *bill, rs []Resource) {
	t := USEast1
	nats, err := b.total(rs)
	if err != nil {
		b.missing(rs[0].Type, "NAT gateway hours", GroupNAT, b.names(rs, ""), err.Error())
		return
	}
	zones, err := b.zones()
	if err != nil {
		b.missing(rs[0].Type, "NAT gateway hours", GroupNAT, b.names(rs, ""), err.Error())
		return
	}
	detail := fmt.Sprintf("%d, shared by %d zones, x %d h", nats, zones, h)
	if nats >= zones {
		detail = fmt.Sprintf("%d, one per zone, x %d h", nats, h)
	}
	b.fixed(rs[0].Type, "NAT gateway hours", GroupNAT, detail, t.NATGatewayHour, float64(nats*h))
	b.traffic(rs[0].Type, "NAT gateway data processed", GroupNAT, "the tasks' calls to the model provider", t.NATGatewayGB, 1)
	if nats < zones {
		// Tasks spread evenly over the zones; those in a zone without a gateway cross to one, billed on both sides.
		without := zones - nats
		b.traffic(rs[0].Type, "Inter-AZ to the NAT gateway", GroupTransfer,
			fmt.Sprintf("from the %d of %d zones without one, billed on each side", without, zones),
			t.InterAZGB, 2*float64(without)/float64(zones))
	}
}

func priceElasticIPs(b *bill, rs []Resource) {
	n, err := b.total(rs)
	if err != nil {
		b.missing(rs[0].Type, "Public IPv4, Elastic IPs", GroupIPv4, b.names(rs, ""), err.Error())
		return
	}
	b.fixed(rs[0].Type, "Public IPv4, Elastic IPs", GroupIPv4, fmt.Sprintf("%d (%s) x %d h", n, b.names(rs, ""), h),
		USEast1.PublicIPv4Hour, float64(n*h))
}

func priceDataTransferOut(b *bill, rs []Resource) {
	t := USEast1
	b.traffic(rs[0].Type, "Data transfer out", GroupTransfer, "responses to clients, requests to the model provider", t.DataTransferOutGB, 1)
	b.note("Data transfer out: $%s/GB is the first 10 TB a month; the account's first 100 GB a month are free (not subtracted). "+
		"Data in is free. GB are GiB, as AWS bills them.", fmtPrice(t.DataTransferOutGB.USD))
}

func priceSecrets(b *bill, rs []Resource) {
	n, err := b.total(rs)
	if err != nil {
		b.missing(rs[0].Type, "Secrets Manager", GroupSecrets, b.names(rs, "name"), err.Error())
		return
	}
	b.fixed(rs[0].Type, "Secrets Manager", GroupSecrets, fmt.Sprintf("%d %s: %s", n, plural(n, "secret", "secrets"), b.names(rs, "name")),
		USEast1.SecretMonth, float64(n))
}

func priceKMSKeys(b *bill, rs []Resource) {
	n, err := b.total(rs)
	if err != nil {
		b.missing(rs[0].Type, "KMS keys", GroupKMS, b.names(rs, ""), err.Error())
		return
	}
	b.fixed(rs[0].Type, "KMS keys", GroupKMS, fmt.Sprintf("%d customer-managed: %s", n, b.names(rs, "")), USEast1.KMSKeyMonth, float64(n))
	for _, r := range rs {
		if on, _ := b.boolean(r, "enable_key_rotation", false); on {
			b.note("KMS: %s rotates yearly; each of its first two rotations adds %s a month.", b.nameOf(r, ""), usd(USEast1.KMSKeyMonth.USD))
		}
	}
}

func priceLogs(b *bill, rs []Resource) {
	t := USEast1
	n, err := b.total(rs)
	if err != nil {
		b.missing(rs[0].Type, "CloudWatch Logs ingestion", GroupCloudWatch, b.names(rs, "name"), err.Error())
		return
	}
	retention := map[string]bool{}
	for _, r := range rs {
		if class, _ := b.str(r, "log_group_class", "STANDARD"); class != "STANDARD" {
			b.missing(r.Type, "CloudWatch Logs ingestion", GroupCloudWatch, r.Address(), fmt.Sprintf("log class %s: the table prices the standard class only", class))
			return
		}
		days, err := b.wholeNumber(r, "retention_in_days", 0)
		switch {
		case err != nil:
			retention["unknown"] = true
		case days == 0:
			retention["forever"] = true
		default:
			retention[fmt.Sprintf("%d days", days)] = true
		}
	}
	b.ranged(rs[0].Type, "CloudWatch Logs ingestion", GroupCloudWatch,
		fmt.Sprintf("assumed: %d log %s (%s)", n, plural(n, "group", "groups"), b.names(rs, "name")),
		t.LogsIngestGB, LogsGBLow, LogsGBHigh)
	b.note("CloudWatch Logs: $%s/GB ingested (standard class; VPC flow logs are vended logs at the same first-tier rate) plus "+
		"$%s/GB-month kept (%s here). %s-%s GB a month is an assumption: LiteLLM logs at ERROR, but flow logs record every "+
		"connection, so clients that do not reuse connections can make far more.",
		fmtPrice(t.LogsIngestGB.USD), fmtPrice(t.LogsStoreGBMonth.USD), strings.Join(sortedKeys(retention), ", "), num(LogsGBLow), num(LogsGBHigh))
}

func priceAlarms(b *bill, rs []Resource) {
	t := USEast1
	var alarms, metrics, highResAlarms, highResMetrics int
	for _, r := range rs {
		n, err := b.count(r)
		if err != nil {
			b.missing(r.Type, "CloudWatch alarms", GroupCloudWatch, r.Address(), err.Error())
			continue
		}
		reads, period := 1, 0.0
		if p, err := b.number(r, "period", 0); err == nil {
			period = p
		}
		if queries, ok := r.Body["metric_query"].([]any); ok {
			reads = 0
			for _, q := range queries {
				m, _ := q.(map[string]any)
				if metric, ok := m["metric"].(map[string]any); ok {
					reads++
					if p, err := toNumber(metric["period"]); err == nil && (period == 0 || p < period) {
						period = p
					}
				}
			}
		}
		if period > 0 && period < 60 {
			highResAlarms, highResMetrics = highResAlarms+n, highResMetrics+n*reads
		} else {
			alarms, metrics = alarms+n, metrics+n*reads
		}
	}
	detail := func(a, m int) string {
		return fmt.Sprintf("%d %s reading %d %s (a metric-math alarm bills each metric it reads)", a, plural(a, "alarm", "alarms"), m, plural(m, "metric", "metrics"))
	}
	if alarms > 0 {
		b.fixed(rs[0].Type, "CloudWatch alarms", GroupCloudWatch, detail(alarms, metrics), t.AlarmMetricMonth, float64(metrics))
	}
	if highResAlarms > 0 {
		b.fixed(rs[0].Type, "CloudWatch high-resolution alarms", GroupCloudWatch, detail(highResAlarms, highResMetrics),
			t.AlarmMetricHighResMonth, float64(highResMetrics))
	}
}

func priceDashboards(b *bill, rs []Resource) {
	n, err := b.total(rs)
	if err != nil {
		b.missing(rs[0].Type, "CloudWatch dashboards", GroupCloudWatch, b.names(rs, "dashboard_name"), err.Error())
		return
	}
	b.fixed(rs[0].Type, "CloudWatch dashboards", GroupCloudWatch, fmt.Sprintf("%d: %s", n, b.names(rs, "dashboard_name")),
		USEast1.DashboardMonth, float64(n))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
