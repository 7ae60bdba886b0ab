package cost

import (
	"fmt"
	"io"
	"strings"
)

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
