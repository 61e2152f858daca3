package strip

import (
	"strconv"
	"strings"

	"golang.org/x/net/html/atom"
)

// openTable starts laying out a table. A table inside another, or inside a
// link or emphasis, is read as text in the enclosing cell.
func (c *converter) openTable() {
	if c.table != nil || len(c.spans) > 0 || c.pre != nil {
		c.innerTable++
		c.block(1)
		return
	}
	c.block(2)
	c.table = &tableState{t: &table{}, depth: len(c.stack)}
}

func (c *converter) openRow() {
	switch {
	case c.table == nil:
		c.block(1)
	case c.innerTable > 0:
		c.block(1)
	default:
		c.closeRow()
		c.newRow()
	}
}

// newRow starts a row, with the columns that rowspans from above take in it.
func (c *converter) newRow() {
	t := c.table
	t.t.rows = append(t.t.rows, tableRow{})
	t.row = &t.t.rows[len(t.t.rows)-1]
	t.rowNum++
	t.col = 0
}

// skipTaken adds an empty cell for each column at the row's next place that
// a rowspan from above takes: the cells after it keep their columns.
// The cells a page wrote bound them (4 for each, beyond a first 64), so
// that a few bytes of rowspan cannot make rows of empty cells without end.
func (c *converter) skipTaken() {
	t := c.table
	for t.col < len(t.spanEnd) && t.spanEnd[t.col] > t.rowNum {
		if t.placeholders >= 4*t.cells+64 {
			t.spanEnd = t.spanEnd[:0]
			return
		}
		t.placeholders++
		t.row.cells = append(t.row.cells, tableCell{colspan: 1})
		t.col++
	}
}

func (c *converter) openCell(header bool, colspan, rowspan string, align byte) {
	switch {
	case c.table == nil:
		c.space(false)
		return
	case c.innerTable > 0:
		c.space(false)
		return
	}
	c.closeCell()
	if c.table.row == nil {
		c.openRow()
	}
	n := 1
	if colspan != "" {
		if v, err := strconv.Atoi(strings.TrimSpace(colspan)); err == nil && v > 1 {
			n = v
		}
	}
	c.table.colspan = min(n, maxColspan)
	c.table.rowspan = 1
	if v, err := strconv.Atoi(strings.TrimSpace(rowspan)); err == nil && v != 1 {
		if v <= 0 || v > maxRowspan {
			v = maxRowspan // 0 is to the end of the table's part
		}
		c.table.rowspan = v
	}
	c.table.paragraphs = 0
	c.table.header = header
	c.table.align = align
	c.table.cell = &cellSink{nbsp: c.bw.nbsp, esc: newEscaper(c.opt.Format, true)}
}

func (c *converter) closeCell() {
	if c.table == nil || c.innerTable > 0 || c.table.cell == nil {
		return
	}
	c.resolvePending('\n')
	c.brPending = false
	for len(c.spans) > 0 {
		c.closeSpan(c.spans[len(c.spans)-1])
	}
	c.resolvePending('\n')
	lines := c.table.cell.text()
	cell := tableCell{lines: lines, textStart: c.table.cell.textStart[:len(lines)], colspan: c.table.colspan, header: c.table.header, align: c.table.align}
	c.table.cell = nil
	t := c.table
	if t.row == nil {
		c.newRow()
	}
	c.skipTaken()
	t.cells++
	t.row.cells = append(t.row.cells, cell)
	if t.rowspan > 1 {
		for k := t.col; k < t.col+cell.colspan; k++ {
			for len(t.spanEnd) <= k {
				t.spanEnd = append(t.spanEnd, 0)
			}
			t.spanEnd[k] = max(t.spanEnd[k], t.rowNum+t.rowspan)
		}
	}
	t.col += cell.colspan
}

func (c *converter) closeRow() {
	if c.table == nil || c.innerTable > 0 {
		return
	}
	c.closeCell()
	if r := c.table.row; r != nil && len(r.cells) == 2 && isLabel(r.cells[0]) {
		c.table.labels++
	}
	c.table.row = nil
}

// isLabel reports whether a cell reads as the label of a row: one short
// line.
func isLabel(cell tableCell) bool {
	return len(cell.lines) == 1 && len(cell.lines[0]) <= maxLabel
}

// maxLabel is the longest label, in bytes, of a label/value row.
const maxLabel = 40

