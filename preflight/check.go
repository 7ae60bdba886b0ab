package preflight

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// The Service Quotas code of "Fargate On-Demand vCPU resource count": the vCPU of every running Fargate
// On-Demand task in the account and region together.
const (
	QuotaServiceCode = "fargate"
	QuotaCode        = "L-3032A538"
)

// Options configure Check.
type Options struct {
	// Endpoint sends every AWS call to a local emulator at this URL. Default: AWS.
	Endpoint string
	// Getenv reads the region the caller's shell asks for (AWS_REGION, AWS_DEFAULT_REGION). Default: none set.
	Getenv func(string) string
}

// Result is what the checks found.
type Result struct {
	// Account and Caller are the credentials' account id and ARN.
	Account, Caller string
	// Region is where the stack deploys: its provider's region.
	Region string
	// Quota is the Fargate On-Demand vCPU quota; QuotaSource says whether it is the account's own value or,
	// when that could not be read, AWS's default.
	Quota       float64
	QuotaSource string
	// Warnings are things the caller should print but that do not stop the deploy.
	Warnings []string
}

// Check runs the AWS side of the preflight for a peak: credentials, region, quota. It returns an error saying
// what to do when the deploy should not go ahead; Result holds what was found either way.
func Check(ctx context.Context, peak Peak, o Options) (Result, error) {
	r := Result{Region: peak.Region}
	if r.Region == "" {
		return r, fmt.Errorf("stack %s names no region in its AWS provider", peak.Stack)
	}
	if err := checkRegion(peak, o.Getenv); err != nil {
		return r, err
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(r.Region)}
	if o.Endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(o.Endpoint))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return r, fmt.Errorf("reading the AWS configuration: %v", err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return r, fmt.Errorf("no AWS credentials (%s): set AWS_PROFILE to a profile made with `aws configure` or `aws configure sso` "+
			"(then `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), "+
			"for the account to deploy %s into; nothing was created", firstLine(err), peak.Stack)
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return r, fmt.Errorf("AWS did not accept the credentials (sts GetCallerIdentity: %s): they may have expired "+
			"(`aws sso login`, or new keys) or belong to another partition; nothing was created", firstLine(err))
	}
	r.Account, r.Caller = aws.ToString(who.Account), aws.ToString(who.Arn)

	quotas := servicequotas.NewFromConfig(cfg)
	in := &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String(QuotaServiceCode), QuotaCode: aws.String(QuotaCode)}
	got, err := quotas.GetServiceQuota(ctx, in)
	var value *float64
	if err == nil && got.Quota != nil {
		value, r.QuotaSource = got.Quota.Value, "the account's quota"
	} else {
		why := "it has no value"
		if err != nil {
			why = firstLine(err)
		}
		def, derr := quotas.GetAWSDefaultServiceQuota(ctx, &servicequotas.GetAWSDefaultServiceQuotaInput{
			ServiceCode: in.ServiceCode, QuotaCode: in.QuotaCode})
		if derr != nil || def.Quota == nil || def.Quota.Value == nil {
			r.Warnings = append(r.Warnings, fmt.Sprintf("could not read the Fargate On-Demand vCPU quota (%s) nor AWS's default for it (%s): "+
				"make sure it is at least %s in %s yourself (%s); the deploy goes ahead",
				why, errText(derr), num(math.Ceil(peak.VCPU())), r.Region, getCommand(r.Region)))
			return r, nil
		}
		value, r.QuotaSource = def.Quota.Value, "AWS's default quota"
		r.Warnings = append(r.Warnings, fmt.Sprintf("could not read the account's Fargate On-Demand vCPU quota (%s): "+
			"checked against AWS's default, %s vCPU, instead; the account's own may differ, new accounts' especially "+
			"(allow servicequotas:GetServiceQuota to check it, or look: %s)", why, num(aws.ToFloat64(def.Quota.Value)), getCommand(r.Region)))
	}
	r.Quota = aws.ToFloat64(value)
	if r.Quota < peak.VCPU() {
		return r, QuotaError{Peak: peak, Quota: r.Quota, Source: r.QuotaSource, Region: r.Region}
	}
	return r, nil
}

// QuotaError is a quota below the stack's peak.
type QuotaError struct {
	Peak   Peak
	Quota  float64
	Source string
	Region string
}

func (e QuotaError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stack %s needs up to %s Fargate vCPU at once, and %s in %s (Fargate On-Demand vCPU resource count, %s) is %s vCPU: "+
		"ECS would report the deploy done while tasks cannot start. Nothing was created.\n",
		e.Peak.Stack, num(e.Peak.VCPU()), e.Source, e.Region, QuotaCode, num(e.Quota))
	b.WriteString("The peak:\n")
	for _, l := range e.Peak.Explain() {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	fmt.Fprintf(&b, "Ask for more (follow the request with aws service-quotas list-requested-service-quota-change-history-by-quota --service-code %s --quota-code %s --region %s):\n",
		QuotaServiceCode, QuotaCode, e.Region)
	fmt.Fprintf(&b, "  aws service-quotas request-service-quota-increase --service-code %s --quota-code %s --desired-value %s --region %s\n",
		QuotaServiceCode, QuotaCode, num(math.Ceil(e.Peak.VCPU())), e.Region)
	b.WriteString("or deploy fewer or smaller tasks (--var desired_task_count=N, --var task_cpu=N)")
	return b.String()
}

// checkRegion: the stack's region is fixed when it is synthesized; a shell asking for another one is a
// mistake the deploy would not report.
func checkRegion(peak Peak, getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v := getenv(name); v != "" && v != peak.Region {
			return fmt.Errorf("%s is %s, but stack %s deploys to %s (its AWS provider's region, stacks.Profile.Region): "+
				"unset %s or set it to %s; nothing was created", name, v, peak.Stack, peak.Region, name, peak.Region)
		}
	}
	return nil
}

func getCommand(region string) string {
	return fmt.Sprintf("aws service-quotas get-service-quota --service-code %s --quota-code %s --region %s", QuotaServiceCode, QuotaCode, region)
}

// firstLine is an SDK error's message without its request ids and retry counts: the API error's code and
// message when there is one.
func firstLine(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode() + ": " + api.ErrorMessage()
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func errText(err error) string {
	if err == nil {
		return "it has no value"
	}
	return firstLine(err)
}
