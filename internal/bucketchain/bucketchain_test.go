package bucketchain_test

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"

	"litellm-aws/internal/bucketchain"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

func TestChainRefusesAnotherOrder(t *testing.T) {
	stack := synthtest.NewStack()
	versioning := s3bucketversioning.NewS3BucketVersioningA(stack, jsii.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket: jsii.String("b"), VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")}})
	policy := s3bucketpolicy.NewS3BucketPolicy(stack, jsii.String("policy"), &s3bucketpolicy.S3BucketPolicyConfig{Bucket: jsii.String("b"), Policy: jsii.String("{}")})
	for _, tc := range []struct {
		name     string
		settings []bucketchain.Setting
	}{
		{"reversed", []bucketchain.Setting{policy, versioning}},
		{"twice", []bucketchain.Setting{policy, policy}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "allowed the order") {
					t.Errorf("Chain = %v, want a panic naming the order", r)
				}
			}()
			bucketchain.Chain(nil, tc.settings...)
		})
	}
}
