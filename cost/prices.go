package cost

// The unit prices every estimate is computed from: AWS's us-east-1 on-demand list prices in US dollars,
// before tax, with no free tier, Savings Plans or Reserved Instances.
//
// NOT FETCHED LIVE. There is no pricing API call anywhere in this package: the figures below are the list
// prices as the author knew them on 2025-06-01 (PricesAsOf), typed in by hand on 2026-11-27 and assumed
// unchanged since. Each entry names the AWS pricing page it comes from; check those pages (or the AWS
// Pricing Calculator) before relying on a figure, and when a price changes, change it here, in one place,
// with its new date.
//
// Sources, one page per service:
//   - Fargate (Linux/x86 vCPU and memory):              https://aws.amazon.com/fargate/pricing/
//   - RDS for PostgreSQL (instances, gp3 storage):      https://aws.amazon.com/rds/postgresql/pricing/
//   - Application Load Balancer (hours, LCUs):          https://aws.amazon.com/elasticloadbalancing/pricing/
//   - NAT gateway and public IPv4 addresses:            https://aws.amazon.com/vpc/pricing/
//   - Data transfer out and between zones:              https://aws.amazon.com/ec2/pricing/on-demand/
//   - ElastiCache for Redis OSS nodes:                  https://aws.amazon.com/elasticache/pricing/
//   - Secrets Manager:                                  https://aws.amazon.com/secrets-manager/pricing/
//   - CloudWatch (Logs, metrics, alarms, dashboards):   https://aws.amazon.com/cloudwatch/pricing/
//   - S3 (Standard storage):                            https://aws.amazon.com/s3/pricing/
//   - KMS (customer-managed keys):                      https://aws.amazon.com/kms/pricing/

// PricesAsOf is the date the table's prices are assumed to hold from.
const PricesAsOf = "2025-06-01"

// HoursPerMonth is AWS's billing month for hourly prices (its pricing pages and calculator use 730).
const HoursPerMonth = 730

// Price is one unit price: USD per Unit, as listed at Source on AsOf.
type Price struct {
	USD    float64
	Unit   string // what one USD amount buys: "vCPU-hour", "GB-month"
	AsOf   string
	Source string
}

const (
	srcFargate     = "https://aws.amazon.com/fargate/pricing/"
	srcRDS         = "https://aws.amazon.com/rds/postgresql/pricing/"
	srcELB         = "https://aws.amazon.com/elasticloadbalancing/pricing/"
	srcVPC         = "https://aws.amazon.com/vpc/pricing/"
	srcEC2Transfer = "https://aws.amazon.com/ec2/pricing/on-demand/"
	srcElastiCache = "https://aws.amazon.com/elasticache/pricing/"
	srcSecrets     = "https://aws.amazon.com/secrets-manager/pricing/"
	srcCloudWatch  = "https://aws.amazon.com/cloudwatch/pricing/"
	srcKMS         = "https://aws.amazon.com/kms/pricing/"
	srcS3          = "https://aws.amazon.com/s3/pricing/"
)

// PriceTable holds the unit prices for one region.
type PriceTable struct {
	Region string

	// Fargate, Linux/x86, per second with a one-minute minimum; the 20 GB of ephemeral storage each task
	// gets is included.
	FargateVCPUHour, FargateGBHour Price
	// RDSInstanceHour is the single-AZ price of each RDS for PostgreSQL class; Multi-AZ (one standby) bills
	// two instances.
	RDSInstanceHour map[string]Price
	// RDSGP3GBMonth is single-AZ gp3 storage with its baseline 3,000 IOPS and 125 MB/s; Multi-AZ bills twice.
	RDSGP3GBMonth Price
	// ALBHour and ALBLCUHour: an LCU-hour is the largest of 25 new connections a second, 3,000 active
	// connections a minute, 1 GB processed an hour (IP targets) and 1,000 rule evaluations a second.
	ALBHour, ALBLCUHour Price
	// NATGatewayHour is per gateway; NATGatewayGB is every GB it processes, in either direction.
	NATGatewayHour, NATGatewayGB Price
	// PublicIPv4Hour is every public IPv4 address, in use or not (charged since 2024-02-01).
	PublicIPv4Hour Price
	// DataTransferOutGB is the first 10 TB a month from AWS to the internet; the first 100 GB a month of the
	// whole account are free. Data in is free.
	DataTransferOutGB Price
	// InterAZGB is charged on each side of traffic between zones of the region ($0.01 out, $0.01 in).
	InterAZGB Price
	// ElastiCacheNodeHour is each Redis OSS node type's on-demand price.
	ElastiCacheNodeHour map[string]Price
	// SecretMonth is one Secrets Manager secret (API calls, $0.05 per 10,000, are left out).
	SecretMonth Price
	// LogsIngestGB is CloudWatch Logs' standard class, also the first tier of vended logs (VPC flow logs);
	// LogsStoreGBMonth is what the logs cost to keep.
	LogsIngestGB, LogsStoreGBMonth Price
	// CustomMetricMonth is the first tier (first 10,000 metrics); Container Insights is billed as these.
	CustomMetricMonth Price
	// AlarmMetricMonth is a standard-resolution (60 s) alarm's price per metric it reads; an alarm on a
	// metric-math expression reads several. AlarmMetricHighResMonth is the same for periods under 60 s.
	AlarmMetricMonth, AlarmMetricHighResMonth Price
	// DashboardMonth is one CloudWatch dashboard (the account's first three are free: not subtracted).
	DashboardMonth Price
	// S3StandardGBMonth is S3 Standard storage, the first 50 TB a month (requests, $0.005 per 1,000 PUTs, are
	// left out).
	S3StandardGBMonth Price
	// KMSKeyMonth is one customer-managed KMS key; with automatic rotation each of its first two rotations
	// adds as much again (API requests, $0.03 per 10,000, are left out).
	KMSKeyMonth Price
	// RDSSnapshotGBMonth is a manual DB snapshot's storage (what a teardown's final snapshot costs; the free
	// backup storage ends with the instance).
	RDSSnapshotGBMonth Price
}

