package logbucket

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
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

	"litellm-aws/internal/awsiam"
	"litellm-aws/internal/bucketchain"
)

// ALBPrefix is where the load balancer's access logs go: <bucket>/alb/AWSLogs/<account>/elasticloadbalancing/...
const ALBPrefix = "alb"

// S3Prefix is where the server access logs of the bucket labelled label go: <bucket>/s3/<label>/...
func S3Prefix(label string) string { return "s3/" + label + "/" }

// elbAccounts are the Elastic Load Balancing accounts that deliver access logs in the regions that predate
// August 2022, as the Elastic Load Balancing guides list them (docs.aws.amazon.com/elasticloadbalancing:
// "Enable access logs", "Enable connection logs"; the AWS provider's aws_elb_service_account agrees). AWS
// still honours a policy naming them but recommends the service principal ELBLogDeliveryService, which every
// region accepts; the policy names both.
var elbAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-southeast-3": "589379963580", "ap-south-1": "718504428378",
	"ap-northeast-3": "383597477331", "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266", "ap-northeast-1": "582318560864", "ca-central-1": "985666609251",
	"eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-south-1": "635631232127",
	"eu-west-3": "009996457667", "eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
	"us-gov-east-1": "190560391635", "us-gov-west-1": "048591011584",
}

// Service principals that deliver logs into the bucket.
const (
	ELBLogDeliveryService = "logdelivery.elasticloadbalancing.amazonaws.com"
	S3LogDeliveryService  = "logging.s3.amazonaws.com"
)

// LogBucket is the stack's log bucket.
type LogBucket struct {
	scope constructs.Construct // what every resource here is created in
	// Bucket is the bucket's name, read through its policy: whatever is told to write here (a load balancer
	// checks it can at once) waits for the policy that lets it.
	Bucket *string
	// Arn is the bucket's ARN.
	Arn *string

	p        Props
	bucket   s3bucket.S3Bucket
	policy   s3bucketpolicy.S3BucketPolicy
	delivery []map[string]any // the policy's Allow statements; LogServerAccess adds to them
	deny     []map[string]any // and its TLS-only Deny
	sources  int              // buckets whose server access logs come here
}

// New builds the log bucket. It panics on invalid props; call Props.Validate first to get the problems as an error.
func New(scope constructs.Construct, id string, props Props) *LogBucket {
	p := props.WithDefaults()
	if err := p.Validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	bucket := s3bucket.NewS3Bucket(c, jsii.String("bucket"), &s3bucket.S3BucketConfig{
		BucketPrefix: jsii.String(p.Name + bucketSuffix),
		ForceDestroy: jsii.Bool(!p.RetainOnDestroy),
		Tags:         &map[string]*string{"Name": jsii.String(p.Name + "-logs")},
	})
	publicAccess := s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(c, jsii.String("public-access"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                bucket.Id(),
		BlockPublicAcls:       jsii.Bool(true),
		BlockPublicPolicy:     jsii.Bool(true),
		IgnorePublicAcls:      jsii.Bool(true),
		RestrictPublicBuckets: jsii.Bool(true),
	})
	// No ACLs: log delivery is granted by the bucket policy, and the bucket owns every log written.
	ownership := s3bucketownershipcontrols.NewS3BucketOwnershipControls(c, jsii.String("ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: bucket.Id(),
		Rule:   &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: jsii.String("BucketOwnerEnforced")},
	})
	// SSE-S3, not the stack's KMS key: load balancers deliver access logs only into SSE-S3 buckets.
	encryption := s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(c, jsii.String("encryption"),
		&s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
			Bucket: bucket.Id(),
			Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
				ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
					SseAlgorithm: jsii.String("AES256"),
				},
			}},
		})
	// Versioned, so a log deleted by mistake (or on purpose) can still be read until it expires.
	versioning := s3bucketversioning.NewS3BucketVersioningA(c, jsii.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  bucket.Id(),
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
	})
	days := jsii.Number(float64(p.ExpirationDays))
	lifecycle := s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, jsii.String("lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: bucket.Id(),
		Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
			Id:                             jsii.String("expire-logs"),
			Status:                         jsii.String("Enabled"),
			Filter:                         &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{},
			Expiration:                     &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{Days: days},
			NoncurrentVersionExpiration:    &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{NoncurrentDays: days},
			AbortIncompleteMultipartUpload: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{DaysAfterInitiation: jsii.Number(7)},
		}, {
			// Once its last version has expired, a log leaves only a delete marker behind: remove that too.
			Id:         jsii.String("remove-expired-delete-markers"),
			Status:     jsii.String("Enabled"),
			Filter:     &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{},
			Expiration: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{ExpiredObjectDeleteMarker: jsii.Bool(true)},
		}},
		// Noncurrent-version rules need versioning in place first (the provider's documented order).
		DependsOn: &[]cdktf.ITerraformDependable{versioning},
	})

	b := &LogBucket{scope: c, Arn: bucket.Arn(), p: p, bucket: bucket}
	b.delivery, b.deny = b.elbStatements(), denyInsecureTransport(*bucket.Arn())
	b.policy = s3bucketpolicy.NewS3BucketPolicy(c, jsii.String("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: bucket.Id(),
		Policy: b.renderPolicy(),
	})
	b.Bucket = b.policy.Bucket()
	bucketchain.Chain(nil, publicAccess, ownership, encryption, versioning, b.policy, lifecycle)
	return b
}

