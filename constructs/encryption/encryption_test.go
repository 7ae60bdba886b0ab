package encryption_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"

	"litellm-aws/constructs/encryption"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

func props() encryption.Props { return encryption.Props{Name: "t", Region: "us-east-1"} }

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*encryption.Props)
		want   string
	}{
		{"empty name", func(p *encryption.Props) { p.Name = "" }, `Name "" is not a valid name`},
		{"upper-case name", func(p *encryption.Props) { p.Name = "LiteLLM" }, `Name "LiteLLM" is not a valid name`},
		{"name too long for the alias", func(p *encryption.Props) { p.Name = strings.Repeat("a", 251) }, "is 251 characters long: allowed at most 250"},
		{"no region", func(p *encryption.Props) { p.Region = "" }, "Region is required"},
		{"not a region", func(p *encryption.Props) { p.Region = "US East" }, `Region "US East" is not an AWS region: allowed a literal name such as us-east-1`},
		{"no log groups", func(p *encryption.Props) { p.LogGroupNames = []string{} }, "LogGroupNames is empty: allowed one or more log group names"},
		{"log group with a space", func(p *encryption.Props) { p.LogGroupNames = []string{"/ecs/t litellm"} }, `LogGroupNames "/ecs/t litellm" is not a log group name: allowed 1-512 letters`},
		{"log group wildcard inside", func(p *encryption.Props) { p.LogGroupNames = []string{"/ecs/*/x"} }, `LogGroupNames "/ecs/*/x" is not a log group name`},
		{"deletion window too short", func(p *encryption.Props) { p.DeletionWindowDays = 5 }, "DeletionWindowDays 5 is out of range: allowed 7-30"},
		{"deletion window too long", func(p *encryption.Props) { p.DeletionWindowDays = 31 }, "DeletionWindowDays 31 is out of range: allowed 7-30"},
		{"moved from a topic", func(p *encryption.Props) { p.MovedFromKey = "aws_sns_topic.monitoring_topic_631C3BE1" }, `MovedFromKey "aws_sns_topic.monitoring_topic_631C3BE1" is not a key's Terraform address: allowed aws_kms_key.<name>`},
		{"moved from a key as the alias", func(p *encryption.Props) { p.MovedFromAlias = encryption.MonitoringTopicKeyAddress }, `MovedFromAlias "aws_kms_key.monitoring_topic-key_98A4CC63" is not an alias's Terraform address`},
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
	p := encryption.Props{Name: "", Region: "nowhere", DeletionWindowDays: 1, MovedFromKey: "x"}.WithDefaults()
	err := p.Validate()
	for _, want := range []string{"Name", "Region", "DeletionWindowDays", "MovedFromKey"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want a problem about %s in %v", want, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	p := props().WithDefaults()
	want := []string{"/ecs/t-litellm", "/ecs/t-loadgen", "/vpc/t-flow-logs"}
	if strings.Join(p.LogGroupNames, ",") != strings.Join(want, ",") || p.DeletionWindowDays != 30 || p.MovedFromKey != "" || p.MovedFromAlias != "" {
		t.Fatalf("defaults = %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
}

// statement is one key policy statement as IAM reads it; Action and Condition values may be a string or a list.
type statement struct {
	Sid       string
	Effect    string
	Principal map[string]string
	Action    []string
	Resource  string
	Condition map[string]map[string]any
}

func keyPolicy(t *testing.T, doc *synthtest.Doc) map[string]statement {
	t.Helper()
	raw, _ := doc.One(t, *kmskey.KmsKey_TfResourceType())["policy"].(string)
	var policy struct {
		Version   string
		Statement []statement
	}
	if err := json.Unmarshal([]byte(raw), &policy); err != nil {
		t.Fatalf("key policy is not plain JSON (scanners could not read it): %v\n%s", err, raw)
	}
	out := map[string]statement{}
	for _, s := range policy.Statement {
		out[s.Sid] = s
	}
	if policy.Version != "2012-10-17" || len(out) != len(policy.Statement) {
		t.Fatalf("policy version %q, statements %d with %d distinct ids", policy.Version, len(policy.Statement), len(out))
	}
	return out
}

func synth(t *testing.T, p encryption.Props) (*synthtest.Doc, *encryption.Key) {
	t.Helper()
	stack := synthtest.NewStack()
	k := encryption.New(stack, "encryption", p)
	return synthtest.Synth(t, stack), k
}

func TestKey(t *testing.T) {
	doc, k := synth(t, props())

	key := doc.One(t, *kmskey.KmsKey_TfResourceType())
	checks := map[string]any{"enable_key_rotation": true, "deletion_window_in_days": float64(30), "is_enabled": true}
	for attr, want := range checks {
		if key[attr] != want {
			t.Errorf("key %s = %v, want %v", attr, key[attr], want)
		}
	}
	if d, _ := key["description"].(string); !strings.Contains(d, "t") || len(d) < 30 {
		t.Errorf("description = %q", d)
	}
	if synthtest.JSON(key["tags"]) != `{"Name":"t"}` {
		t.Errorf("tags = %v", key["tags"])
	}
	keyName := synthtest.Names(doc.Resources(*kmskey.KmsKey_TfResourceType()))[0]
	alias := doc.One(t, *kmsalias.KmsAlias_TfResourceType())
	if alias["name"] != "alias/t" || alias["target_key_id"] != "${aws_kms_key."+keyName+".key_id}" || *k.AliasName != "alias/t" {
		t.Errorf("alias = %v (exposed %s), want alias/t for the key", alias, *k.AliasName)
	}
	if k.Arn == nil || k.KeyID == nil || k.AliasArn == nil || k.AccountID == nil || k.Partition == nil {
		t.Errorf("exposed fields = %+v", k)
	}
	if moved := doc.Raw()["moved"]; moved != nil {
		t.Errorf("moved = %v, want none unless asked", moved)
	}

	policy := keyPolicy(t, doc)
	for sid, s := range policy {
		for _, a := range s.Action {
			if a == "*" || a == "kms:*" {
				t.Errorf("statement %s allows %s", sid, a)
			}
		}
		if s.Effect != "Allow" || s.Resource != "*" || len(s.Principal) != 1 {
			t.Errorf("statement %s: effect %s, resource %s, principal %v", sid, s.Effect, s.Resource, s.Principal)
		}
	}
	principals := map[string]bool{}
	for _, s := range policy {
		for kind, p := range s.Principal {
			principals[kind+" "+p] = true
		}
	}
	partition, account := localRef(t, doc, "encryption_partition_"), localRef(t, doc, "encryption_account_id_")
	wantPrincipals := []string{
		"AWS arn:" + partition + ":iam::" + account + ":root",
		"Service cloudwatch.amazonaws.com",
		"Service logs.us-east-1.amazonaws.com",
	}
	if got := synthtest.Names(principals); strings.Join(got, "\n") != strings.Join(wantPrincipals, "\n") {
		t.Errorf("principals =\n  %s\nwant exactly\n  %s", strings.Join(got, "\n  "), strings.Join(wantPrincipals, "\n  "))
	}

	root := policy["AccountAdministersAndUsesKey"]
	for _, a := range []string{"kms:Decrypt", "kms:GenerateDataKey*", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"} {
		if !allows(root.Action, a) {
			t.Errorf("the account may not %s: %v", a, root.Action)
		}
	}

	logs := policy["CloudWatchLogsEncryptsStackLogGroups"]
	if got := strings.Join(logs.Action, ","); got != "kms:Encrypt*,kms:Decrypt*,kms:ReEncrypt*,kms:GenerateDataKey*,kms:Describe*" {
		t.Errorf("CloudWatch Logs actions = %s", got)
	}
	var groups []string
	for _, g := range logs.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"].([]any) {
		groups = append(groups, g.(string))
	}
	sort.Strings(groups)
	prefix := "arn:" + partition + ":logs:us-east-1:" + account + ":log-group:"
	wantGroups := []string{prefix + "/ecs/t-litellm", prefix + "/ecs/t-loadgen", prefix + "/vpc/t-flow-logs"}
	if strings.Join(groups, " ") != strings.Join(wantGroups, " ") || len(logs.Condition) != 1 {
		t.Errorf("CloudWatch Logs condition = %v\nwant ArnLike on the log groups %v", logs.Condition, wantGroups)
	}

	alarms := policy["CloudWatchAlarmsPublish"]
	if strings.Join(alarms.Action, ",") != "kms:Decrypt,kms:GenerateDataKey*" || alarms.Principal["Service"] != "cloudwatch.amazonaws.com" {
		t.Errorf("CloudWatch alarms statement = %+v", alarms)
	}

}

// local returns the value of the one local whose name starts with prefix.
func local(t *testing.T, doc *synthtest.Doc, prefix string) any {
	t.Helper()
	name := localName(t, doc, prefix)
	return doc.RawLocals()[name]
}

// localRef is how the synthesized JSON refers to the one local whose name starts with prefix.
func localRef(t *testing.T, doc *synthtest.Doc, prefix string) string {
	t.Helper()
	return "${local." + localName(t, doc, prefix) + "}"
}

func localName(t *testing.T, doc *synthtest.Doc, prefix string) string {
	t.Helper()
	var found []string
	for name := range doc.RawLocals() {
		if strings.HasPrefix(name, prefix) {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one local named %s..., found %v", prefix, found)
	}
	return found[0]
}

// allows reports whether an action is granted, by name or by a trailing-* pattern.
func allows(actions []string, action string) bool {
	for _, a := range actions {
		if a == action || strings.HasSuffix(a, "*") && strings.HasPrefix(action, strings.TrimSuffix(a, "*")) {
			return true
		}
	}
	return false
}

// TestAccountFromDataSources: the policy's account and partition are the ones Terraform runs in, read from
// data sources, so the key depends on no other resource of the stack (a teardown keeps it alone).
func TestAccountFromDataSources(t *testing.T) {
	doc, _ := synth(t, props())
	if a, p := local(t, doc, "encryption_account_id_"), local(t, doc, "encryption_partition_"); !strings.HasPrefix(fmt.Sprint(a), "${data.aws_caller_identity.") ||
		!strings.HasPrefix(fmt.Sprint(p), "${data.aws_partition.") {
		t.Errorf("account %v, partition %v; want data.aws_caller_identity and data.aws_partition", a, p)
	}
	key := doc.One(t, *kmskey.KmsKey_TfResourceType())
	if deps, ok := key["depends_on"]; ok {
		t.Errorf("the key depends on %v, want nothing", deps)
	}
}

func TestOwnLogGroupsAndChina(t *testing.T) {
	p := encryption.Props{Name: "t", Region: "cn-north-1", LogGroupNames: []string{"/aws/lambda/t-*"}, DeletionWindowDays: 7}
	doc, _ := synth(t, p)
	logs := keyPolicy(t, doc)["CloudWatchLogsEncryptsStackLogGroups"]
	if logs.Principal["Service"] != "logs.cn-north-1.amazonaws.com.cn" {
		t.Errorf("CloudWatch Logs principal = %v", logs.Principal)
	}
	if got := synthtest.JSON(logs.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]); !strings.HasSuffix(got, `:log-group:/aws/lambda/t-*"]`) || strings.Count(got, "log-group") != 1 {
		t.Errorf("log groups = %s", got)
	}
	if w := doc.One(t, *kmskey.KmsKey_TfResourceType())["deletion_window_in_days"]; w != float64(7) {
		t.Errorf("deletion window = %v", w)
	}
}

// TestMovedFromMonitoring: the key takes over the alarm topic's key through moved blocks, so a deployed key is
// kept. The addresses are those the old construct path (monitoring/topic-key) gives.
func TestMovedFromMonitoring(t *testing.T) {
	old := synthtest.NewStack()
	c := constructs.NewConstruct(old, jsii.String("monitoring"))
	oldKey := kmskey.NewKmsKey(c, jsii.String("topic-key"), &kmskey.KmsKeyConfig{})
	kmsalias.NewKmsAlias(c, jsii.String("topic-key-alias"), &kmsalias.KmsAliasConfig{Name: jsii.String("alias/t-alarms"), TargetKeyId: oldKey.KeyId()})
	oldDoc := synthtest.Synth(t, old)
	if got := "aws_kms_key." + synthtest.Names(oldDoc.Resources(*kmskey.KmsKey_TfResourceType()))[0]; got != encryption.MonitoringTopicKeyAddress {
		t.Errorf("monitoring's key was %s, not MonitoringTopicKeyAddress %s", got, encryption.MonitoringTopicKeyAddress)
	}
	if got := "aws_kms_alias." + synthtest.Names(oldDoc.Resources(*kmsalias.KmsAlias_TfResourceType()))[0]; got != encryption.MonitoringTopicKeyAliasAddress {
		t.Errorf("monitoring's alias was %s, not MonitoringTopicKeyAliasAddress %s", got, encryption.MonitoringTopicKeyAliasAddress)
	}

	p := props()
	p.MovedFromKey, p.MovedFromAlias = encryption.MonitoringTopicKeyAddress, encryption.MonitoringTopicKeyAliasAddress
	doc, _ := synth(t, p)
	key := "aws_kms_key." + synthtest.Names(doc.Resources(*kmskey.KmsKey_TfResourceType()))[0]
	alias := "aws_kms_alias." + synthtest.Names(doc.Resources(*kmsalias.KmsAlias_TfResourceType()))[0]
	want := []map[string]string{
		{"from": encryption.MonitoringTopicKeyAddress, "to": key},
		{"from": encryption.MonitoringTopicKeyAliasAddress, "to": alias},
	}
	if got := synthtest.JSON(doc.Raw()["moved"]); got != synthtest.JSON(want) {
		t.Errorf("moved = %s\nwant %s", got, synthtest.JSON(want))
	}
}
