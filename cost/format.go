package cost

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// How amounts, quantities and prices print, in every report.

func pricesLine() string {
	return fmt.Sprintf("%s on-demand list prices as of %s (cost/prices.go; not fetched live), %d hours a month, USD before tax",
		USEast1.Region, PricesAsOf, HoursPerMonth)
}

func quantity(l Line) string {
	q := num(l.LowQty)
	if l.LowQty != l.HighQty {
		q += " - " + num(l.HighQty)
	}
	if l.Missing != "" {
		return "no price"
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
