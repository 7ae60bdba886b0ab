package awsiam

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/opt"
)

// RoleProps configures a role that an AWS service assumes, with its inline policy.
type RoleProps struct {
	// Name is the role's name. Required.
	Name string
	// Description says what the role may do. Default: none.
	Description string
	// Service is the service principal that assumes the role, such as "ecs-tasks.amazonaws.com". Required.
	Service string
	// Policy is the role's inline policy. Required.
	Policy InlinePolicy
}

// InlinePolicy is one inline policy of a role.
type InlinePolicy struct {
	// ID is the policy's construct id, beside the role's. Required.
	ID string
	// Name is the policy's name within the role. Required.
	Name string
	// Document is the policy JSON, from Policy. Required.
	Document *string
}

// Role is a role and its inline policy.
type Role struct {
	scope constructs.Construct
	// Arn is the role's ARN, for a task definition or a flow log.
	Arn *string
	// ID is the role's id (its name), what an inline policy attaches to.
	ID *string
	// Policy is the inline policy: whatever acts with the role must wait for it.
	Policy cdktf.ITerraformDependable
}

// NewRole creates the role (construct id id) and its inline policy (construct id props.Policy.ID), both in
// scope.
func NewRole(scope constructs.Construct, id string, props RoleProps) *Role {
	if props.Name == "" || props.Service == "" || props.Policy.ID == "" || props.Policy.Name == "" || props.Policy.Document == nil {
		panic("awsiam.NewRole: Name, Service and Policy (ID, Name, Document) are required")
	}
	role := iamrole.NewIamRole(scope, jsii.String(id), &iamrole.IamRoleConfig{
		Name:             jsii.String(props.Name),
		Description:      opt.String(props.Description),
		AssumeRolePolicy: AssumeRolePolicy(props.Service),
	})
	r := &Role{scope: scope, Arn: role.Arn(), ID: role.Id()}
	r.Policy = r.AddPolicy(props.Policy)
	return r
}

// AddPolicy attaches another inline policy to the role, in the role's scope. The caller may set its count
// when it exists only on some condition.
func (r *Role) AddPolicy(p InlinePolicy) iamrolepolicy.IamRolePolicy {
	return iamrolepolicy.NewIamRolePolicy(r.scope, jsii.String(p.ID), &iamrolepolicy.IamRolePolicyConfig{
		Name:   jsii.String(p.Name),
		Role:   r.ID,
		Policy: p.Document,
	})
}
