package logbucket_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlogging"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/logbucket"
	"litellm-aws/internal/bucketchain"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

const account = "111122223333"

func props() logbucket.Props {
	return logbucket.Props{Name: "t", Region: "us-east-1", AccountID: account}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*logbucket.Props)
		want   string
	}{
		{"empty name", func(p *logbucket.Props) { p.Name = "" }, `Name "" is not a valid name`},
		{"upper-case name", func(p *logbucket.Props) { p.Name = "Logs" }, `Name "Logs" is not a valid name`},
		{"name too long for a bucket prefix", func(p *logbucket.Props) { p.Name = strings.Repeat("a", 32) }, "is 32 characters long: allowed at most 31"},
		{"no region", func(p *logbucket.Props) { p.Region = "" }, "Region is required"},
		{"not a region", func(p *logbucket.Props) { p.Region = "virginia" }, `Region "virginia" is not an AWS region: allowed a literal name such as us-east-1`},
		{"no account", func(p *logbucket.Props) { p.AccountID = "" }, "AccountID is required: allowed 12 digits or a Terraform expression"},
		{"short account", func(p *logbucket.Props) { p.AccountID = "12345" }, `AccountID "12345" is not an AWS account id: allowed 12 digits`},
		{"account ARN", func(p *logbucket.Props) { p.AccountID = "arn:aws:iam::111122223333:root" }, `AccountID "arn:aws:iam::111122223333:root" is not an AWS account id`},
		{"negative expiration", func(p *logbucket.Props) { p.ExpirationDays = -1 }, "ExpirationDays -1 is out of range: allowed 1-3650"},
		{"expiration beyond ten years", func(p *logbucket.Props) { p.ExpirationDays = 4000 }, "ExpirationDays 4000 is out of range"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := props().WithDefaults()
			tc.modify(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant an error containing %q", err, tc.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	err := logbucket.Props{Name: "X", Region: "x", AccountID: "1", ExpirationDays: -5}.WithDefaults().Validate()
	for _, want := range []string{"Name", "Region", "AccountID", "ExpirationDays"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want a problem about %s in %v", want, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	p := props().WithDefaults()
	if p.ExpirationDays != 90 || p.RetainOnDestroy {
		t.Fatalf("defaults = %+v", p)
	}
	stack := synthtest.NewStack()
	v := cdktf.NewTerraformVariable(stack, jsii.String("account"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	p.AccountID = *v.StringValue()
	if err := p.Validate(); err != nil {
		t.Fatalf("a deploy-time account id: Validate() = %v", err)
	}
}

type statement struct {
	Sid       string
	Effect    string
	Principal any
	Action    any
	Resource  any
	Condition map[string]map[string]string
}

func policy(t *testing.T, doc *synthtest.Doc) map[string]statement {
	t.Helper()
	raw, _ := doc.One(t, *s3bucketpolicy.S3BucketPolicy_TfResourceType())["policy"].(string)
	var p struct{ Statement []statement }
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatalf("bucket policy is not plain JSON: %v\n%s", err, raw)
	}
	out := map[string]statement{}
	for _, s := range p.Statement {
		if _, dup := out[s.Sid]; dup || s.Sid == "" {
			t.Errorf("statement id %q is empty or repeated", s.Sid)
		}
		out[s.Sid] = s
	}
	return out
}

func bucketRef(t *testing.T, doc *synthtest.Doc, attr string) string {
	t.Helper()
	for name, b := range doc.Resources(*s3bucket.S3Bucket_TfResourceType()) {
		if b["bucket_prefix"] == "t-logs-" {
			return "${aws_s3_bucket." + name + "." + attr + "}"
		}
	}
	t.Fatal("no log bucket")
	return ""
}

func TestLogBucket(t *testing.T) {
	stack := synthtest.NewStack()
	b := logbucket.New(stack, "logs", props())
	doc := synthtest.Synth(t, stack)

	bucket := doc.One(t, *s3bucket.S3Bucket_TfResourceType())
	if bucket["bucket_prefix"] != "t-logs-" || bucket["force_destroy"] != true {
		t.Errorf("bucket = %v", bucket)
	}
	id, arn := bucketRef(t, doc, "id"), bucketRef(t, doc, "arn")

	pab := doc.One(t, *s3bucketpublicaccessblock.S3BucketPublicAccessBlock_TfResourceType())
	for _, attr := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if pab[attr] != true {
			t.Errorf("public access block %s = %v", attr, pab[attr])
		}
	}
	if pab["bucket"] != id {
		t.Errorf("public access block on %v", pab["bucket"])
	}
	if own := doc.One(t, *s3bucketownershipcontrols.S3BucketOwnershipControls_TfResourceType()); synthtest.JSON(own["rule"]) != `{"object_ownership":"BucketOwnerEnforced"}` {
		t.Errorf("ownership = %v", own["rule"])
	}
	sse := doc.One(t, *s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationA_TfResourceType())
	if synthtest.JSON(sse["rule"]) != `[{"apply_server_side_encryption_by_default":{"sse_algorithm":"AES256"}}]` {
		t.Errorf("encryption = %v, want SSE-S3 (the only kind ALB log delivery accepts)", sse["rule"])
	}
	if v := doc.One(t, *s3bucketversioning.S3BucketVersioningA_TfResourceType()); synthtest.JSON(v["versioning_configuration"]) != `{"status":"Enabled"}` {
		t.Errorf("versioning = %v", v["versioning_configuration"])
	}
	checkLifecycle(t, doc, 90)

	pol := policy(t, doc)
	deny := pol["DenyInsecureTransport"]
	if deny.Effect != "Deny" || deny.Principal != "*" || deny.Action != "s3:*" || synthtest.JSON(deny.Resource) != synthtest.JSON([]string{arn, arn + "/*"}) ||
		deny.Condition["Bool"]["aws:SecureTransport"] != "false" {
		t.Errorf("TLS-only statement = %+v", deny)
	}
	albLogs := arn + "/alb/AWSLogs/" + account + "/*"
	wantAllow := map[string]string{
		"Service logdelivery.elasticloadbalancing.amazonaws.com": albLogs,
		"AWS arn:aws:iam::127311923021:root":                     albLogs, // us-east-1's Elastic Load Balancing account
	}
	gotAllow := map[string]string{}
	for sid, s := range pol {
		if s.Effect != "Allow" {
			continue
		}
		for kind, p := range s.Principal.(map[string]any) {
			gotAllow[fmt.Sprint(kind, " ", p)] = fmt.Sprint(s.Resource)
		}
		if s.Action != "s3:PutObject" {
			t.Errorf("%s allows %v, want s3:PutObject only", sid, s.Action)
		}
	}
	if synthtest.JSON(gotAllow) != synthtest.JSON(wantAllow) {
		t.Errorf("the policy allows %v\nwant %v", gotAllow, wantAllow)
	}

	if b.Bucket == nil || b.Arn == nil {
		t.Fatalf("exposed Bucket %v, Arn %v", b.Bucket, b.Arn)
	}
	// What writes logs here reads the name through the policy, so it waits for the policy that lets it.
	cdktf.NewTerraformOutput(stack, jsii.String("name"), &cdktf.TerraformOutputConfig{Value: b.Bucket})
	out := synthtest.Synth(t, stack).Block("output")["name"]["value"]
	if s, _ := out.(string); !strings.HasPrefix(s, "${aws_s3_bucket_policy.") || !strings.HasSuffix(s, ".bucket}") {
		t.Errorf("Bucket = %v, want the policy's bucket", out)
	}
}

func checkLifecycle(t *testing.T, doc *synthtest.Doc, days float64) {
	t.Helper()
	lc := doc.One(t, *s3bucketlifecycleconfiguration.S3BucketLifecycleConfiguration_TfResourceType())
	rules := map[string]map[string]any{}
	for _, r := range lc["rule"].([]any) {
		r := r.(map[string]any)
		rules[r["id"].(string)] = r
		if r["status"] != "Enabled" || synthtest.JSON(r["filter"]) != "{}" {
			t.Errorf("rule %v: status %v, filter %v; want enabled for every object", r["id"], r["status"], r["filter"])
		}
	}
	expire := rules["expire-logs"]
	if synthtest.JSON(expire["expiration"]) != fmt.Sprintf(`{"days":%v}`, days) ||
		synthtest.JSON(expire["noncurrent_version_expiration"]) != fmt.Sprintf(`{"noncurrent_days":%v}`, days) {
		t.Errorf("expire-logs = %v, want objects and noncurrent versions gone after %v days", expire, days)
	}
	if markers := rules["remove-expired-delete-markers"]; synthtest.JSON(markers["expiration"]) != `{"expired_object_delete_marker":true}` {
		t.Errorf("delete marker rule = %v", markers)
	}
	if len(rules) != 2 {
		t.Errorf("rules = %v", synthtest.Names(rules))
	}
}

func TestOptions(t *testing.T) {
	stack := synthtest.NewStack()
	p := props()
	p.ExpirationDays, p.RetainOnDestroy = 30, true
	logbucket.New(stack, "logs", p)
	doc := synthtest.Synth(t, stack)
	if fd := doc.One(t, *s3bucket.S3Bucket_TfResourceType())["force_destroy"]; fd != false {
		t.Errorf("force_destroy = %v, want false when the logs are retained", fd)
	}
	checkLifecycle(t, doc, 30)
}

func TestRegions(t *testing.T) {
	cases := []struct {
		region       string
		wantAccounts []string // the legacy ELB account principal, if the region has one
	}{
		{"us-east-1", []string{"arn:aws:iam::127311923021:root"}},
		{"eu-west-1", []string{"arn:aws:iam::156460612806:root"}},
		{"eu-central-2", nil}, // Zurich, opened after August 2022: the service principal only
		{"us-gov-west-1", []string{"arn:aws-us-gov:iam::048591011584:root"}},
	}
	for _, tc := range cases {
		t.Run(tc.region, func(t *testing.T) {
			stack := synthtest.NewStack()
			p := props()
			p.Region = tc.region
			logbucket.New(stack, "logs", p)
			var services, accounts []string
			for _, s := range policy(t, synthtest.Synth(t, stack)) {
				if pr, ok := s.Principal.(map[string]any); ok {
					if v, ok := pr["Service"]; ok {
						services = append(services, v.(string))
					}
					if v, ok := pr["AWS"]; ok {
						accounts = append(accounts, v.(string))
					}
				}
			}
			if strings.Join(services, ",") != logbucket.ELBLogDeliveryService || strings.Join(accounts, ",") != strings.Join(tc.wantAccounts, ",") {
				t.Errorf("service principals %v, accounts %v; want %s and %v", services, accounts, logbucket.ELBLogDeliveryService, tc.wantAccounts)
			}
		})
	}
}

func TestLogServerAccess(t *testing.T) {
	stack := synthtest.NewStack()
	source := s3bucket.NewS3Bucket(stack, jsii.String("config"), &s3bucket.S3BucketConfig{BucketPrefix: jsii.String("t-config-")})
	b := logbucket.New(stack, "logs", props())
	b.LogServerAccess("config-access-logs", *source.Bucket(), logbucket.S3Prefix("config"), nil)
	doc := synthtest.Synth(t, stack)

	logging := doc.One(t, *s3bucketlogging.S3BucketLoggingA_TfResourceType())
	policyName := synthtest.Names(doc.Resources(*s3bucketpolicy.S3BucketPolicy_TfResourceType()))[0]
	// target_bucket is the log bucket's id: KICS recognises a log bucket by that reference.
	if logging["bucket"] != "${aws_s3_bucket.config.bucket}" || logging["target_bucket"] != bucketRef(t, doc, "id") || logging["target_prefix"] != "s3/config/" ||
		synthtest.JSON(logging["depends_on"]) != synthtest.JSON([]string{"aws_s3_bucket_policy." + policyName}) {
		t.Errorf("logging = %v", logging)
	}
	s := policy(t, doc)["S3ServerAccessLogs1"]
	want := statement{
		Sid: "S3ServerAccessLogs1", Effect: "Allow", Principal: map[string]any{"Service": "logging.s3.amazonaws.com"}, Action: "s3:PutObject",
		Resource: bucketRef(t, doc, "arn") + "/s3/config/*",
		Condition: map[string]map[string]string{
			"ArnLike":      {"aws:SourceArn": "arn:aws:s3:::${aws_s3_bucket.config.bucket}"},
			"StringEquals": {"aws:SourceAccount": account},
		},
	}
	if synthtest.JSON(s) != synthtest.JSON(want) {
		t.Errorf("S3 log delivery = %s\nwant %s", synthtest.JSON(s), synthtest.JSON(want))
	}
	if logbucket.S3Prefix("config") != "s3/config/" || logbucket.ALBPrefix != "alb" {
		t.Errorf("prefixes %q, %q", logbucket.S3Prefix("config"), logbucket.ALBPrefix)
	}
}

func TestLogServerAccessRejectsPrefix(t *testing.T) {
	for _, prefix := range []string{"s3/config", "/s3/config/", "alb/config/", "s3//config/", ""} {
		t.Run(prefix, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), fmt.Sprintf("prefix %q: allowed a key prefix ending in \"/\"", prefix)) {
					t.Fatalf("recover() = %v", r)
				}
			}()
			logbucket.New(synthtest.NewStack(), "logs", props()).LogServerAccess("x", "source-bucket", prefix, nil)
		})
	}
}

