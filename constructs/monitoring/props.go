package monitoring

import (
	"fmt"
	"regexp"
	"strings"

	"litellm-aws/constructs/database"
	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/check"
	"litellm-aws/internal/rule"
)

// Props configures the dashboard and alarms. Thresholds may be deploy-time: a Terraform number token is
// accepted as well as a literal; literals are checked here.
type Props struct {
	// Name prefixes the dashboard ("<name>-litellm"), the alarms ("<name>-p99-latency", ...) and the SNS
	// topic ("<name>-alarms"). Required; at most MaxNameLength characters.
	Name string
	// Region is where the metrics are; every widget and the dashboard URL name it. Required.
	Region string
	// Service, LoadBalancer and Database are what is watched. Required.
	Service      *proxyservice.ProxyService
	LoadBalancer *loadbalancer.LoadBalancer
	Database     *database.Database
	// AlarmEmail is subscribed to the alarm topic; AWS mails it a link that must be followed before any
	// alarm arrives. A literal, or a Terraform string expression such as a variable, which subscribes
	// nobody when it is empty at plan time. Default: empty, no subscription.
	AlarmEmail string
	// KMSKeyArn encrypts the alarm topic: the stack's key (encryption.Key.Arn, a Terraform expression) or
	// another customer managed key, whose policy must let cloudwatch.amazonaws.com call kms:Decrypt and
	// kms:GenerateDataKey*. Not the AWS managed alias/aws/sns: CloudWatch may not use that key, so an alarm
	// could never publish to the topic. Required, as the wiring is: New panics without it (Validate checks
	// only what it holds, so props may be validated before the key exists).
	KMSKeyArn string
	// P99LatencySecondsThreshold alarms when the p99 target response time (time to the first response
	// byte) stays above it. Default: 1, about 4x the benchmark's p99 of ~240 ms with the fake endpoint:
	// clear of normal noise, yet crossed when requests queue on saturated workers or a starved database
	// pool, well before clients time out. Serving real models, set it to their p99 plus a margin.
	P99LatencySecondsThreshold float64
	// HTTP5xxRatePercentThreshold alarms when more than this share of requests get a 5xx, from LiteLLM or
	// from the load balancer. Default: 1; a healthy proxy in front of a healthy provider returns almost none,
	// and one failing provider call in a hundred is worth a look.
	HTTP5xxRatePercentThreshold float64
	// DBCPUPercentThreshold alarms when the database's CPU stays above it for 5 minutes. Default: 80,
	// which leaves headroom before queries (and with them LiteLLM's spend writes and key checks) slow down.
	DBCPUPercentThreshold float64
	// DBConnectionsBudgetPercentThreshold alarms when the database holds this share of the connection
	// budget LiteLLM's pools were sized to (database.Database.ConnectionBudget). Default: 90: nearly every
	// pool is full, so requests are about to queue for connections, or something else holds them.
	DBConnectionsBudgetPercentThreshold float64
	// TaskMemoryPercentThreshold alarms when the LiteLLM task using the most memory stays above this share of
	// its memory for 5 minutes. Default: 80. LiteLLM's memory grows per worker under load (LiteLLM issue
	// 12685) and an out-of-memory kill stops every worker of the task at once; 80% leaves the time to act
	// (more task_memory, fewer workers) before that.
	TaskMemoryPercentThreshold float64
}

// Defaults for optional fields.
const (
	DefaultP99LatencySecondsThreshold          = 1
	DefaultHTTP5xxRatePercentThreshold         = 1
	DefaultDBCPUPercentThreshold               = 80
	DefaultDBConnectionsBudgetPercentThreshold = 90
	DefaultTaskMemoryPercentThreshold          = 80
	// MaxNameLength keeps the longest alarm name, "<name>-no-healthy-hosts", within CloudWatch's 255
	// characters; the dashboard and topic names are shorter.
	MaxNameLength = 255 - len("-"+AlarmNoHealthyHosts)
	// MaxLatencySeconds is the load balancer's longest idle timeout: no response takes longer.
	MaxLatencySeconds = 4000
)

