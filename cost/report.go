package cost

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"litellm-aws/constructs/database"
)

// WriteItemised prints one estimate line by line: what is counted, at what price, and the notes behind the
// estimated lines. For the benchmark's sizes it also sets the estimate next to the seed's and explains the
// difference.
func WriteItemised(w io.Writer, e Estimate) {
	p := e.Profile
	fmt.Fprintf(w, "%s: %s\n", p.StackName, summary(e))
	fmt.Fprintln(w, pricesLine())
	fmt.Fprintln(w)

	var t table
	t.section("Always on")
	for _, l := range e.Lines {
		if !l.Usage {
			t.add("  "+l.Item, quantity(l), money(l), l.Detail)
		}
	}
	t.add("  Subtotal", "", usd(e.AlwaysOn()), "")
	t.blank()
	t.section(fmt.Sprintf("Usage and estimates: idle to %s req/s around the clock at %s KB a request (%s GB a month each way)",
		num(e.RequestsPerSecond), num(e.KBPerRequest), num(e.trafficGB())))
	for _, l := range e.Lines {
		if l.Usage {
			t.add("  "+l.Item, quantity(l), money(l), l.Detail)
		}
	}
	t.add("  Subtotal", "", usdRange(e.Usage()), "")
	t.blank()
	t.add("Total per month", "", totalCell(e), "")
	t.write(w, "llr l")
	if m := e.Missing(); len(m) > 0 {
		fmt.Fprintf(w, "\nThe total is incomplete: the price table (cost/prices.go) has no price for %s.\n", strings.Join(m, ", "))
	}

	fmt.Fprintln(w)
	if SeedDescribes(p) {
		writeSeedComparison(w, e)
	} else {
		fmt.Fprintf(w, "The seed gives a figure (~$%d-%d a month) only for the benchmark's 4 tasks: see ./help cost litellm-benchmark.\n",
			SeedTotalLow, SeedTotalHigh)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Notes:")
	for _, n := range notes(e) {
		fmt.Fprintln(w, bullet(n))
	}
}

// WriteSideBySide prints several estimates in columns, one per stack, with the seed's figure below.
func WriteSideBySide(w io.Writer, es []Estimate) {
	fmt.Fprintln(w, "Monthly cost estimate per stack")
	fmt.Fprintln(w, pricesLine())
	fmt.Fprintln(w)

	var t table
	row := func(label string, cell func(Estimate) string) {
		cells := []string{label}
		for _, e := range es {
			cells = append(cells, cell(e))
		}
		t.add(cells...)
	}
	row("", func(e Estimate) string { return e.Profile.StackName })
	row("Tasks x vCPU / GB", func(e Estimate) string {
		return fmt.Sprintf("%d x %s / %s", e.Profile.DesiredTaskCount, num(float64(e.Profile.TaskCPU)/1024), num(float64(e.Profile.TaskMemoryMiB)/1024))
	})
	row("Database", func(e Estimate) string {
		if e.Profile.DBMultiAZ {
			return e.Profile.DBInstanceClass + " Multi-AZ"
		}
		return e.Profile.DBInstanceClass
	})
	row("Load at the high end", func(e Estimate) string { return num(e.RequestsPerSecond) + " req/s" })
	t.blank()
	for _, usage := range []bool{false, true} {
		if usage {
			t.blank()
			t.section("Usage and estimates (idle - load)")
		} else {
			t.section("Always on")
		}
		for _, item := range itemsInOrder(es, usage) {
			row("  "+item, func(e Estimate) string {
				if l, ok := e.Line(item); ok {
					return money(l)
				}
				return "-"
			})
		}
		if usage {
			row("  Subtotal", func(e Estimate) string { return usdRange(e.Usage()) })
		} else {
			row("  Subtotal", func(e Estimate) string { return usd(e.AlwaysOn()) })
		}
	}
	t.blank()
	row("Total per month", totalCell)
	row("Seed's figure", func(e Estimate) string {
		if SeedDescribes(e.Profile) {
			return fmt.Sprintf("~$%d-%d", SeedTotalLow, SeedTotalHigh)
		}
		return "none"
	})
	align := "l" + strings.Repeat("r", len(es))
	t.write(w, align)

	fmt.Fprintln(w)
	if len(es) > 0 {
		fmt.Fprintf(w, "Usage lines run from idle to the load row's rate around the clock at %s KB a request (-rps and -kb-per-request change it).\n",
			num(es[0].KBPerRequest))
	}
	fmt.Fprintln(w, "./help cost <stack> itemises one stack, with the quantities, the notes and, for the benchmark, the seed's figure line by line.")
	var missing []string
	for _, e := range es {
		for _, m := range e.Missing() {
			missing = append(missing, e.Profile.StackName+": "+m)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(w, "Incomplete: the price table (cost/prices.go) has no price for %s.\n", strings.Join(missing, "; "))
	}
}

func writeSeedComparison(w io.Writer, e Estimate) {
	fmt.Fprintln(w, `Next to the seed's figure (aws-benchmark-deployment-README.md, "Cost Estimation", us-east-1, approximate):`)
	var t table
	t.add("  ", "seed", "here")
	groups := []string{GroupFargate, GroupRDS, GroupALB, GroupTransfer, GroupNAT, GroupIPv4, GroupSecrets, GroupCloudWatch}
	if e.RedisNodeType != "" {
		groups = append(groups, GroupRedis)
	}
	for _, g := range groups {
		seed := "not listed"
		if s, ok := seedItem(g); ok {
			seed = "~" + usdWhole(s.Low, s.High)
		}
		t.add("  "+g, seed, groupCell(e, g))
	}
	t.add("  Total", "~"+usdWhole(SeedTotalLow, SeedTotalHigh), totalCell(e))
	t.write(w, "lrr")

	tb := USEast1
	p := e.Profile
	fargate, _ := e.Group(GroupFargate)
	halfVCPU := float64(p.DesiredTaskCount) * float64(p.TaskCPU) / 1024 / 2 * HoursPerMonth * tb.FargateVCPUHour.USD
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
	ipv4, _ := e.Line("Public IPv4 addresses")
	secrets, _ := e.Line("Secrets Manager")
	cwLow, cwHigh := e.Group(GroupCloudWatch)
	seedTransfer, _ := seedItem(GroupTransfer)
	perConnLCU := e.RequestsPerSecond / 25 * HoursPerMonth * tb.ALBLCUHour.USD
	seedRows := 0.0
	seedRowsHigh := 0.0
	for _, s := range Seed {
		seedRows += s.Low
		seedRowsHigh += s.High
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Why they differ:")
	why := []string{
		fmt.Sprintf("ECS Fargate: %d tasks x %s vCPU x %d h x $%s + %d x %s GB x %d h x $%s = %s on demand. The seed's ~$%.0f is %.0f%% of that, "+
			"close to what tasks of half the vCPU would cost (%s): its arithmetic looks wrong, or it assumes a discount it does not state.",
			p.DesiredTaskCount, num(float64(p.TaskCPU)/1024), HoursPerMonth, fmtPrice(tb.FargateVCPUHour.USD),
			p.DesiredTaskCount, num(float64(p.TaskMemoryMiB)/1024), HoursPerMonth, fmtPrice(tb.FargateGBHour.USD),
			usd(fargate), seedFargate.Low, 100*seedFargate.Low/fargate, usd(fargate-halfVCPU)),
		fmt.Sprintf("RDS PostgreSQL: %s at $%s/h x %d h plus %d GB gp3 at $%s/GB-month = %s; the seed rounds it down to ~$60.",
			p.DBInstanceClass, priceText(tb.RDSInstanceHour, p.DBInstanceClass), HoursPerMonth, e.StorageGB,
			fmtPrice(tb.RDSGP3GBMonth.USD), usdRange(e.Group(GroupRDS))),
		fmt.Sprintf("Application Load Balancer: the seed's ~$20 is about the hourly charge alone (%s). LCUs add %s at the load "+
			"(1 LCU per GB processed an hour, with connections reused; clients that open a connection per request need an LCU "+
			"per 25 new connections a second instead: %s).", usd(albHours.Low), usd(lcu), usd(perConnLCU)),
		fmt.Sprintf("Data transfer: the seed's ~$%.0f-%.0f is %s-%s GB out a month at $%s/GB. At the load %s GB leave AWS (%s)%s.",
			seedTransfer.Low, seedTransfer.High, num(seedTransfer.Low/tb.DataTransferOutGB.USD), num(seedTransfer.High/tb.DataTransferOutGB.USD),
			fmtPrice(tb.DataTransferOutGB.USD), num(e.trafficGB()), usd(out), interAZText),
		fmt.Sprintf("Left out by the seed: the NAT gateway (%s a month idle, plus $%s per GB the tasks exchange with the model provider: "+
			"%s at the load), public IPv4 addresses (%s; AWS charges for each since February 2024), Secrets Manager (%s), "+
			"and CloudWatch Logs and Container Insights (%s).",
			usd(natHours.Low), fmtPrice(tb.NATGatewayGB.USD), usd(nat), usd(ipv4.Low), usd(secrets.Low), usdRange(cwLow, cwHigh)),
		fmt.Sprintf("The seed's rows add up to ~%s, not the ~%s it gives as the total.",
			usdWhole(seedRows, seedRowsHigh), usdWhole(SeedTotalLow, SeedTotalHigh)),
		fmt.Sprintf("So the always-on lines alone come to %s a month, %s above the seed's upper figure; %s of the gap is Fargate.",
			usd(e.AlwaysOn()), usd(e.AlwaysOn()-SeedTotalHigh), usd(fargate-seedFargate.Low)),
	}
	for _, s := range why {
		fmt.Fprintln(w, bullet(s))
	}
}

// notes are the assumptions and exclusions behind an estimate.
func notes(e Estimate) []string {
	tb := USEast1
	p := e.Profile
	copies := 1
	if p.DBMultiAZ {
		copies = 2
	}
	var out []string
	out = append(out,
		fmt.Sprintf("Load: usage lines run from idle to %s req/s around the clock (%s), %s KB a request and its response: "+
			"that much crosses the load balancer and the NAT gateway, and leaves AWS, per request. Change it with -rps and -kb-per-request.",
			num(e.RequestsPerSecond), loadSource(e), num(e.KBPerRequest)),
		fmt.Sprintf("Data transfer out: $%s/GB is the first 10 TB a month; the account's first 100 GB a month are free (not subtracted). "+
			"Data in is free. GB are GiB, as AWS bills them.", fmtPrice(tb.DataTransferOutGB.USD)),
		fmt.Sprintf("CloudWatch Logs: $%s/GB ingested (standard class; VPC flow logs are vended logs at the same first-tier rate) plus "+
			"$%s/GB-month kept (30 days here). %s-%s GB a month is an assumption: LiteLLM logs at ERROR, but flow logs record every "+
			"connection, so clients that do not reuse connections can make far more.",
			fmtPrice(tb.LogsIngestGB.USD), fmtPrice(tb.LogsStoreGBMonth.USD), num(LogsGBLow), num(LogsGBHigh)),
		fmt.Sprintf("Container Insights is on for the cluster and is extra: its metrics bill as custom metrics ($%s each a month; "+
			"%s-%s assumed) and its performance events as log ingestion.",
			fmtPrice(tb.CustomMetricMonth.USD), num(InsightsMetricsLow), num(InsightsMetricsHigh)),
		fmt.Sprintf("RDS: automated backups up to the %d GB provisioned and Performance Insights' 7 days are free; storage autoscaling "+
			"may grow the volume to %d GB (%s a month).", e.StorageGB, database.DefaultMaxAllocatedStorageGB,
			usd(float64(database.DefaultMaxAllocatedStorageGB*copies)*tb.RDSGP3GBMonth.USD)),
		"Public IPv4: the load balancer holds one address per zone and adds nodes, with addresses, as it scales under load.",
	)
	if most := p.MaxTaskCount(); most > p.DesiredTaskCount {
		perTask := (float64(p.TaskCPU)/1024*tb.FargateVCPUHour.USD + float64(p.TaskMemoryMiB)/1024*tb.FargateGBHour.USD) * HoursPerMonth
		out = append(out, fmt.Sprintf("Autoscaling may run up to %d tasks: each task beyond %d adds %s a month.",
			most, p.DesiredTaskCount, usd(perTask)))
	}
	if e.RedisNodeType == "" {
		example := "cache.t4g.medium"
		out = append(out, fmt.Sprintf("Redis is off (LITELLM_REDIS=on turns it on): -redis-node-type %s -redis-nodes %d would add %s a month, "+
			"plus inter-AZ transfer from tasks in other zones than the primary.",
			example, DefaultRedisNodes, usd(tb.ElastiCacheNodeHour[example].USD*DefaultRedisNodes*HoursPerMonth)))
	} else {
		out = append(out, "Redis: tasks in other zones than the primary pay inter-AZ transfer to it ($0.01/GB each side), not counted; "+
			"backups beyond one day and Valkey's lower node prices are not counted either.")
	}
	out = append(out,
		fmt.Sprintf("Not counted: S3 (one small config object), image pulls through the NAT gateway at each task start ($%s/GB), "+
			"Secrets Manager API calls, AWS-managed KMS keys (free), database traffic across zones (small: LiteLLM "+
			"batches its writes every 60 s), taxes, and discounts: Savings Plans (Fargate), "+
			"Reserved Instances (RDS), the free tier.", fmtPrice(tb.NATGatewayGB.USD)),
	)
	return out
}

func loadSource(e Estimate) string {
	if r, ok := publishedRPS[e.Profile.DesiredTaskCount]; ok && r == e.RequestsPerSecond {
		if e.Profile.DesiredTaskCount == 8 {
			return "twice LiteLLM's published 4-instance rate"
		}
		return fmt.Sprintf("LiteLLM's published rate for %d instances", e.Profile.DesiredTaskCount)
	}
	if e.RequestsPerSecond == LoadRPS(e.Profile.DesiredTaskCount) {
		return "LiteLLM's published 4-instance rate, per task"
	}
	return "given with -rps"
}

func summary(e Estimate) string {
	p := e.Profile
	db := p.DBInstanceClass + " single-AZ"
	if p.DBMultiAZ {
		db = p.DBInstanceClass + " Multi-AZ"
	}
	nat := "1 NAT gateway"
	if e.NATGateways > 1 {
		nat = fmt.Sprintf("%d NAT gateways", e.NATGateways)
	}
	s := fmt.Sprintf("%d tasks of %s vCPU / %s GB, %s with %d GB gp3, %d zones, %s",
		p.DesiredTaskCount, num(float64(p.TaskCPU)/1024), num(float64(p.TaskMemoryMiB)/1024), db, e.StorageGB, e.Zones, nat)
	if e.RedisNodeType != "" {
		s += fmt.Sprintf(", Redis %s x %d", e.RedisNodeType, e.RedisNodes)
	}
	return s
}

func pricesLine() string {
	return fmt.Sprintf("%s on-demand list prices as of %s (cost/prices.go; not fetched live), %d hours a month, USD before tax",
		USEast1.Region, PricesAsOf, HoursPerMonth)
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

func quantity(l Line) string {
	q := num(l.LowQty)
	if l.LowQty != l.HighQty {
		q += " - " + num(l.HighQty)
	}
	if l.Missing != "" {
		return q + " x no price (" + l.Missing + ")"
	}
	return fmt.Sprintf("%s x $%s/%s", q, fmtPrice(l.Price.USD), l.Price.Unit)
}

func money(l Line) string {
	if l.Missing != "" {
		return "no price"
	}
	return usdRange(l.Low, l.High)
}

// groupCell is a group's sum, flagged when one of its lines has no price.
func groupCell(e Estimate, group string) string {
	priced, unpriced := false, false
	for _, l := range e.Lines {
		if l.Group == group {
			priced = priced || l.Missing == ""
			unpriced = unpriced || l.Missing != ""
		}
	}
	switch {
	case unpriced && !priced:
		return "no price"
	case unpriced:
		return usdRange(e.Group(group)) + " + unpriced"
	}
	return usdRange(e.Group(group))
}

func totalCell(e Estimate) string {
	s := usdRange(e.Total())
	if len(e.Missing()) > 0 {
		s += " + unpriced"
	}
	return s
}

// itemsInOrder lists the items of the estimates' lines, first seen first.
func itemsInOrder(es []Estimate, usage bool) []string {
	var items []string
	seen := map[string]bool{}
	for _, e := range es {
		for _, l := range e.Lines {
			if l.Usage == usage && !seen[l.Item] {
				seen[l.Item] = true
				items = append(items, l.Item)
			}
		}
	}
	return items
}

// bullet formats one point of a list, wrapped at textWidth with a hanging indent.
func bullet(s string) string {
	var lines []string
	line := "  -"
	for _, word := range strings.Fields(s) {
		if len(line)+1+len(word) > textWidth && strings.TrimSpace(line) != "-" {
			lines = append(lines, line)
			line = "   "
		}
		line += " " + word
	}
	return strings.Join(append(lines, line), "\n")
}

// textWidth is where notes wrap.
const textWidth = 110

// usd formats dollars and cents with thousands separators: $1,234.56.
func usd(x float64) string {
	cents := int64(math.Round(x * 100))
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s$%s.%02d", sign, thousands(cents/100), cents%100)
}

func usdRange(low, high float64) string {
	if usd(low) == usd(high) {
		return usd(low)
	}
	return usd(low) + " - " + usd(high)
}

// usdWhole formats a range of whole dollars the way the seed does: $440-460.
func usdWhole(low, high float64) string {
	if low == high {
		return "$" + thousands(int64(math.Round(low)))
	}
	return "$" + thousands(int64(math.Round(low))) + "-" + thousands(int64(math.Round(high)))
}

// num formats a quantity: whole numbers with thousands separators, rounded to whole units from 100 up,
// otherwise at most two decimals.
func num(x float64) string {
	if math.Abs(x) >= 100 || x == math.Trunc(x) {
		return thousands(int64(math.Round(x)))
	}
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// fmtPrice prints a unit price as listed: every significant digit, and at least cents.
func fmtPrice(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i < 0 || len(s)-i-1 < 2 {
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return s
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// table lays out rows in columns; a section row (one cell) and a blank row take no part in the widths.
type table struct{ rows [][]string }

func (t *table) add(cells ...string)  { t.rows = append(t.rows, cells) }
func (t *table) section(title string) { t.rows = append(t.rows, []string{title}) }
func (t *table) blank()               { t.rows = append(t.rows, nil) }

// write prints the table; align has one letter per column, l or r, and a space in align puts an extra
// space before that column.
func (t *table) write(w io.Writer, align string) {
	var aligns []byte
	var gaps []string
	gap := "  "
	for i := 0; i < len(align); i++ {
		if align[i] == ' ' {
			gap += " "
			continue
		}
		aligns = append(aligns, align[i])
		gaps = append(gaps, gap)
		gap = "  "
	}
	widths := make([]int, len(aligns))
	for _, r := range t.rows {
		if len(r) < 2 {
			continue
		}
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, r := range t.rows {
		if len(r) < 2 {
			fmt.Fprintln(w, strings.Join(r, ""))
			continue
		}
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString(gaps[i])
			}
			pad := strings.Repeat(" ", max(widths[i]-len(c), 0))
			if aligns[i] == 'r' {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