// USEast1 is the table every estimate uses.
var USEast1 = PriceTable{
	Region: "us-east-1",

	FargateVCPUHour: Price{0.04048, "vCPU-hour", "2025-06-01", srcFargate},
	FargateGBHour:   Price{0.004445, "GB-hour", "2025-06-01", srcFargate},

	RDSInstanceHour: rdsInstanceHour,
	RDSGP3GBMonth:   Price{0.115, "GB-month", "2025-06-01", srcRDS},

	ALBHour:    Price{0.0225, "ALB-hour", "2025-06-01", srcELB},
	ALBLCUHour: Price{0.008, "LCU-hour", "2025-06-01", srcELB},

	NATGatewayHour: Price{0.045, "NAT-gateway-hour", "2025-06-01", srcVPC},
	NATGatewayGB:   Price{0.045, "GB processed", "2025-06-01", srcVPC},
	PublicIPv4Hour: Price{0.005, "IPv4-address-hour", "2025-06-01", srcVPC},

	DataTransferOutGB: Price{0.09, "GB out", "2025-06-01", srcEC2Transfer},
	InterAZGB:         Price{0.01, "GB each side", "2025-06-01", srcEC2Transfer},

	ElastiCacheNodeHour: elastiCacheNodeHour,

	SecretMonth: Price{0.40, "secret-month", "2025-06-01", srcSecrets},

	LogsIngestGB:      Price{0.50, "GB ingested", "2025-06-01", srcCloudWatch},
	LogsStoreGBMonth:  Price{0.03, "GB-month stored", "2025-06-01", srcCloudWatch},
	CustomMetricMonth: Price{0.30, "metric-month", "2025-06-01", srcCloudWatch},

	AlarmMetricMonth:        Price{0.10, "alarm-metric-month", "2025-06-01", srcCloudWatch},
	AlarmMetricHighResMonth: Price{0.30, "alarm-metric-month", "2025-06-01", srcCloudWatch},
	DashboardMonth:          Price{3.00, "dashboard-month", "2025-06-01", srcCloudWatch},

	S3StandardGBMonth: Price{0.023, "GB-month", "2025-06-01", srcS3},

	KMSKeyMonth: Price{1.00, "key-month", "2025-06-01", srcKMS},

	RDSSnapshotGBMonth: Price{0.095, "GB-month", "2025-06-01", srcRDS},
}

// rds is an RDS for PostgreSQL single-AZ on-demand instance-hour.
func rds(usd float64) Price { return Price{usd, "instance-hour", "2025-06-01", srcRDS} }

