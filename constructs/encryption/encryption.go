package encryption

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawspartition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Key is the stack's customer-managed KMS key and its alias.
type Key struct {
	// Arn is the key's ARN: what log groups, secrets and SNS topics take as their KMS key.
	Arn *string
	// KeyID is the key's id (a UUID).
	KeyID *string
	// AliasName is "alias/<name>"; AliasArn its ARN.
	AliasName *string
	AliasArn  *string
	// AccountID and Partition are the account that owns the key and its partition ("aws", "aws-cn", ...);
	// other constructs' policies may use them. Terraform expressions.
	AccountID *string
	Partition *string

	// Key and Alias are the resources: what a teardown keeps, as the salt key's secret is encrypted with the key.
	Key   kmskey.KmsKey
	Alias kmsalias.KmsAlias

	accountID, partition cdktf.TerraformLocal
}

// New builds the key and its alias. The key policy names the account and partition Terraform runs in
// (data.aws_caller_identity and data.aws_partition), as terraform-aws-modules does. It panics on invalid
// props; call Props.Validate first to get the problems as an error.
func New(scope constructs.Construct, id string, props Props) *Key {
	p := props.WithDefaults()
	if err := p.Validate(); err != nil {
		panic(err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	// Locals keep the policy JSON plain (no quotes inside it). The key depends on data sources only, never on
	// another resource of the stack: a teardown destroys everything else and keeps the key.
	if p.AccountID == "" {
		p.AccountID = *dataawscalleridentity.NewDataAwsCallerIdentity(c, jsii.String("caller"), &dataawscalleridentity.DataAwsCallerIdentityConfig{}).AccountId()
	}
	if p.Partition == "" {
		p.Partition = *dataawspartition.NewDataAwsPartition(c, jsii.String("current-partition"), &dataawspartition.DataAwsPartitionConfig{}).Partition()
	}
	k := &Key{
		AliasName: jsii.String(aliasPrefix + p.Name),
		accountID: cdktf.NewTerraformLocal(c, jsii.String("account_id"), jsii.String(p.AccountID)),
		partition: cdktf.NewTerraformLocal(c, jsii.String("partition"), jsii.String(p.Partition)),
	}
	k.AccountID, k.Partition = k.accountID.AsString(), k.partition.AsString()

	key := kmskey.NewKmsKey(c, jsii.String("key"), &kmskey.KmsKeyConfig{
		Description:          jsii.String(fmt.Sprintf("LiteLLM stack %s: encrypts its log groups, secrets and alarm topic", p.Name)),
		IsEnabled:            jsii.Bool(true),
		EnableKeyRotation:    jsii.Bool(true),
		DeletionWindowInDays: jsii.Number(float64(p.DeletionWindowDays)),
		Policy:               jsii.String(keyPolicy(p, *k.Partition, *k.AccountID)),
		Tags:                 &map[string]*string{"Name": jsii.String(p.Name)},
	})
	alias := kmsalias.NewKmsAlias(c, jsii.String("alias"), &kmsalias.KmsAliasConfig{
		Name:        k.AliasName,
		TargetKeyId: key.KeyId(),
	})
	// A moved block, not a new key: the deployed key keeps everything it has encrypted.
	if p.MovedFromKey != "" {
		key.MoveFromId(jsii.String(p.MovedFromKey))
	}
	if p.MovedFromAlias != "" {
		alias.MoveFromId(jsii.String(p.MovedFromAlias))
	}

	k.Arn, k.KeyID, k.AliasArn = key.Arn(), key.KeyId(), alias.Arn()
	k.Key, k.Alias = key, alias
	return k
}

// keyPolicy lets exactly the services that use the key do so. Secrets Manager uses it on behalf of callers
// in the account, so the account statement (with the callers' IAM policies, which name
// kms:ViaService) covers them; SNS likewise uses it on behalf of whoever publishes.
func keyPolicy(p Props, partition, account string) string {
	var logGroups []string
	for _, name := range p.LogGroupNames {
		logGroups = append(logGroups, fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", partition, p.Region, account, name))
	}
	policy, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			// The usual delegation to IAM, spelled out rather than kms:* (which scanners flag): who in the
			// account may use or manage the key is then up to their IAM policies.
			"Sid":       "AccountAdministersAndUsesKey",
			"Effect":    "Allow",
			"Principal": map[string]string{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", partition, account)},
			"Action":    accountActions,
			"Resource":  "*",
		}, {
			// CloudWatch Logs encrypts with the key only for the stack's own log groups, named in the
			// encryption context it sends.
			"Sid":       "CloudWatchLogsEncryptsStackLogGroups",
			"Effect":    "Allow",
			"Principal": map[string]string{"Service": fmt.Sprintf("logs.%s.%s", p.Region, dnsSuffix(p.Region))},
			"Action":    logsActions,
			"Resource":  "*",
			"Condition": map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": logGroups}},
		}, {
			// What an alarm needs to publish to an encrypted topic. The topic's own policy still decides who may
			// publish: only this account.
			"Sid":       "CloudWatchAlarmsPublish",
			"Effect":    "Allow",
			"Principal": map[string]string{"Service": "cloudwatch.amazonaws.com"},
			"Action":    alarmActions,
			"Resource":  "*",
		}},
	})
	if err != nil {
		panic(err) // plain maps and strings only
	}
	return string(policy)
}

// The key policy's actions, by principal.
var (
	// accountActions is everything an administrator or a service acting for the account needs.
	accountActions = []string{
		"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
		"kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
		"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
		"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
	}
	// logsActions is what CloudWatch Logs documents for a log group's key.
	logsActions = []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}
	// alarmActions is what CloudWatch needs to publish an alarm to an encrypted SNS topic.
	alarmActions = []string{"kms:Decrypt", "kms:GenerateDataKey*"}
)

// dnsSuffix is the domain of service principals in a region's partition.
func dnsSuffix(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}