var prefixRE = regexp.MustCompile(`^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$`)

// LogServerAccess turns on S3 server access logging for another bucket of the stack (its name, or a
// Terraform expression for it), delivered here under prefix (S3Prefix(label), which must end in "/"), and
// lets S3 deliver them from that bucket only. id names the logging configuration; after is the last of the
// source bucket's settings (what its bucketchain.Chain returned), which the logging follows, or nil. It panics
// on a prefix that is not a key prefix, or one ALBPrefix holds.
func (b *LogBucket) LogServerAccess(id string, sourceBucket string, prefix string, after bucketchain.Setting) {
	if !prefixRE.MatchString(prefix) || strings.HasPrefix(prefix, ALBPrefix+"/") {
		panic(fmt.Sprintf("logbucket.LogServerAccess %q: prefix %q: allowed a key prefix ending in \"/\" outside %q/, such as %q", id, prefix, ALBPrefix, S3Prefix("config")))
	}
	b.sources++
	b.delivery = append(b.delivery, map[string]any{
		"Sid":       fmt.Sprintf("S3ServerAccessLogs%d", b.sources),
		"Effect":    "Allow",
		"Principal": map[string]string{"Service": S3LogDeliveryService},
		"Action":    "s3:PutObject",
		"Resource":  *b.bucket.Arn() + "/" + prefix + "*",
		"Condition": map[string]any{
			"ArnLike":      map[string]string{"aws:SourceArn": fmt.Sprintf("arn:%s:s3:::%s", partition(b.p.Region), sourceBucket)},
			"StringEquals": map[string]string{"aws:SourceAccount": b.p.AccountID},
		},
	})
	b.policy.SetPolicy(b.renderPolicy())
	logging := s3bucketlogging.NewS3BucketLoggingA(b.scope, jsii.String(id), &s3bucketlogging.S3BucketLoggingAConfig{
		Bucket: jsii.String(sourceBucket),
		// The bucket's id, as scanners (KICS) recognise a log bucket by the logging configurations that name it.
		TargetBucket: b.bucket.Id(),
		TargetPrefix: jsii.String(prefix),
		DependsOn:    &[]cdktf.ITerraformDependable{b.policy},
	})
	// Last in the source bucket's chain: S3 applies one change to a bucket at a time.
	bucketchain.Chain(after, logging)
}

// elbStatements let Elastic Load Balancing put access logs under ALBPrefix/AWSLogs/<account>/ and nowhere else:
// the service principal everywhere, and in the older regions also the region's ELB account, which AWS still
// honours there.
func (b *LogBucket) elbStatements() []map[string]any {
	logs := fmt.Sprintf("%s/%s/AWSLogs/%s/*", *b.bucket.Arn(), ALBPrefix, b.p.AccountID)
	out := []map[string]any{{
		"Sid":       "ELBAccessLogDelivery",
		"Effect":    "Allow",
		"Principal": map[string]string{"Service": ELBLogDeliveryService},
		"Action":    "s3:PutObject",
		"Resource":  logs,
	}}
	if account, ok := elbAccounts[b.p.Region]; ok {
		out = append(out, map[string]any{
			"Sid":       "ELBAccessLogDeliveryRegionAccount",
			"Effect":    "Allow",
			"Principal": map[string]string{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", partition(b.p.Region), account)},
			"Action":    "s3:PutObject",
			"Resource":  logs,
		})
	}
	return out
}

// renderPolicy writes the Allow statements first: moto (the local emulator) reads a bucket's log delivery
// grant from the statements before the first one whose principal is "*", and fails on that one.
func (b *LogBucket) renderPolicy() *string {
	statements := append(append([]map[string]any{}, b.delivery...), b.deny...)
	policy, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		panic(err) // plain maps and strings only
	}
	return jsii.String(string(policy))
}

// denyInsecureTransport is awsiam.DenyInsecureTransport's statement, to be joined with the delivery statements
// in the bucket's one policy.
func denyInsecureTransport(bucketArn string) []map[string]any {
	var doc struct{ Statement []map[string]any }
	if err := json.Unmarshal([]byte(*awsiam.DenyInsecureTransport(bucketArn)), &doc); err != nil {
		panic(err) // awsiam writes plain JSON
	}
	return doc.Statement
}

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