// rdsInstanceHour covers every class database.InstanceClasses accepts (a test keeps them in step).
// Within a family AWS prices each size up linearly from the large (medium for the burstable families),
// to within a tenth of a cent an hour.
var rdsInstanceHour = map[string]Price{
	"db.t3.micro": rds(0.018), "db.t3.small": rds(0.036), "db.t3.medium": rds(0.072),
	"db.t3.large": rds(0.145), "db.t3.xlarge": rds(0.290), "db.t3.2xlarge": rds(0.580),

	"db.t4g.micro": rds(0.016), "db.t4g.small": rds(0.032), "db.t4g.medium": rds(0.065),
	"db.t4g.large": rds(0.129), "db.t4g.xlarge": rds(0.258), "db.t4g.2xlarge": rds(0.517),

	"db.m5.large": rds(0.178), "db.m5.xlarge": rds(0.356), "db.m5.2xlarge": rds(0.712), "db.m5.4xlarge": rds(1.424),
	"db.m5.8xlarge": rds(2.848), "db.m5.12xlarge": rds(4.272), "db.m5.16xlarge": rds(5.696),

	"db.m6g.large": rds(0.159), "db.m6g.xlarge": rds(0.318), "db.m6g.2xlarge": rds(0.636), "db.m6g.4xlarge": rds(1.272),
	"db.m6g.8xlarge": rds(2.544), "db.m6g.12xlarge": rds(3.816), "db.m6g.16xlarge": rds(5.088),

	"db.m6i.large": rds(0.178), "db.m6i.xlarge": rds(0.356), "db.m6i.2xlarge": rds(0.712), "db.m6i.4xlarge": rds(1.424),
	"db.m6i.8xlarge": rds(2.848), "db.m6i.12xlarge": rds(4.272), "db.m6i.16xlarge": rds(5.696),

	"db.m7g.large": rds(0.168), "db.m7g.xlarge": rds(0.337), "db.m7g.2xlarge": rds(0.674), "db.m7g.4xlarge": rds(1.348),
	"db.m7g.8xlarge": rds(2.696), "db.m7g.12xlarge": rds(4.044), "db.m7g.16xlarge": rds(5.392),

	"db.r5.large": rds(0.250), "db.r5.xlarge": rds(0.500), "db.r5.2xlarge": rds(1.000), "db.r5.4xlarge": rds(2.000),
	"db.r5.8xlarge": rds(4.000), "db.r5.12xlarge": rds(6.000), "db.r5.16xlarge": rds(8.000),

	"db.r6g.large": rds(0.225), "db.r6g.xlarge": rds(0.450), "db.r6g.2xlarge": rds(0.899), "db.r6g.4xlarge": rds(1.798),
	"db.r6g.8xlarge": rds(3.597), "db.r6g.12xlarge": rds(5.395), "db.r6g.16xlarge": rds(7.194),

	"db.r6i.large": rds(0.250), "db.r6i.xlarge": rds(0.500), "db.r6i.2xlarge": rds(1.000), "db.r6i.4xlarge": rds(2.000),
	"db.r6i.8xlarge": rds(4.000), "db.r6i.12xlarge": rds(6.000), "db.r6i.16xlarge": rds(8.000),

	"db.r7g.large": rds(0.239), "db.r7g.xlarge": rds(0.478), "db.r7g.2xlarge": rds(0.956), "db.r7g.4xlarge": rds(1.913),
	"db.r7g.8xlarge": rds(3.825), "db.r7g.12xlarge": rds(5.738), "db.r7g.16xlarge": rds(7.650),
}

// cacheNode is an ElastiCache for Redis OSS on-demand node-hour (Valkey nodes are listed about 20% lower).
func cacheNode(usd float64) Price { return Price{usd, "node-hour", "2025-06-01", srcElastiCache} }

// elastiCacheNodeHour covers every node type cache.NodeTypes accepts (a test keeps them in step), and a few
// more. The 2xlarge sizes are twice the xlarge, as AWS prices each size within a family.
var elastiCacheNodeHour = map[string]Price{
	"cache.t3.micro": cacheNode(0.017), "cache.t3.small": cacheNode(0.034), "cache.t3.medium": cacheNode(0.068),
	"cache.t4g.micro": cacheNode(0.016), "cache.t4g.small": cacheNode(0.032), "cache.t4g.medium": cacheNode(0.065),
	"cache.m5.large": cacheNode(0.156), "cache.m5.xlarge": cacheNode(0.311),
	"cache.m6g.large": cacheNode(0.149), "cache.m6g.xlarge": cacheNode(0.297), "cache.m6g.2xlarge": cacheNode(0.594),
	"cache.m7g.large": cacheNode(0.158), "cache.m7g.xlarge": cacheNode(0.315), "cache.m7g.2xlarge": cacheNode(0.630),
	"cache.r5.large": cacheNode(0.216), "cache.r5.xlarge": cacheNode(0.431),
	"cache.r6g.large": cacheNode(0.206), "cache.r6g.xlarge": cacheNode(0.411), "cache.r6g.2xlarge": cacheNode(0.822),
	"cache.r7g.large": cacheNode(0.219), "cache.r7g.xlarge": cacheNode(0.437), "cache.r7g.2xlarge": cacheNode(0.874),
}