// EmailPattern is what AlarmEmail must look like. RE2, so a Terraform variable's validation can use it too.
const EmailPattern = `^[^@\s]+@[^@\s]+\.[^@\s]+$`

// EmailRule: an email address, or empty for no subscription.
func EmailRule(name string, x rule.Expr) rule.Rule {
	return rule.PatternOrEmpty(name, x, EmailPattern, "an email address", "name@example.com, or empty for no subscription")
}

var (
	kmsRE = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+$`)
)

// awsManagedSNSKey is the key SNS offers by default; its policy cannot be changed to let CloudWatch use it.
const awsManagedSNSKey = "alias/aws/sns"

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if p.P99LatencySecondsThreshold == 0 {
		p.P99LatencySecondsThreshold = DefaultP99LatencySecondsThreshold
	}
	if p.HTTP5xxRatePercentThreshold == 0 {
		p.HTTP5xxRatePercentThreshold = DefaultHTTP5xxRatePercentThreshold
	}
	if p.DBCPUPercentThreshold == 0 {
		p.DBCPUPercentThreshold = DefaultDBCPUPercentThreshold
	}
	if p.DBConnectionsBudgetPercentThreshold == 0 {
		p.DBConnectionsBudgetPercentThreshold = DefaultDBConnectionsBudgetPercentThreshold
	}
	if p.TaskMemoryPercentThreshold == 0 {
		p.TaskMemoryPercentThreshold = DefaultTaskMemoryPercentThreshold
	}
	return p
}

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	errs.Name("Name", p.Name, MaxNameLength)
	errs.Region("Region", p.Region)
	errs.Rules(EmailRule("AlarmEmail", rule.String(p.AlarmEmail)))
	switch {
	case p.KMSKeyArn == "" || check.IsTokenString(p.KMSKeyArn):
	case strings.HasSuffix(p.KMSKeyArn, awsManagedSNSKey):
		errs.Addf("KMSKeyArn %q is the AWS managed key, which CloudWatch alarms may not use, so no alarm would arrive: allowed the stack's key (encryption.Key.Arn) or a customer managed key whose policy lets cloudwatch.amazonaws.com use it", p.KMSKeyArn)
	case !kmsRE.MatchString(p.KMSKeyArn):
		errs.Addf("KMSKeyArn %q is not a KMS key ARN: allowed the stack's key (encryption.Key.Arn), arn:aws:kms:<region>:<account>:key/<id> or :alias/<name>", p.KMSKeyArn)
	}
	above0 := func(field string, v float64, upTo float64, inclusive bool, unit string) {
		x, most := rule.Number(v), rule.Number(upTo)
		ok, bound := rule.Lt(x, most), "less than"
		if inclusive {
			ok, bound = rule.Le(x, most), "at most"
		}
		errs.Rules(rule.New(rule.And(rule.Lt(rule.Number(0), x), ok),
			field, " = ", x, fmt.Sprintf(" is out of range: allowed more than 0 and %s %v%s.", bound, upTo, unit)))
	}
	above0("P99LatencySecondsThreshold", p.P99LatencySecondsThreshold, MaxLatencySeconds, true, " (the load balancer's longest idle timeout)")
	above0("HTTP5xxRatePercentThreshold", p.HTTP5xxRatePercentThreshold, 100, false, "")
	above0("DBCPUPercentThreshold", p.DBCPUPercentThreshold, 100, false, "")
	above0("DBConnectionsBudgetPercentThreshold", p.DBConnectionsBudgetPercentThreshold, 100, true, "")
	above0("TaskMemoryPercentThreshold", p.TaskMemoryPercentThreshold, 100, false, "")
	return errs.Err(fmt.Sprintf("monitoring %q", p.Name))
}
