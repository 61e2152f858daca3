package strip

import (
	"strings"
	"unicode/utf8"
)

// table is a table being read: the one part of a document that is held in
// memory whole, because its columns are laid out together.
type table struct {
	caption []string
	rows    []tableRow
}

type tableRow struct{ cells []tableCell }

type tableCell struct {
	lines     []string
	textStart []bool // see cellSink
	colspan   int
	header    bool
	align     byte // 'l', 'c', 'r' or 0: see cellAlign
}

// maxColspan bounds colspan so that a hostile value cannot blow up a row:
// a spanned cell is written as this many cells, the header and rule rows
// as many.
const maxColspan = 32

// maxRowspan bounds rowspan as HTML does.
const maxRowspan = 65534

// columnWidths returns the width of each column of rows (at least min),
// and whether padding every cell to its column's width is cheap: no more
// than twice what the cells hold. A table with one long cell among
// thousands of short ones, or thousands of columns in one row only, is
// written unpadded, which Markdown and Org read just as well.
func columnWidths(rows [][]string, min int, width func(string) int) (widths []int, pad bool) {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	widths = make([]int, cols)
	plain := 0
	for _, r := range rows {
		for i, c := range r {
			w := width(c)
			widths[i] = max(widths[i], w, min)
			plain += w + 3
		}
	}
	padded := 0
	for _, w := range widths {
		padded += w + 3
	}
	return widths, padded*len(rows) <= 2*plain+4096
}

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

// alignments returns each column's alignment ('l', 'c', 'r' or 0), as
// its cell in the first row says (the header row, when there is one): a
// Markdown table takes its alignment from its delimiter row, under the
// header. A spanning cell aligns every column it spans.
func (t *table) alignments() []byte {
	for _, r := range t.rows {
		if len(r.cells) == 0 {
			continue // the first row grid writes
		}
		var out []byte
		said := false
		for _, c := range r.cells {
			for range c.colspan {
				out = append(out, c.align)
			}
			said = said || c.align != 0
		}
		if !said {
			return nil
		}
		return out
	}
	return nil
}

// columns returns the number of columns, spans counted.
func (t *table) columns() int {
	cols := 0
	for _, r := range t.rows {
		n := 0
		for _, c := range r.cells {
			n += c.colspan
		}
		cols = max(cols, n)
	}
	return cols
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
	for _, r := range t.rows {
		for i := range r.cells {
			c := &r.cells[i]
			c.lines = wrapLines(c.lines, maxCellWidth*c.colspan)
		}
	}
	widths := make([]int, t.columns())
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
	align := t.alignments()
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
				pad := w - displayWidth(s)
				lead := 0
				if col < len(align) && s != "" {
					switch align[col] {
					case 'r':
						lead = pad
					case 'c':
						lead = pad / 2
					}
				}
				b.WriteString(strings.Repeat(" ", lead))
				b.WriteString(s)
				b.WriteString(strings.Repeat(" ", pad-lead))
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

// maxCellWidth is the widest a column of a text table grows; longer cells
// wrap inside it, so that one long cell does not pad every row.
const maxCellWidth = 40

// wrapLines wraps lines wider than width at spaces, and a word wider than
// width where it reaches it.
func wrapLines(lines []string, width int) []string {
	wide := false
	for _, l := range lines {
		wide = wide || displayWidth(l) > width
	}
	if !wide {
		return lines
	}
	var out []string
	for _, l := range lines {
		var cur strings.Builder
		cols := 0
		for _, w := range strings.Fields(l) {
			ww := displayWidth(w)
			if cols > 0 && cols+1+ww > width {
				out = append(out, cur.String())
				cur.Reset()
				cols = 0
			}
			if cols > 0 {
				cur.WriteByte(' ')
				cols++
			}
			for ww > width-cols {
				// Too long for any line: cut it where the line ends.
				cut, cw := 0, 0
				for i, r := range w {
					rw := widthCondition.RuneWidth(r)
					if cw+rw > width-cols && (cw > 0 || cols > 0) {
						cut = i
						break
					}
					cw += rw
					cut = i + utf8.RuneLen(r)
				}
				cur.WriteString(w[:cut])
				out = append(out, cur.String())
				cur.Reset()
				cols = 0
				w = w[cut:]
				ww = displayWidth(w)
			}
			cur.WriteString(w)
			cols += ww
		}
		out = append(out, cur.String())
	}
	return out
}
