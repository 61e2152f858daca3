package strip

import "strings"

// table is a table being read: the one part of a document that is held in
// memory whole, because its columns are laid out together.
type table struct {
	caption []string
	rows    []tableRow
}

type tableRow struct{ cells []tableCell }

type tableCell struct {
	lines   []string
	colspan int
	header  bool
}

// maxColspan bounds colspan so that a hostile value cannot blow up a row.
const maxColspan = 100

func (t *table) hasHeader() bool {
	if len(t.rows) == 0 {
		return false
	}
	for _, c := range t.rows[0].cells {
		if !c.header {
			return false
		}
	}
	return len(t.rows[0].cells) > 0
}

// grid returns the table as rows of one-line cells, spanned cells expanded
// into empty ones, and the lines of a cell joined with br.
func (t *table) grid(br string) [][]string {
	var rows [][]string
	for _, r := range t.rows {
		var row []string
		for _, c := range r.cells {
			row = append(row, strings.Join(c.lines, br))
			for i := 1; i < c.colspan; i++ {
				row = append(row, "")
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return rows
}

// aligned lays the table out for plain text: columns aligned by display
// width, spanned cells across their columns, multi-line cells kept.
func (t *table) aligned() []string {
	const gap = 2
	cols := 0
	for _, r := range t.rows {
		n := 0
		for _, c := range r.cells {
			n += c.colspan
		}
		cols = max(cols, n)
	}
	widths := make([]int, cols)
	cellWidth := func(c tableCell) int {
		w := 0
		for _, l := range c.lines {
			w = max(w, displayWidth(l))
		}
		return w
	}
	for _, r := range t.rows {
		col := 0
		for _, c := range r.cells {
			if c.colspan == 1 {
				widths[col] = max(widths[col], cellWidth(c))
			}
			col += c.colspan
		}
	}
	// Widen the last column a spanning cell covers when it does not fit.
	for _, r := range t.rows {
		col := 0
		for _, c := range r.cells {
			if c.colspan > 1 {
				have := (c.colspan - 1) * gap
				for i := col; i < col+c.colspan; i++ {
					have += widths[i]
				}
				if need := cellWidth(c); need > have {
					widths[col+c.colspan-1] += need - have
				}
			}
			col += c.colspan
		}
	}
	out := append([]string(nil), t.caption...)
	for ri, r := range t.rows {
		height := 1
		for _, c := range r.cells {
			height = max(height, len(c.lines))
		}
		for li := 0; li < height; li++ {
			var b strings.Builder
			col := 0
			for _, c := range r.cells {
				w := (c.colspan - 1) * gap
				for i := col; i < col+c.colspan; i++ {
					w += widths[i]
				}
				s := ""
				if li < len(c.lines) {
					s = c.lines[li]
				}
				if col > 0 {
					b.WriteString(strings.Repeat(" ", gap))
				}
				b.WriteString(s)
				b.WriteString(strings.Repeat(" ", w-displayWidth(s)))
				col += c.colspan
			}
			out = append(out, strings.TrimRight(b.String(), " "))
		}
		if ri == 0 && t.hasHeader() && len(t.rows) > 1 {
			var b strings.Builder
			for i, w := range widths {
				if i > 0 {
					b.WriteString(strings.Repeat(" ", gap))
				}
				b.WriteString(strings.Repeat("-", max(w, 1)))
			}
			out = append(out, b.String())
		}
	}
	return out
}
