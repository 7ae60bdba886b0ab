package proxyservice

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3object"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/awsiam"
	"litellm-aws/internal/bucketchain"
	"litellm-aws/internal/rule"
)

type configObject struct {
	bucket    *string
	objectArn *string
	sha256    *string
}

// configBucket stores config.yaml in a private, encrypted, versioned bucket that only accepts TLS: LiteLLM's
// documented way to give a Fargate task its config.
func (s *ProxyService) configBucket(p Props) configObject {
	merged, err := mergeConfig(p.Config, p.configSettings())
	if err != nil {
		panic(err) // Validate has parsed it
	}
	bucket := s3bucket.NewS3Bucket(s.scope, jsii.String("config-bucket"), &s3bucket.S3BucketConfig{
		BucketPrefix: jsii.String(p.Name + "-config-"),
		// The bucket holds only the rendered config, which every apply writes again; its old versions
		// must not stop `cdktf destroy`.
		ForceDestroy: jsii.Bool(true),
	})
	publicAccess := s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(s.scope, jsii.String("config-public-access"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                bucket.Id(),
		BlockPublicAcls:       jsii.Bool(true),
		BlockPublicPolicy:     jsii.Bool(true),
		IgnorePublicAcls:      jsii.Bool(true),
		RestrictPublicBuckets: jsii.Bool(true),
	})
	ownership := s3bucketownershipcontrols.NewS3BucketOwnershipControls(s.scope, jsii.String("config-ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: bucket.Id(),
		Rule:   &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: jsii.String("BucketOwnerEnforced")},
	})
	encryption := s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(s.scope, jsii.String("config-encryption"),
		&s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
			Bucket: bucket.Id(),
			Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
				ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
					SseAlgorithm: jsii.String("AES256"),
				},
			}},
		})
	versioning := s3bucketversioning.NewS3BucketVersioningA(s.scope, jsii.String("config-versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  bucket.Id(),
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
	})
	policy := s3bucketpolicy.NewS3BucketPolicy(s.scope, jsii.String("config-tls-only"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: bucket.Id(),
		Policy: awsiam.DenyInsecureTransport(*bucket.Arn()),
	})
	// One setting at a time (S3 refuses parallel changes to a bucket); the access logging the stack adds follows.
	s.ConfigBucketSettings = bucketchain.Chain(nil, publicAccess, ownership, encryption, versioning, policy)

	content := renderConfig(merged, rule.Number(s.PoolLimit).Text())
	object := s3object.NewS3Object(s.scope, jsii.String("config"), &s3object.S3ObjectConfig{
		Bucket:      bucket.Id(),
		Key:         jsii.String(ConfigObjectKey),
		Content:     jsii.String(content),
		ContentType: jsii.String("application/yaml"),
		// Written once the bucket encrypts and versions what it holds, so config.yaml is never an unversioned object.
		DependsOn: &[]cdktf.ITerraformDependable{s.ConfigBucketSettings},
	})
	s.ConfigBucket = bucket.Bucket()
	return configObject{
		bucket:    bucket.Bucket(),
		objectArn: jsii.String(*bucket.Arn() + "/" + ConfigObjectKey),
		sha256:    cdktf.Fn_Sha256(object.Content()),
	}
}
