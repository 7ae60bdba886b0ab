package cost

import (
	"fmt"
	"io"
	"strings"
)

// WriteSideBySide prints several estimates in columns, one per stack, with the seed's figure below.
func WriteSideBySide(w io.Writer, es []Estimate) {
	fmt.Fprintln(w, "Monthly cost estimate per stack, priced from each synthesized stack (cdk.tf.json)")
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
	row("", func(e Estimate) string { return e.Stack })
	row("Tasks x vCPU / GB", func(e Estimate) string {
		f := e.Facts
		return fmt.Sprintf("%d x %s / %s", f.Tasks, num(float64(f.TaskCPU)/1024), num(float64(f.TaskMemoryMiB)/1024))
	})
	row("Database", func(e Estimate) string {
		if e.Facts.DBMultiAZ {
			return e.Facts.DBInstanceClass + " Multi-AZ"
		}
		return e.Facts.DBInstanceClass
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
		if SeedDescribes(e.Facts) {
			return fmt.Sprintf("~$%d-%d", SeedTotalLow, SeedTotalHigh)
		}
		return "none"
	})
	t.write(w, "l"+strings.Repeat("r", len(es)))

	fmt.Fprintln(w)
	if len(es) > 0 {
		fmt.Fprintf(w, "Usage lines run from idle to the load row's rate around the clock at %s KB a request (-rps and -kb-per-request change it).\n",
			num(es[0].KBPerRequest))
	}
	fmt.Fprintln(w, "./help cost <stack> itemises one stack: the quantities, the resources no line prices and why, the notes and,")
	fmt.Fprintln(w, "for the benchmark, the seed's figure line by line.")
	var missing []string
	for _, e := range es {
		for _, m := range e.Missing() {
			missing = append(missing, e.Stack+": "+m)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintln(w, "Incomplete; no price for:")
		for _, m := range missing {
			fmt.Fprintln(w, bullet(m))
		}
	}
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
