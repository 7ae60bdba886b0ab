package proxyservice_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3object"
)

// TestConfigBucketSettingsApplyOneAtATime: S3 refuses parallel changes to one bucket (409 OperationAborted), so
// the config bucket's settings form a single depends_on chain in bucketchain.Order, and ConfigBucketSettings is
// its last link, for the access logging the stack adds.
func TestConfigBucketSettingsApplyOneAtATime(t *testing.T) {
	f := build(t, nil)
	bucket := nameOf(t, f.doc, *s3bucket.S3Bucket_TfResourceType())
	chain, problems := f.doc.BucketChain(ref(*s3bucket.S3Bucket_TfResourceType(), bucket, "id"))
	var types []string
	for _, addr := range chain {
		types = append(types, addr[:strings.Index(addr, ".")])
	}
	want := []string{"aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls",
		"aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning", "aws_s3_bucket_policy"}
	if !slices.Equal(types, want) {
		t.Errorf("settings %v, want one each of %v", chain, want)
	}
	for _, p := range problems {
		t.Error(p)
	}
	last := *f.svc.ConfigBucketSettings.TerraformResourceType() + "." + *f.svc.ConfigBucketSettings.FriendlyUniqueId()
	if len(chain) > 0 && last != chain[len(chain)-1] {
		t.Errorf("ConfigBucketSettings = %s, want the chain's last link %s", last, chain[len(chain)-1])
	}
	// config.yaml is written after every setting: encrypted and versioned from its first version.
	for name, obj := range f.doc.Resources(*s3object.S3Object_TfResourceType()) {
		deps, _ := obj["depends_on"].([]any)
		if !slices.Contains(deps, any(last)) {
			t.Errorf("the config object %s depends on %v, want the bucket's last setting %s", name, deps, last)
		}
	}
}
