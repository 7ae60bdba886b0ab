package awsiam_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/awsiam"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

var (
	roleType   = *iamrole.IamRole_TfResourceType()
	policyType = *iamrolepolicy.IamRolePolicy_TfResourceType()
)

// unhashed drops the hash cdktf appends to a logical name: "svc_task-role_1A2B3C4D" -> "svc_task-role".
func unhashed(name string) string { return name[:strings.LastIndex(name, "_")] }

func TestNewRole(t *testing.T) {
	readConfig := awsiam.Policy(awsiam.Statement{Sid: "ReadConfig", Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/k"}})
	cases := []struct {
		name  string
		id    string
		props awsiam.RoleProps
		// what Terraform sees
		wantRole, wantPolicy string // logical names without the hash
		wantDescription      any    // nil: no description attribute
		wantService          string
		wantDocument         string
	}{
		{
			name: "task role with a description",
			id:   "task-role",
			props: awsiam.RoleProps{Name: "n-ecs-task", Description: "reads its config", Service: "ecs-tasks.amazonaws.com",
				Policy: awsiam.InlinePolicy{ID: "task-policy", Name: "litellm-task", Document: readConfig}},
			wantRole: "svc_task-role", wantPolicy: "svc_task-policy", wantDescription: "reads its config",
			wantService:  "ecs-tasks.amazonaws.com",
			wantDocument: `{"Version":"2012-10-17","Statement":[{"Sid":"ReadConfig","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/k"]}]}`,
		},
		{
			name: "flow logs role without a description: no description attribute",
			id:   "flow-logs-role",
			props: awsiam.RoleProps{Name: "n-vpc-flow-logs", Service: "vpc-flow-logs.amazonaws.com",
				Policy: awsiam.InlinePolicy{ID: "flow-logs-policy", Name: "write-flow-logs",
					Document: awsiam.Policy(awsiam.Statement{Actions: []string{"logs:PutLogEvents"}, Resources: []string{"arn:g", "arn:g:*"}})}},
			wantRole: "svc_flow-logs-role", wantPolicy: "svc_flow-logs-policy",
			wantService:  "vpc-flow-logs.amazonaws.com",
			wantDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":["arn:g","arn:g:*"]}]}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := synthtest.NewStack()
			role := awsiam.NewRole(constructs.NewConstruct(stack, jsii.String("svc")), tc.id, tc.props)
			// What callers use: a task definition takes the ARN, and a task waits for the policy.
			cdktf.NewTerraformOutput(stack, jsii.String("arn"), &cdktf.TerraformOutputConfig{Value: role.Arn})
			cdktf.NewDataResource(stack, jsii.String("probe"), &cdktf.DataConfig{DependsOn: &[]cdktf.ITerraformDependable{role.Policy}})
			doc := synthtest.Synth(t, stack)

			roleName, r := onlyOf(t, doc, roleType)
			policyName, pol := onlyOf(t, doc, policyType)
			if unhashed(roleName) != tc.wantRole || unhashed(policyName) != tc.wantPolicy {
				t.Errorf("logical names %s, %s; want %s, %s", roleName, policyName, tc.wantRole, tc.wantPolicy)
			}
			if r["name"] != tc.props.Name || r["description"] != tc.wantDescription {
				t.Errorf("role name %v description %v; want %s %v", r["name"], r["description"], tc.props.Name, tc.wantDescription)
			}
			var assume struct {
				Statement []struct {
					Effect, Action string
					Principal      map[string]string
				}
			}
			if err := json.Unmarshal([]byte(r["assume_role_policy"].(string)), &assume); err != nil || len(assume.Statement) != 1 ||
				assume.Statement[0].Effect != "Allow" || assume.Statement[0].Action != "sts:AssumeRole" ||
				len(assume.Statement[0].Principal) != 1 || assume.Statement[0].Principal["Service"] != tc.wantService {
				t.Errorf("assume role policy = %v, want %s alone may assume it", r["assume_role_policy"], tc.wantService)
			}
			if pol["name"] != tc.props.Policy.Name || pol["role"] != "${"+roleType+"."+roleName+".id}" || pol["policy"] != tc.wantDocument {
				t.Errorf("policy = %v, want %s on the role with %s", pol, tc.props.Policy.Name, tc.wantDocument)
			}
			if out := doc.Block("output")["arn"]["value"]; out != "${"+roleType+"."+roleName+".arn}" {
				t.Errorf("Arn = %v, want the role's", out)
			}
			if probe := doc.One(t, *cdktf.DataResource_TfResourceType()); synthtest.JSON(probe["depends_on"]) != synthtest.JSON([]string{policyType + "." + policyName}) {
				t.Errorf("waiting for Policy waits for %v, want the inline policy", probe["depends_on"])
			}
		})
	}
}

// AddPolicy puts a second inline policy on the same role, beside it, and leaves its count to the caller.
func TestAddPolicy(t *testing.T) {
	stack := synthtest.NewStack()
	doc1 := awsiam.Policy(awsiam.Statement{Actions: []string{"a:B"}, Resources: []string{"*"}})
	role := awsiam.NewRole(constructs.NewConstruct(stack, jsii.String("svc")), "execution-role", awsiam.RoleProps{Name: "n", Service: "ecs-tasks.amazonaws.com",
		Policy: awsiam.InlinePolicy{ID: "execution-policy", Name: "first", Document: doc1}})
	role.AddPolicy(awsiam.InlinePolicy{ID: "execution-ecr-policy", Name: "second", Document: doc1}).SetCount(jsii.Number(0))
	doc := synthtest.Synth(t, stack)
	roleName, _ := onlyOf(t, doc, roleType)
	second := doc.Where(policyType, map[string]any{"name": "second"})
	if len(doc.Resources(policyType)) != 2 || len(second) != 1 {
		t.Fatalf("policies = %v", synthtest.Names(doc.Resources(policyType)))
	}
	for name, p := range second {
		if unhashed(name) != "svc_execution-ecr-policy" || p["role"] != "${"+roleType+"."+roleName+".id}" || p["count"] != float64(0) {
			t.Errorf("second policy %s = %v", name, p)
		}
	}
}

func onlyOf(t *testing.T, doc *synthtest.Doc, tfType string) (string, map[string]any) {
	t.Helper()
	rs := doc.Resources(tfType)
	if len(rs) != 1 {
		t.Fatalf("want one %s, found %v", tfType, synthtest.Names(rs))
	}
	for name, r := range rs {
		return name, r
	}
	return "", nil
}
