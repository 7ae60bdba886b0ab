package database

import (
	"fmt"
	"regexp"

	"litellm-aws/constructs/network"
	"litellm-aws/internal/check"
)

// Props configures the database.
type Props struct {
	// Name prefixes the instance identifier ("<name>-litellm-db"), its subnet and parameter groups, security
	// group and secret. Required.
	Name string
	// Network provides the VPC and private subnets. Required.
	Network *network.Network
	// Password is the master user's password: a Terraform expression such as a sensitive variable's
	// StringValue(), never a literal, which would be written into the synthesized JSON. Plan checks it
	// against PasswordPattern. Required.
	Password string
	// InstanceClass is the RDS class, or a Terraform string expression such as a variable.
	// Default: db.t3.medium, the benchmark's.
	InstanceClass string
	// AllocatedStorageGB is the initial gp3 storage. Default: 100.
	AllocatedStorageGB int
	// MaxAllocatedStorageGB lets RDS grow storage on its own up to this size; 0 turns autoscaling off.
	// Default: 500.
	MaxAllocatedStorageGB int
	// EngineVersion is the PostgreSQL major (or major.minor) version. Default: "16".
	EngineVersion string
	// BackupRetentionDays keeps automated backups this long. Default: 7.
	BackupRetentionDays int
	// MultiAZ keeps a synchronous standby in a second zone. Default: false.
	MultiAZ bool
	// DeletionProtection refuses deletion while on, and takes a final snapshot when the instance is deleted
	// after it is turned off: a bool, or a Terraform bool expression such as a variable. Default: true.
	DeletionProtection any
	// KMSKeyArn encrypts the connection URL secret with this customer-managed key instead of the AWS-managed default; its key
	// policy must let Secrets Manager (and the service's execution role, which proxyservice grants kms:Decrypt) use it. Default: empty, AWS-managed encryption.
	KMSKeyArn string
}

// Defaults for optional fields, and the names LiteLLM connects with.
const (
	DefaultInstanceClass         = "db.t3.medium"
	DefaultAllocatedStorageGB    = 100
	DefaultMaxAllocatedStorageGB = 500
	DefaultEngineVersion         = "16"
	DefaultBackupRetentionDays   = 7
	DatabaseName                 = "litellm"
	Username                     = "litellm"
	Port                         = 5432
	// MaxNameLength keeps "<name>-litellm-db-final" within RDS's 63-character identifiers.
	MaxNameLength = 45
)

// PasswordPattern is RDS's rule for a master password: 8-128 printable ASCII characters other than
// '/', '"', '@' and space. It is RE2, so Terraform's regex() reads it too.
const PasswordPattern = `^[!#-.0-?A-~]{8,128}$`

// PasswordRule says PasswordPattern in words.
const PasswordRule = `8-128 printable ASCII characters except / " @ and space`

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if p.InstanceClass == "" {
		p.InstanceClass = DefaultInstanceClass
	}
	if p.AllocatedStorageGB == 0 {
		p.AllocatedStorageGB = DefaultAllocatedStorageGB
	}
	if p.MaxAllocatedStorageGB == 0 {
		p.MaxAllocatedStorageGB = DefaultMaxAllocatedStorageGB
	}
	if p.EngineVersion == "" {
		p.EngineVersion = DefaultEngineVersion
	}
	if p.BackupRetentionDays == 0 {
		p.BackupRetentionDays = DefaultBackupRetentionDays
	}
	if p.DeletionProtection == nil {
		p.DeletionProtection = true
	}
	return p
}

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	errs.Name("Name", p.Name, MaxNameLength)
	errs.Secret("Password", p.Password, "password")
	if !check.IsTokenString(p.InstanceClass) {
		if _, ok := InstanceClasses[p.InstanceClass]; !ok {
			errs.Addf("InstanceClass %q is not an RDS for PostgreSQL class this project knows: allowed %v", p.InstanceClass, InstanceClassNames())
		}
	}
	if p.AllocatedStorageGB < 20 || p.AllocatedStorageGB > 65536 {
		errs.Addf("AllocatedStorageGB %d is out of range: allowed 20-65536 (gp3)", p.AllocatedStorageGB)
	}
	if p.MaxAllocatedStorageGB != 0 && (p.MaxAllocatedStorageGB < p.AllocatedStorageGB || p.MaxAllocatedStorageGB > 65536) {
		errs.Addf("MaxAllocatedStorageGB %d is out of range: allowed 0 (off) or AllocatedStorageGB (%d) to 65536", p.MaxAllocatedStorageGB, p.AllocatedStorageGB)
	}
	if !regexp.MustCompile(`^16(\.\d+)?$`).MatchString(p.EngineVersion) {
		errs.Addf("EngineVersion %q is not PostgreSQL 16: allowed \"16\" or \"16.<minor>\"", p.EngineVersion)
	}
	if p.BackupRetentionDays < 1 || p.BackupRetentionDays > 35 {
		errs.Addf("BackupRetentionDays %d is out of range: allowed 1-35", p.BackupRetentionDays)
	}
	errs.KMSKeyArn("KMSKeyArn", p.KMSKeyArn)
	return errs.Err(fmt.Sprintf("database %q", p.Name))
}
