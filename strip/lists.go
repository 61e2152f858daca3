package strip

import (
	"strconv"
	"strings"

	"golang.org/x/net/html/atom"
)

type listState struct {
	ordered  bool
	next     int
	step     int
	start    int
	items    int
	alt      bool // uses the other marker style
	def      bool // a dl
	defOpen  bool // a dl item container is open
	stray    bool // text outside any item has started a paragraph
	afterDT  bool
	cellMode bool
	indent   int // the width of the last item's bullet, for a list put in the list
}

func (c *converter) currentList() *listState {
	if n := len(c.lists); n > 0 {
		return c.lists[n-1]
	}
	return nil
}

func (c *converter) openItem(e *element, at attrs) {
	l := c.currentList()
	if l == nil || l.def {
		l = &listState{next: 1, step: 1, start: 1, cellMode: c.table != nil || len(c.spans) > 0}
		e.list = l
		e.block = 2
		c.lists = append(c.lists, l)
	}
	if at.value != "" && l.ordered {
		if v, err := strconv.Atoi(strings.TrimSpace(at.value)); err == nil {
			l.next = v
		}
	}
	l.stray = false
	bullet := c.syn.bullet(l.ordered, l.next, l.items == 0, l.start, l.alt)
	l.indent = displayWidth(bullet)
	l.next += l.step
	l.items++
	if l.cellMode {
		c.block(1)
		// In a table cell a list is text: "•" there cannot be read as
		// emphasis or a list marker.
		if !l.ordered {
			bullet = "•"
		}
		c.sink().piece(strings.TrimRight(bullet, " "), false)
		c.sink().space(false)
		return
	}
	c.resolvePending('\n')
	c.brPending = false
	if l.items == 1 && (c.bw.lineOpen && c.bw.pendingNL == 0 || len(c.bw.word) > 0) {
		// Text in the list before its first item: a paragraph of its
		// own, or Markdown would read the item as interrupting it.
		c.bw.lineBreak(2)
	}
	c.bw.lineBreak(1)
	if l.items > 1 && c.bw.pendingNL > 1 && c.bw.last != '\n' {
		// Keep lists tight, but not right after a table, heading or code
		// block, which a Markdown reader would then run into the item.
		c.bw.pendingNL = 1
	}
	c.bw.push(bullet, strings.Repeat(" ", displayWidth(bullet)))
	e.container = true
}

// openDefinition lays out dt and dd: a "- term :: definition" item in Org,
// "- **term**: definition" in Markdown, and the term on its own line above
// an indented definition in text.
func (c *converter) openDefinition(e *element) {
	l := c.currentList()
	if l == nil || !l.def {
		l = &listState{def: true, cellMode: c.table != nil || len(c.spans) > 0}
		e.list = l
		c.lists = append(c.lists, l)
		if !l.cellMode {
			c.block(2) // a term outside any list starts one, apart from the text before
		}
	}
	if l.cellMode {
		c.block(1)
		return
	}
	text := c.opt.Format == FormatText
	if e.tag == atom.Dt {
		after := l.defOpen
		if l.defOpen {
			c.block(1)
			c.bw.pop()
			l.defOpen = false
		}
		c.block(1)
		if after && c.bw.pendingNL > 1 {
			c.bw.pendingNL = 1 // keep the list tight, as openItem does
		}
		if text {
			return
		}
		c.bw.push(c.syn.bullet(false, 0, false, 0, l.alt), "  ")
		l.defOpen, l.afterDT = true, true
		l.items++
		if c.opt.Format == FormatMarkdown {
			e.span = c.openSpan(spanStrong, "", "")
		}
		return
	}
	if text {
		c.block(1)
		c.bw.push("    ", "    ")
		e.container = true
		return
	}
	sep := ":"
	if c.opt.Format == FormatOrg {
		sep = " ::"
	}
	switch {
	case l.defOpen && l.afterDT:
		l.afterDT = false
		c.resolvePending(':')
		c.sink().piece(sep, false)
		c.sink().space(false)
	case l.defOpen:
		// Another definition of the same term: a line of its own in the
		// item, not a soft break that Markdown would join.
		// In Markdown a hard break, written as a <br> is: only when
		// text follows on the line (a block after it has a line of its
		// own, and a lone "\" would show).
		if c.opt.Format == FormatMarkdown && c.bw.pendingNL < 2 {
			c.resolvePending('\n')
			c.brPending = true
		} else {
			c.block(1)
		}
	default:
		c.block(1)
		c.bw.push(c.syn.bullet(false, 0, false, 0, l.alt), "  ")
		l.defOpen = true
		c.sink().piece(strings.TrimSpace(sep), false)
		c.sink().space(false)
	}
}
