package monitoring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"litellm-aws/internal/rule"
)

// Widget sizes on CloudWatch's 24-column grid: two graphs a row, the alarm list across the top.
const (
	graphWidth, graphHeight = 12, 6
	alarmsHeight            = 3
)

// dashboardBody renders the dashboard as JSON. Strings may hold Terraform tokens: they pass through
// json.Marshal unchanged and cdktf resolves them at synth. A number token cannot (it would come out as
// -1.8e+289), so such numbers go in as placeholders, replaced afterwards by an interpolation that
// Terraform renders as the number.
func dashboardBody(p Props, w watched, alarmArns []string, connectionsThreshold float64) string {
	b := &bodyBuilder{region: p.Region, numbers: map[string]string{}}
	graphs := []map[string]any{
		b.graph("ECS service CPU and memory (%)", [][]any{
			metric(NamespaceECS, "CPUUtilization", w.serviceDims(), "Average", "CPU, task average"),
			metric(NamespaceECS, "CPUUtilization", w.serviceDims(), "Maximum", "CPU, busiest task"),
			metric(NamespaceECS, "MemoryUtilization", w.serviceDims(), "Average", "memory, task average"),
			metric(NamespaceECS, "MemoryUtilization", w.serviceDims(), "Maximum", "memory, fullest task"),
		}, map[string]any{"yAxis": map[string]any{"left": map[string]any{"min": 0, "max": 100}}}),
		b.graph("Target response time (seconds)", [][]any{
			metric(NamespaceALB, "TargetResponseTime", w.targetDims(), "p50", "p50"),
			metric(NamespaceALB, "TargetResponseTime", w.targetDims(), "p95", "p95"),
			metric(NamespaceALB, "TargetResponseTime", w.targetDims(), "p99", "p99"),
		}, b.lines("left", line{"p99 alarm", p.P99LatencySecondsThreshold})),
		b.graph("Requests (per minute)", [][]any{
			metric(NamespaceALB, "RequestCount", w.loadBalancerDims(), "Sum", "requests"),
		}, nil),
		b.graph("Targets", [][]any{
			metric(NamespaceALB, "HealthyHostCount", w.targetDims(), "Minimum", "healthy"),
			metric(NamespaceALB, "UnHealthyHostCount", w.targetDims(), "Maximum", "unhealthy"),
		}, nil),
		b.graph("5xx responses (per minute) and rate (%)", [][]any{
			withOptions(metric(NamespaceALB, "RequestCount", w.loadBalancerDims(), "Sum", "requests"), map[string]any{"id": "requests", "visible": false}),
			withOptions(metric(NamespaceALB, "HTTPCode_Target_5XX_Count", w.loadBalancerDims(), "Sum", "5xx from LiteLLM"), map[string]any{"id": "target_5xx"}),
			withOptions(metric(NamespaceALB, "HTTPCode_ELB_5XX_Count", w.loadBalancerDims(), "Sum", "5xx from the load balancer"), map[string]any{"id": "elb_5xx"}),
			{map[string]any{"id": "errors", "expression": errorsExpression, "label": "5xx", "visible": false}},
			{map[string]any{"id": "rate", "expression": errorRateExpression, "label": "5xx rate (%)", "yAxis": "right"}},
		}, b.lines("right", line{"5xx rate alarm (%)", p.HTTP5xxRatePercentThreshold})),
		b.graph("Database connections", [][]any{
			metric(NamespaceRDS, "DatabaseConnections", w.dbDims(), "Maximum", "connections"),
		}, b.lines("left", line{"LiteLLM's connection budget", p.Database.ConnectionBudget}, line{"alarm", connectionsThreshold})),
		b.graph("Database CPU (%)", [][]any{
			metric(NamespaceRDS, "CPUUtilization", w.dbDims(), "Average", "CPU"),
		}, merge(map[string]any{"yAxis": map[string]any{"left": map[string]any{"min": 0, "max": 100}}}, b.lines("left", line{"alarm", p.DBCPUPercentThreshold}))),
		b.graph("Database freeable memory (bytes)", [][]any{
			metric(NamespaceRDS, "FreeableMemory", w.dbDims(), "Minimum", "freeable memory, lowest"),
		}, nil),
	}

	widgets := []map[string]any{{
		"type": "alarm", "x": 0, "y": 0, "width": 2 * graphWidth, "height": alarmsHeight,
		"properties": map[string]any{"title": "Alarms", "alarms": alarmArns},
	}}
	for i, g := range graphs {
		g["x"], g["y"] = (i%2)*graphWidth, alarmsHeight+(i/2)*graphHeight
		g["width"], g["height"] = graphWidth, graphHeight
		widgets = append(widgets, g)
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "requests > 0" readable in the synthesized JSON
	if err := enc.Encode(map[string]any{"widgets": widgets}); err != nil {
		panic(err) // plain maps, strings and numbers only
	}
	body := strings.TrimSuffix(buf.String(), "\n")
	for placeholder, expr := range b.numbers {
		body = strings.ReplaceAll(body, `"`+placeholder+`"`, expr)
	}
	return body
}

type bodyBuilder struct {
	region  string
	numbers map[string]string // placeholder -> the number's interpolation
}

// number returns n itself, or for a Terraform token a placeholder string to be replaced after marshalling.
func (b *bodyBuilder) number(n float64) any {
	if rule.Number(n).Known() {
		return n
	}
	placeholder := fmt.Sprintf("@number-%d@", len(b.numbers))
	b.numbers[placeholder] = rule.Number(n).Text()
	return placeholder
}

func (b *bodyBuilder) graph(title string, metrics [][]any, extra map[string]any) map[string]any {
	props := map[string]any{
		"title": title, "region": b.region, "view": "timeSeries", "stacked": false,
		"period": periodSeconds, "metrics": metrics,
	}
	for k, v := range extra {
		props[k] = v
	}
	return map[string]any{"type": "metric", "properties": props}
}

type line struct {
	label string
	value float64 // may be a Terraform number token
}

// lines draws horizontal annotations, such as an alarm's threshold, against one y axis.
func (b *bodyBuilder) lines(axis string, ls ...line) map[string]any {
	var out []map[string]any
	for _, l := range ls {
		out = append(out, map[string]any{"label": l.label, "value": b.number(l.value), "yAxis": axis})
	}
	return map[string]any{"annotations": map[string]any{"horizontal": out}}
}

// metric is one dashboard metric: namespace, name, dimension names and values, then its options.
func metric(namespace, name string, dims map[string]string, stat, label string) []any {
	m := []any{namespace, name}
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m = append(m, k, dims[k])
	}
	return append(m, map[string]any{"stat": stat, "label": label})
}

// withOptions adds options (such as an id for metric math) to a metric made by metric.
func withOptions(m []any, opts map[string]any) []any {
	for k, v := range opts {
		m[len(m)-1].(map[string]any)[k] = v
	}
	return m
}

func merge(a, b map[string]any) map[string]any {
	for k, v := range b {
		a[k] = v
	}
	return a
}
