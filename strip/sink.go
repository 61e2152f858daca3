package strip

import (
	"bufio"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// widthCondition measures display columns the same way on every machine:
// East Asian wide characters count two, ambiguous ones one.
var widthCondition = func() *runewidth.Condition {
	c := runewidth.NewCondition()
	c.EastAsianWidth = false
	return c
}()

func displayWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return widthCondition.StringWidth(s)
		}
	}
	return len(s)
}

// sink receives inline content: pieces of text or markup, the spaces between
// them, and line breaks. The block writer and table cells are sinks.
type sink interface {
	// piece writes s; text says it came from the document's text (and may
	// need escaping at the start of a line), not from markup.
	piece(s string, text bool)
	// space records a collapsible space (or, with hard, a no-break space)
	// to be written before the next piece on the same line.
	space(hard bool)
	// lineBreak ends the line; n = 2 asks for a blank line after it.
	lineBreak(n int)
	// lastChar is the last character written on the current line, or '\n'
	// at the start of one; it decides whether emphasis markers will parse.
	lastChar() rune
}

// container is a block that prefixes the lines inside it: a quote's "> " or
// a list item's bullet, then its indentation.
type container struct {
	first, rest string
	usedFirst   bool
}

// blockWriter lays out lines: prefixes of the open containers, blank lines
// between blocks, collapsed spaces, and optional wrapping at a width.
type blockWriter struct {
	w          *bufio.Writer
	conts      []container
	pendingNL  int // newlines owed before the next content
	lineOpen   bool
	started    bool
	col        int
	prefixCols int
	softSpace  bool
	hardSpaces int
	last       rune
	width      int
	noWrap     int // > 0 while wrapping is off (headings)
	word       []wordPiece
	wordCols   int
	wordHard   int // no-break spaces after the pending word
	// longWord says the word being read is already wider than a line:
	// it went out as it came, and so does the rest of it.
	longWord bool
	nbsp     string // how a no-break space is written
	// digitsOnly says the line so far is digits from the page's text, so
	// that a "." or ")" glued to them would make an ordered-list marker;
	// escapeMarker is what keeps it from being one ("" where nothing is
	// read as markup).
	digitsOnly   bool
	escapeMarker string
	escapeStart  func(string) string
	// esc escapes the page's text over the whole run of output; escaped
	// says the pieces written now were escaped already (a layout table's
	// cells, written out as paragraphs).
	esc     *escaper
	escaped bool
	onText  func() // called at the first piece or line written, then nil
}

// shown calls onText once, at the first output that is not white space.
func (b *blockWriter) shown(s string) {
	if b.onText != nil && strings.TrimSpace(s) != "" {
		b.onText()
		b.onText = nil
	}
}

type wordPiece struct {
	s    string
	text bool
}

func newBlockWriter(w *bufio.Writer, width int, escapeStart func(string) string, nbsp, escapeMarker string, esc *escaper) *blockWriter {
	return &blockWriter{w: w, width: width, escapeStart: escapeStart, last: '\n', nbsp: nbsp, escapeMarker: escapeMarker, esc: esc}
}

func allDigits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (b *blockWriter) wrapping() bool { return b.width > 0 && b.noWrap == 0 }

func (b *blockWriter) piece(s string, text bool) {
	if s == "" {
		return
	}
	if b.wrapping() {
		if b.longWord {
			if b.wordHard > 0 {
				b.emit(strings.Repeat(b.nbsp, b.wordHard), false)
				b.wordHard = 0
			}
			b.emit(s, text)
			return
		}
		if b.wordHard > 0 && len(b.word) > 0 {
			b.word = append(b.word, wordPiece{strings.Repeat(b.nbsp, b.wordHard), false})
			b.wordCols += b.wordHard
		}
		b.wordHard = 0
		b.word = append(b.word, wordPiece{s, text})
		b.wordCols += displayWidth(s)
		if b.wordCols > b.width {
			// Where it goes is decided: no need to hold the rest.
			b.flushWord()
			b.longWord = true
		}
		return
	}
	b.emit(s, text)
}

// flushWord places the pending word, on a new line if it does not fit.
func (b *blockWriter) flushWord() {
	b.wordHard = 0
	if len(b.word) == 0 {
		return
	}
	spaceCols := 0
	if b.softSpace {
		spaceCols = 1
	}
	if b.lineOpen && b.pendingNL == 0 && b.col > b.prefixCols && b.col+spaceCols+b.hardSpaces+b.wordCols > b.width {
		b.pendingNL = 1
	}
	word := b.word
	b.word, b.wordCols = b.word[:0], 0
	for _, p := range word {
		b.emit(p.s, p.text)
	}
}

