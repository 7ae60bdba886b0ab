package cost

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteItemised prints one estimate line by line: what is counted, at what price, what the stack holds that
// no line prices and why, and the notes behind the estimated lines. For the benchmark's sizes it also sets
// the estimate next to the seed's and explains the difference.
func WriteItemised(w io.Writer, e Estimate) {
	fmt.Fprintf(w, "%s: %s\n", e.Stack, summary(e))
	fmt.Fprintln(w, sourceLine(e))
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
	load := "no load (the task count is unknown: give -rps)"
	if e.RequestsPerSecond > 0 {
		load = fmt.Sprintf("idle to %s req/s around the clock at %s KB a request (%s GB a month each way)",
			num(e.RequestsPerSecond), num(e.KBPerRequest), num(e.trafficGB()))
	}
	t.section("Usage and estimates: " + load)
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
		fmt.Fprintln(w, "\nThe total is incomplete; no price for:")
		for _, s := range m {
			fmt.Fprintln(w, bullet(s))
		}
	}

	writeExcluded(w, e)
	fmt.Fprintln(w)
	if SeedDescribes(e.Facts) {
		writeSeedComparison(w, e)
	} else {
		fmt.Fprintf(w, "The seed gives a figure (~$%d-%d a month) only for the benchmark's 4 tasks of 4 vCPU and 8 GB: see ./help cost litellm-benchmark.\n",
			SeedTotalLow, SeedTotalHigh)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Notes:")
	for _, n := range notes(e) {
		fmt.Fprintln(w, bullet(n))
	}
}

// writeExcluded lists the resources no line prices, those sharing a reason together.
func writeExcluded(w io.Writer, e Estimate) {
	for _, billed := range []bool{false, true} {
		byReason := map[string][]string{}
		resources, unknown := 0, false
		for _, x := range e.Excluded {
			if x.Billed != billed {
				continue
			}
			name := x.Type
			switch {
			case x.Count < 0:
				name, unknown = name+" x ?", true
			case x.Count != 1:
				name += fmt.Sprintf(" x %d", x.Count)
			}
			resources += max(x.Count, 0)
			byReason[x.Reason] = append(byReason[x.Reason], name)
		}
		if len(byReason) == 0 {
			continue
		}
		fmt.Fprintln(w)
		count := fmt.Sprint(resources)
		if unknown {
			count += " and more"
		}
		if billed {
			fmt.Fprintf(w, "Billed but not counted (%s resources):\n", count)
		} else {
			fmt.Fprintf(w, "Free, or billed through a line above (%s resources):\n", count)
		}
		reasons := sortedKeys(byReason)
		sort.SliceStable(reasons, func(i, j int) bool { return len(byReason[reasons[i]]) > len(byReason[reasons[j]]) })
		for _, r := range reasons {
			fmt.Fprintln(w, bullet(strings.Join(byReason[r], ", ")+": "+r))
		}
	}
}

// summary is the stack's sizes in one line.
func summary(e Estimate) string {
	f := e.Facts
	db := f.DBInstanceClass + " single-AZ"
	if f.DBMultiAZ {
		db = f.DBInstanceClass + " Multi-AZ"
	}
	s := fmt.Sprintf("%d tasks of %s vCPU / %s GB, %s with %d GB %s, %d zones, %d NAT %s",
		f.Tasks, num(float64(f.TaskCPU)/1024), num(float64(f.TaskMemoryMiB)/1024), db, f.DBStorageGB, f.DBStorageType,
		f.Zones, f.NATGateways, plural(f.NATGateways, "gateway", "gateways"))
	if f.RedisNodeType != "" {
		s += fmt.Sprintf(", Redis %s x %d", f.RedisNodeType, f.RedisNodes)
	}
	if f.MostTasks > f.Tasks {
		s += fmt.Sprintf(", autoscaling to %d tasks", f.MostTasks)
	}
	return s
}

// sourceLine says what was priced: the synthesized stack, at which variable values.
func sourceLine(e Estimate) string {
	s := "Priced from the stack's Terraform JSON (" + e.Source + ") with its variables' defaults"
	if len(e.Vars) > 0 {
		var given []string
		for _, k := range sortedKeys(e.Vars) {
			given = append(given, fmt.Sprintf("--var %s=%s", k, e.Vars[k]))
		}
		s += " but " + strings.Join(given, " ")
	}
	return s
}

// notes are the assumptions and exclusions behind an estimate: the load, what the price rules said, and
// what no resource stands for.
func notes(e Estimate) []string {
	var out []string
	if e.RequestsPerSecond > 0 {
		out = append(out, fmt.Sprintf("Load: usage lines run from idle to %s req/s around the clock (%s), %s KB a request and its response: "+
			"that much crosses the load balancer and the NAT gateway, and leaves AWS, per request. Change it with -rps and -kb-per-request.",
			num(e.RequestsPerSecond), e.LoadSource, num(e.KBPerRequest)))
	}
	out = append(out, e.Notes...)
	if _, hasRedis := e.Line("ElastiCache Redis"); !hasRedis && e.Facts.RedisNodeType == "" {
		out = append(out, fmt.Sprintf("Redis is off: LITELLM_REDIS=on ./help cost %s prices the stack with it.", e.Stack))
	}
	out = append(out,
		fmt.Sprintf("Not counted: image pulls through the NAT gateway at each task start ($%s/GB), Secrets Manager and KMS API calls, "+
			"database traffic across zones (small: LiteLLM batches its writes every 60 s), taxes, and discounts: Savings Plans (Fargate), "+
			"Reserved Instances (RDS), the free tier.", fmtPrice(USEast1.NATGatewayGB.USD)))
	return out
}

func (e Estimate) trafficGB() float64 { return trafficGB(e.RequestsPerSecond, e.KBPerRequest) }
