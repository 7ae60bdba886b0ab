package stacks

import (
	"fmt"
	"sort"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TeardownKeepsKey names the entry of the synthesized stack's "//" comment (which Terraform ignores) that lists, by
// Terraform address, what ./help teardown keeps: the salt
// key's secret (and the version that wrote it), which the credentials in the database's final snapshot need, and
// the KMS key (and alias) that encrypts it. scripts/verbs/teardown.sh reads the list from the synthesized stack,
// so the Go code that builds the resources is the one place that names them.
const TeardownKeepsKey = "teardown_keeps"

// GuardID is the construct id of the terraform_data that refuses to be destroyed while the stack is protected.
const GuardID = "teardown-guard"

// protectFromDestroy makes a destroy of a protected stack stop before it deletes or schedules for deletion
// anything: a terraform_data that depends on every other resource is destroyed first, and its destroy-time
// provisioner fails while deletion_protection was true at the last apply (Terraform gives a destroy-time
// provisioner only self, so the switch is its input). Without it, a destroy fails at the database and the load
// balancer only after it has deleted the secrets and scheduled the KMS key for deletion.
func protectFromDestroy(stack cdktf.TerraformStack, name string, deletionProtection cdktf.IResolvable, kept []cdktf.TerraformResource) {
	var all []cdktf.ITerraformDependable
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if r, ok := c.(cdktf.TerraformResource); ok && *cdktf.TerraformResource_IsTerraformResource(c) {
			all = append(all, r)
		}
	}
	guard := cdktf.NewDataResource(stack, jsii.String(GuardID), &cdktf.DataConfig{
		DependsOn: &all,
		Provisioners: &[]any{&cdktf.LocalExecProvisioner{
			Type:        jsii.String("local-exec"),
			When:        jsii.String("destroy"),
			Interpreter: jsii.Strings("bash", "-c"),
			Command:     jsii.String(GuardScript),
			Environment: &map[string]*string{"PROTECTED": jsii.String("${self.input}"), "STACK": jsii.String(name)},
		}},
	})
	guard.AddOverride(jsii.String("input"), deletionProtection)
	var addresses []string
	for _, r := range kept {
		addresses = append(addresses, address(r))
	}
	sort.Strings(addresses)
	// A comment, not a local: nothing in Terraform reads it (tflint flags an unused local).
	stack.AddOverride(jsii.String("//."+TeardownKeepsKey), addresses)
}

// address is a resource's Terraform address.
func address(r cdktf.TerraformResource) string {
	return fmt.Sprintf("%s.%s", *r.TerraformResourceType(), *r.FriendlyUniqueId())
}

// GuardScript fails while the stack is protected, naming the teardown that keeps its data.
const GuardScript = `if [ "$PROTECTED" = true ]; then
  printf '%s\n' "error: $STACK is protected from deletion (deletion_protection = true): nothing was deleted." \
    "  To tear it down and keep its data (a final database snapshot, the salt key and the KMS key): ./help teardown $STACK" \
    "  To throw everything away instead:                                                            ./help teardown $STACK --discard-data" >&2
  exit 1
fi`