// emit writes s on the current line, starting one if needed.
func (b *blockWriter) emit(s string, text bool) {
	atStart := b.startLine()
	if atStart {
		b.softSpace, b.hardSpaces = false, 0
		if text && b.escapeStart != nil {
			s = b.escapeStart(s)
		}
		b.digitsOnly = text && allDigits(s)
	} else {
		glued := !b.softSpace && b.hardSpaces == 0
		if b.digitsOnly && glued && text && b.escapeMarker != "" && (s[0] == '.' || s[0] == ')') && (len(s) == 1 || s[1] == ' ') {
			// "1" then ". text" from two tags: a list marker all the same.
			s = b.escapeMarker + s
		}
		b.digitsOnly = b.digitsOnly && glued && text && allDigits(s)
		if b.hardSpaces > 0 {
			sp := strings.Repeat(b.nbsp, b.hardSpaces)
			b.w.WriteString(sp)
			b.esc.wrote(sp)
			b.col += b.hardSpaces
		}
		if b.softSpace {
			b.w.WriteByte(' ')
			b.esc.wrote(" ")
			b.col++
		}
		b.softSpace, b.hardSpaces = false, 0
	}
	switch {
	case b.escaped:
		b.esc.wrote(s)
	case text:
		s = b.esc.text(s)
	default:
		s = b.esc.markup(s)
	}
	b.w.WriteString(s)
	b.shown(s)
	if b.width > 0 {
		b.col += displayWidth(s) // columns matter only when wrapping
	}
	if c := s[len(s)-1]; c < utf8.RuneSelf {
		b.last = rune(c)
	} else if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size > 1 {
		b.last = r // U+FFFD written out is a character like any other
	}
}

// startLine writes the owed newlines and the prefix of a new line, and
// reports whether the line is empty so far.
func (b *blockWriter) startLine() bool { return b.openLine(false) }

// openLine is startLine; trimmed writes the prefix without its trailing
// spaces, for a line that stays empty.
func (b *blockWriter) openLine(trimmed bool) bool {
	if b.lineOpen && b.pendingNL == 0 {
		return false
	}
	if b.started {
		if b.lineOpen {
			b.w.WriteByte('\n')
		}
		for i := 1; i < b.pendingNL; i++ {
			b.blankLine()
		}
		if b.pendingNL > 1 {
			b.esc.paragraph()
		} else {
			b.esc.newline()
		}
	}
	b.pendingNL = 0
	if trimmed {
		b.writePrefixTrimmed()
	} else {
		b.writePrefix()
	}
	b.lineOpen, b.started = true, true
	return true
}

func (b *blockWriter) blankLine() {
	var p strings.Builder
	for _, c := range b.conts {
		if c.usedFirst {
			p.WriteString(c.rest)
		}
	}
	b.w.WriteString(strings.TrimRight(p.String(), " "))
	b.w.WriteByte('\n')
}

func (b *blockWriter) writePrefix() {
	b.col = 0
	for i := range b.conts {
		c := &b.conts[i]
		p := c.rest
		if !c.usedFirst {
			p, c.usedFirst = c.first, true
		}
		b.w.WriteString(p)
		b.esc.wrote(p)
		b.col += displayWidth(p)
	}
	b.prefixCols = b.col
	b.last = '\n'
}

func (b *blockWriter) space(hard bool) {
	if b.wrapping() {
		if hard && (len(b.word) > 0 || b.longWord) {
			// A no-break space joins the words around it into one; it is
			// written only if another piece of the word follows.
			b.wordHard++
			return
		}
		if !hard {
			b.wordHard = 0
			b.flushWord()
			b.longWord = false
		}
	}
	if !b.lineOpen && len(b.word) == 0 {
		return
	}
	if hard {
		b.hardSpaces++
	} else {
		b.softSpace = true
	}
}

func (b *blockWriter) lineBreak(n int) {
	b.flushWord()
	b.longWord = false
	b.softSpace, b.hardSpaces = false, 0
	if !b.started {
		return
	}
	// A container that has not written its first line yet (a list item
	// opening with a paragraph) keeps the spacing it was opened with.
	if k := len(b.conts); k > 0 && !b.conts[k-1].usedFirst && b.pendingNL > 0 {
		return
	}
	if n > b.pendingNL {
		b.pendingNL = n
	}
}

// tighten drops an owed blank line, so that a block's end delimiter sits
// right under its last line.
func (b *blockWriter) tighten() {
	b.flushWord()
	if b.pendingNL > 1 {
		b.pendingNL = 1
	}
}

