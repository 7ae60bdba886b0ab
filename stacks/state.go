package stacks

import (
	"fmt"
	"regexp"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/check"
)

var (
	tableRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
)

func checkState(errs *check.Problems, bucket, table string) {
	if (bucket == "") != (table == "") {
		errs.Addf("StateBucket %q and StateLockTable %q (LITELLM_STATE_BUCKET, LITELLM_STATE_LOCK_TABLE): allowed both, for locked remote state, or neither", bucket, table)
	}
	errs.BucketName("StateBucket", bucket)
	if table != "" && !tableRE.MatchString(table) {
		errs.Addf("StateLockTable %q is not a DynamoDB table name: allowed 3-255 letters, digits, _ . and -", table)
	}
}

// backend keeps state where the profile says: a local file at the project root by default (the same file
// cdktf's default would use, written as a relative path so synthesized stacks do not depend on the
// checkout's location), or an encrypted, locked S3 object.
func backend(stack cdktf.TerraformStack, p Profile) {
	if p.StateBucket == "" {
		// A stack deployed into the emulator keeps its state in a file of its own (internal/localaws).
		name := fmt.Sprintf("terraform.%s.tfstate", p.StackName)
		cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("../../../" + name)})
		return
	}
	cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{
		Bucket:        jsii.String(p.StateBucket),
		Key:           jsii.String(fmt.Sprintf("litellm-aws/%s.tfstate", p.StackName)),
		Region:        jsii.String(p.Region),
		Encrypt:       jsii.Bool(true),
		DynamodbTable: jsii.String(p.StateLockTable),
	})
}
