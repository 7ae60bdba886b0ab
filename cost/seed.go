package cost

import (
	"fmt"
	"io"
	"strings"
)

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

// SeedDescribes reports whether the seed's table is about a stack of these sizes: the benchmark's 4 tasks
// of 4 vCPU and 8 GB on a single-AZ db.t3.medium.
func SeedDescribes(f Facts) bool {
	return f.Tasks == 4 && f.TaskCPU == 4096 && f.TaskMemoryMiB == 8192 && f.DBInstanceClass == "db.t3.medium" && !f.DBMultiAZ
}

func seedItem(group string) (SeedItem, bool) {
	for _, s := range Seed {
		if s.Group == group {
			return s, true
		}
	}
	return SeedItem{}, false
}

func writeSeedComparison(w io.Writer, e Estimate) {
	fmt.Fprintln(w, `Next to the seed's figure (aws-benchmark-deployment-README.md, "Cost Estimation", us-east-1, approximate):`)
	var t table
	t.add("  ", "seed", "here")
	var leftOut []string
	for _, g := range e.Groups() {
		seed := "not listed"
		if s, ok := seedItem(g); ok {
			seed = "~" + usdWhole(s.Low, s.High)
		} else if g == GroupIPv4 {
			leftOut = append(leftOut, fmt.Sprintf("public IPv4 addresses (%s; AWS has charged for each since February 2024)", groupCell(e, g)))
		} else if g != GroupNAT {
			leftOut = append(leftOut, fmt.Sprintf("%s (%s)", g, groupCell(e, g)))
		}
		t.add("  "+g, seed, groupCell(e, g))
	}
	t.add("  Total", "~"+usdWhole(SeedTotalLow, SeedTotalHigh), totalCell(e))
	t.write(w, "lrr")

	tb := USEast1
	f := e.Facts
	fargate, _ := e.Group(GroupFargate)
	halfVCPU := float64(f.Tasks) * float64(f.TaskCPU) / 1024 / 2 * HoursPerMonth * tb.FargateVCPUHour.USD
	seedFargate, _ := seedItem(GroupFargate)
	albHours, _ := e.Line("ALB hours")
	_, lcu := lineRange(e, "ALB LCUs")
	_, nat := lineRange(e, "NAT gateway data processed")
	_, out := lineRange(e, "Data transfer out")
	interAZText := ""
	if _, interAZ := lineRange(e, "Inter-AZ to the NAT gateway"); interAZ > 0 {
		interAZText = ", and traffic between the tasks and the NAT gateway across zones adds " + usd(interAZ)
	}
	natHours, _ := e.Line("NAT gateway hours")
	seedTransfer, _ := seedItem(GroupTransfer)
	perConnLCU := e.RequestsPerSecond / 25 * HoursPerMonth * tb.ALBLCUHour.USD
	var seedRows, seedRowsHigh float64
	for _, s := range Seed {
		seedRows += s.Low
		seedRowsHigh += s.High
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Why they differ:")
	why := []string{
		fmt.Sprintf("ECS Fargate: %d tasks x %s vCPU x %d h x $%s + %d x %s GB x %d h x $%s = %s on demand. The seed's ~$%.0f is %.0f%% of that, "+
			"close to what tasks of half the vCPU would cost (%s): its arithmetic looks wrong, or it assumes a discount it does not state.",
			f.Tasks, num(float64(f.TaskCPU)/1024), HoursPerMonth, fmtPrice(tb.FargateVCPUHour.USD),
			f.Tasks, num(float64(f.TaskMemoryMiB)/1024), HoursPerMonth, fmtPrice(tb.FargateGBHour.USD),
			usd(fargate), seedFargate.Low, 100*seedFargate.Low/fargate, usd(fargate-halfVCPU)),
		fmt.Sprintf("RDS PostgreSQL: %s at $%s/h x %d h plus %d GB gp3 at $%s/GB-month = %s; the seed rounds it down to ~$60.",
			f.DBInstanceClass, priceText(tb.RDSInstanceHour, f.DBInstanceClass), HoursPerMonth, f.DBStorageGB,
			fmtPrice(tb.RDSGP3GBMonth.USD), usdRange(e.Group(GroupRDS))),
		fmt.Sprintf("Application Load Balancer: the seed's ~$20 is about the hourly charge alone (%s). LCUs add %s at the load "+
			"(1 LCU per GB processed an hour, with connections reused; clients that open a connection per request need an LCU "+
			"per 25 new connections a second instead: %s).", usd(albHours.Low), usd(lcu), usd(perConnLCU)),
		fmt.Sprintf("Data transfer: the seed's ~$%.0f-%.0f is %s-%s GB out a month at $%s/GB. At the load %s GB leave AWS (%s)%s.",
			seedTransfer.Low, seedTransfer.High, num(seedTransfer.Low/tb.DataTransferOutGB.USD), num(seedTransfer.High/tb.DataTransferOutGB.USD),
			fmtPrice(tb.DataTransferOutGB.USD), num(e.trafficGB()), usd(out), interAZText),
		fmt.Sprintf("Left out by the seed: the NAT gateway (%s a month idle, plus $%s per GB the tasks exchange with the model provider: "+
			"%s at the load), %s.", usd(natHours.Low), fmtPrice(tb.NATGatewayGB.USD), usd(nat), andList(leftOut)),
		fmt.Sprintf("The seed's rows add up to ~%s, not the ~%s it gives as the total.",
			usdWhole(seedRows, seedRowsHigh), usdWhole(SeedTotalLow, SeedTotalHigh)),
		fmt.Sprintf("So the always-on lines alone come to %s a month, %s above the seed's upper figure; %s of the gap is Fargate.",
			usd(e.AlwaysOn()), usd(e.AlwaysOn()-SeedTotalHigh), usd(fargate-seedFargate.Low)),
	}
	for _, s := range why {
		fmt.Fprintln(w, bullet(s))
	}
}

func lineRange(e Estimate, item string) (low, high float64) {
	l, _ := e.Line(item)
	return l.Low, l.High
}

func priceText(m map[string]Price, key string) string {
	if p, ok := m[key]; ok {
		return fmtPrice(p.USD)
	}
	return "?"
}

// andList joins items as a sentence does: a, b and c.
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