func (b *blockWriter) lastChar() rune {
	if b.wordHard > 0 {
		return ' ' // as a no-break space written out reads
	}
	if len(b.word) > 0 {
		r, _ := utf8.DecodeLastRuneInString(b.word[len(b.word)-1].s)
		return r
	}
	if !b.lineOpen || b.pendingNL > 0 {
		return '\n'
	}
	if b.softSpace || b.hardSpaces > 0 {
		return ' '
	}
	return b.last
}

// rawLine writes s as one whole line, unwrapped and unescaped (a line of a
// code block, a table or a block delimiter).
func (b *blockWriter) rawLine(s string) {
	b.lineBreak(1)
	if s == "" {
		if b.lineOpen && b.pendingNL == 0 {
			b.pendingNL = 1
		}
		b.openLine(true)
		b.pendingNL = 1
		return
	}
	b.startLine()
	b.w.WriteString(s)
	b.shown(s)
	b.esc.paragraph() // a line of a block of its own: no text construct spans it
	b.col += displayWidth(s)
	b.last = '\n'
	b.pendingNL = 1
}

func (b *blockWriter) writePrefixTrimmed() {
	var p strings.Builder
	for i := range b.conts {
		c := &b.conts[i]
		if !c.usedFirst {
			p.WriteString(c.first)
			c.usedFirst = true
		} else {
			p.WriteString(c.rest)
		}
	}
	b.w.WriteString(strings.TrimRight(p.String(), " "))
	b.last = '\n'
}

// topUnused reports whether the innermost container has written nothing
// yet.
func (b *blockWriter) topUnused() bool {
	n := len(b.conts)
	return n > 0 && !b.conts[n-1].usedFirst && len(b.word) == 0 && !b.longWord
}

func (b *blockWriter) push(first, rest string) {
	b.conts = append(b.conts, container{first: first, rest: rest})
}

func (b *blockWriter) pop() {
	if len(b.conts) > 0 {
		b.conts = b.conts[:len(b.conts)-1]
	}
}

// finish ends the last line: the output ends with exactly one newline.
func (b *blockWriter) finish() {
	b.flushWord()
	if b.lineOpen {
		b.w.WriteByte('\n')
		b.lineOpen = false
	}
	b.pendingNL = 0
}

// cellSink collects the lines of a table cell.
type cellSink struct {
	nbsp  string
	esc   *escaper // escapes the cell's text, a line at a time
	lines []strings.Builder
	// textStart says which lines start with the page's text rather than
	// markup, should they be written as lines of their own.
	textStart  []bool
	softSpace  bool
	hardSpaces int
	pendingNL  bool
}

func (c *cellSink) cur() *strings.Builder {
	if len(c.lines) == 0 {
		c.lines = append(c.lines, strings.Builder{})
		c.textStart = append(c.textStart, false)
	}
	return &c.lines[len(c.lines)-1]
}

func (c *cellSink) piece(s string, text bool) {
	if s == "" {
		return
	}
	if c.pendingNL && len(c.lines) > 0 && c.cur().Len() > 0 {
		c.lines = append(c.lines, strings.Builder{})
		c.textStart = append(c.textStart, false)
		c.softSpace, c.hardSpaces = false, 0
		c.esc.wrote(" ") // a table joins a cell's lines with a space
	}
	c.pendingNL = false
	l := c.cur()
	if l.Len() == 0 {
		c.textStart[len(c.lines)-1] = text
	}
	if l.Len() > 0 {
		sp := strings.Repeat(c.nbsp, c.hardSpaces)
		if c.softSpace {
			sp += " "
		}
		l.WriteString(sp)
		c.esc.wrote(sp)
	}
	c.softSpace, c.hardSpaces = false, 0
	if text {
		s = c.esc.text(s)
	} else {
		s = c.esc.markup(s)
	}
	l.WriteString(s)
}

func (c *cellSink) space(hard bool) {
	if hard {
		c.hardSpaces++
	} else {
		c.softSpace = true
	}
}

func (c *cellSink) lineBreak(int) {
	c.pendingNL = true
	c.softSpace, c.hardSpaces = false, 0
}

func (c *cellSink) lastChar() rune {
	if len(c.lines) == 0 || c.pendingNL {
		return '\n'
	}
	if c.softSpace || c.hardSpaces > 0 {
		return ' '
	}
	s := c.cur().String()
	if s == "" {
		return '\n'
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// text returns the cell's lines.
func (c *cellSink) text() []string {
	out := make([]string, 0, len(c.lines))
	for i := range c.lines {
		out = append(out, c.lines[i].String())
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}
