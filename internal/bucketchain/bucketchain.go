// Package bucketchain applies an S3 bucket's settings one after another. S3 refuses concurrent changes to one
// bucket's configuration with 409 OperationAborted ("A conflicting conditional operation is currently in
// progress against this resource"), and Terraform would otherwise create a bucket's public-access block,
// ownership controls, encryption, versioning, policy, lifecycle and logging all at once
// (hashicorp/terraform-provider-aws issue 36873).
package bucketchain

import (
	"fmt"
	"slices"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlogging"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Order is the one order every bucket's settings are applied in, as Terraform resource types: access is
// locked down first, then the data protection, then who may write and what expires, and logging last.
var Order = []string{
	*s3bucketpublicaccessblock.S3BucketPublicAccessBlock_TfResourceType(),
	*s3bucketownershipcontrols.S3BucketOwnershipControls_TfResourceType(),
	*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationA_TfResourceType(),
	*s3bucketversioning.S3BucketVersioningA_TfResourceType(),
	*s3bucketpolicy.S3BucketPolicy_TfResourceType(),
	*s3bucketlifecycleconfiguration.S3BucketLifecycleConfiguration_TfResourceType(),
	*s3bucketlogging.S3BucketLoggingA_TfResourceType(),
}

// Setting is one bucket setting resource (any generated S3 bucket-configuration resource).
type Setting interface {
	cdktf.ITerraformDependable
	TerraformResourceType() *string
	FriendlyUniqueId() *string
	DependsOn() *[]*string
	SetDependsOn(val *[]*string)
}

// Chain makes each setting depend on the one before it; the first depends on after, when given (the last
// setting of an earlier Chain, for a setting made elsewhere). It keeps whatever each already depends on, and
// returns the last setting. It panics when the settings are not in Order, each type at most once.
func Chain(after Setting, settings ...Setting) Setting {
	last, prev := -1, after
	for _, s := range settings {
		i := slices.Index(Order, *s.TerraformResourceType())
		if i <= last {
			panic(fmt.Sprintf("bucketchain.Chain: %s comes after %s: allowed the order %v, each once", *s.TerraformResourceType(), Order[max(last, 0)], Order))
		}
		last = i
		if prev != nil {
			deps := []*string{}
			if d := s.DependsOn(); d != nil {
				deps = append(deps, *d...)
			}
			// The address as depends_on takes it; Fqn would render as an interpolation, "${...}".
			deps = append(deps, jsii.String(*prev.TerraformResourceType()+"."+*prev.FriendlyUniqueId()))
			s.SetDependsOn(&deps)
		}
		prev = s
	}
	return prev
}