// TestSettingsApplyOneAtATime: S3 refuses parallel changes to one bucket (409 OperationAborted), so each
// bucket's settings form a single depends_on chain in bucketchain.Order, the source bucket's access logging last.
func TestSettingsApplyOneAtATime(t *testing.T) {
	stack := synthtest.NewStack()
	source := s3bucket.NewS3Bucket(stack, jsii.String("config"), &s3bucket.S3BucketConfig{BucketPrefix: jsii.String("t-config-")})
	sourcePolicy := s3bucketpolicy.NewS3BucketPolicy(stack, jsii.String("config-policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: source.Id(), Policy: jsii.String("{}")})
	b := logbucket.New(stack, "logs", props())
	b.LogServerAccess("config-access-logs", *source.Bucket(), logbucket.S3Prefix("config"), bucketchain.Chain(nil, sourcePolicy))
	doc := synthtest.Synth(t, stack)

	logBucket := synthtest.Names(doc.Where(*s3bucket.S3Bucket_TfResourceType(), map[string]any{"bucket_prefix": "t-logs-"}))[0]
	cases := []struct {
		name    string
		buckets []string
		want    []string // resource types, in order
	}{
		{"log bucket", []string{"${aws_s3_bucket." + logBucket + ".id}"}, []string{
			"aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_server_side_encryption_configuration",
			"aws_s3_bucket_versioning", "aws_s3_bucket_policy", "aws_s3_bucket_lifecycle_configuration"}},
		{"logged bucket", []string{"${aws_s3_bucket.config.id}", "${aws_s3_bucket.config.bucket}"}, []string{
			"aws_s3_bucket_policy", "aws_s3_bucket_logging"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chain, problems := doc.BucketChain(tc.buckets...)
			var types []string
			for _, addr := range chain {
				types = append(types, addr[:strings.Index(addr, ".")])
			}
			if !slices.Equal(types, tc.want) {
				t.Errorf("settings %v, want one each of %v", chain, tc.want)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}
