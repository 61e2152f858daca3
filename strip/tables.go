package strip

import (
	"strconv"
	"strings"
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
		c.table.t.rows = append(c.table.t.rows, tableRow{})
		c.table.row = &c.table.t.rows[len(c.table.t.rows)-1]
	}
}

func (c *converter) openCell(header bool, colspan string) {
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
	c.table.header = header
	c.table.cell = &cellSink{nbsp: c.bw.nbsp}
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
	cell := tableCell{lines: c.table.cell.text(), colspan: c.table.colspan, header: c.table.header}
	c.table.cell = nil
	if c.table.row == nil {
		c.table.t.rows = append(c.table.t.rows, tableRow{})
		c.table.row = &c.table.t.rows[len(c.table.t.rows)-1]
	}
	c.table.row.cells = append(c.table.row.cells, cell)
}

func (c *converter) closeRow() {
	if c.table == nil || c.innerTable > 0 {
		return
	}
	c.closeCell()
	c.table.row = nil
}

func (c *converter) closeTable() {
	if c.innerTable > 0 {
		c.innerTable--
		c.block(1)
		return
	}
	if c.table == nil {
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
	if empty {
		for _, l := range t.caption {
			c.bw.rawLine(l)
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
