package cost

import "litellm-aws/stacks"

// SeedItem is one row of the seed's cost table (aws-benchmark-deployment-README.md, "Cost Estimation":
// "Monthly costs (us-east-1, approximate)").
type SeedItem struct {
	Group         string
	Configuration string
	Low, High     float64
}

// Seed is the seed's table, row by row. It has no NAT gateway, public IPv4, Secrets Manager or CloudWatch.
var Seed = []SeedItem{
	{GroupFargate, "4 tasks x 4 vCPU x 8 GB", 350, 350},
	{GroupRDS, "db.t3.medium, 100 GB", 60, 60},
	{GroupALB, "1 ALB", 20, 20},
	{GroupTransfer, "Varies by usage", 10, 50},
}

// SeedTotalLow and SeedTotalHigh are the seed's total, "~$440-460/month" (its rows add up to $440-480).
const SeedTotalLow, SeedTotalHigh = 440, 460

// SeedDescribes reports whether the seed's table is about this profile's sizes: the benchmark's 4 tasks of
// 4 vCPU and 8 GB on a db.t3.medium with one NAT gateway.
func SeedDescribes(p stacks.Profile) bool {
	p = p.WithDefaults()
	return p.DesiredTaskCount == 4 && p.TaskCPU == 4096 && p.TaskMemoryMiB == 8192 &&
		p.DBInstanceClass == "db.t3.medium" && !p.DBMultiAZ
}

func seedItem(group string) (SeedItem, bool) {
	for _, s := range Seed {
		if s.Group == group {
			return s, true
		}
	}
	return SeedItem{}, false
}