func (c *converter) closeTable() {
	if c.innerTable > 0 {
		c.innerTable--
		c.block(1)
		return
	}
	if c.table == nil || c.table.depth != len(c.stack) {
		c.block(2) // a table read as blocks
		return
	}
	c.closeRow()
	t := c.table.t
	if c.table.caption != nil {
		t.caption = append(t.caption, c.table.caption.text()...)
	}
	c.table = nil
	// Drop rows without cells, and a table without any text at all.
	rows := t.rows[:0]
	empty := true
	for _, r := range t.rows {
		blank := true
		for _, cell := range r.cells {
			if len(cell.lines) > 0 {
				blank = false
			}
		}
		if !blank {
			rows = append(rows, r)
			empty = false
		}
	}
	t.rows = rows
	c.block(2)
	if t.columns() == 1 {
		// One column lays nothing out side by side: a page's layout.
		for _, l := range t.caption {
			c.bw.rawLine(c.syn.escapeLineStart(l)) // the page's text, on a line of its own
		}
		c.block(2)
		for _, r := range t.rows {
			for _, cell := range r.cells {
				c.cellBlock(cell.lines, cell.textStart)
			}
		}
		return
	}
	if empty {
		for _, l := range t.caption {
			c.bw.rawLine(c.syn.escapeLineStart(l)) // the page's text, on a line of its own
		}
		c.block(2)
		return
	}
	switch c.opt.Format {
	case FormatMarkdown:
		if len(t.caption) > 0 {
			c.bw.rawLine(strings.Join(t.caption, " "))
			c.block(2)
		}
	case FormatOrg:
		if len(t.caption) > 0 {
			c.bw.rawLine("#+caption: " + strings.Join(t.caption, " "))
		}
	}
	for _, l := range c.syn.tableLines(t) {
		c.bw.rawLine(l)
	}
	c.block(2)
}

// layoutSignal reports whether a start tag a, met now, shows that the table
// being laid out is a page's layout, not data: a cell that holds a heading,
// a code block, a quote, a rule or another table holds blocks, which no
// table syntax can show. So do a list and a second paragraph in a table
// with neither a header row nor two rows that pair a label with a value (a
// data table's cell may hold a short list, an infobox's value a list or a
// few paragraphs).
func (c *converter) layoutSignal(a atom.Atom) bool {
	if c.table == nil || c.innerTable > 0 || c.table.cell == nil || c.pre != nil {
		return false
	}
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext, atom.Table, atom.Blockquote, atom.Hr:
		return true
	case atom.Ul, atom.Ol, atom.Dl:
		return !c.dataTable() && c.table.labels < 2
	case atom.P:
		c.table.paragraphs++
		return c.table.paragraphs > 1 && !c.dataTable() && c.table.labels < 2
	}
	return false
}

// dataTable reports whether the table being read has header cells, or the
// first row open now has only header cells so far.
func (c *converter) dataTable() bool {
	t := c.table
	if t.header || t.t.hasHeader() {
		return true
	}
	if len(t.t.rows) == 1 && t.row == &t.t.rows[0] {
		// The first row is still open: header cells so far?
		for _, cell := range t.row.cells {
			if !cell.header {
				return false
			}
		}
		return len(t.row.cells) > 0
	}
	return false
}

// unwrapTable stops laying out the current table: what it holds so far is
// written as blocks, a cell after another, and its cells are read as blocks
// from here on (a table inside becomes the table laid out).
func (c *converter) unwrapTable() {
	ts := c.table
	c.resolvePending('\n')
	c.brPending = false
	c.table = nil
	c.stack[ts.depth].layout = true
	c.block(2)
	caption := ts.t.caption
	if ts.caption != nil {
		caption = append(caption, ts.caption.text()...)
	}
	c.cellBlock(caption, nil)
	for _, r := range ts.t.rows {
		for _, cell := range r.cells {
			c.cellBlock(cell.lines, cell.textStart)
		}
	}
	if ts.cell != nil {
		// The open cell goes on as blocks, after what it holds so far.
		lines := ts.cell.text()
		c.cellLines(lines, ts.cell.textStart)
	}
	c.block(2)
}

// cellBlock writes the lines of a cell as a paragraph.
func (c *converter) cellBlock(lines []string, textStart []bool) {
	if len(lines) > 0 {
		c.cellLines(lines, textStart)
		c.block(2)
	}
}

// cellLines writes the lines of a cell outside a table: without the
// escaping of the cell separator, and with the escaping of a line start
// where a line starts with text.
func (c *converter) cellLines(lines []string, textStart []bool) {
	for i, l := range lines {
		if i > 0 {
			if c.opt.Format == FormatMarkdown {
				c.bw.piece(`\`, false) // as a <br> is written
			}
			c.bw.lineBreak(1)
		}
		switch c.opt.Format {
		case FormatMarkdown:
			l = strings.ReplaceAll(l, `\|`, "|")
		case FormatOrg:
			l = strings.ReplaceAll(l, `\vert{}`, "|")
		}
		c.bw.escaped = true // by the cell's escaper
		c.bw.piece(l, textStart == nil || textStart[i])
		c.bw.escaped = false
	}
}

// inLayoutTable reports whether the innermost table open is read as blocks.
func (c *converter) inLayoutTable() bool {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].tag == atom.Table {
			return c.stack[i].layout
		}
	}
	return false
}
