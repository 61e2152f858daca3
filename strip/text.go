package strip

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// lineBreakTag handles <br>. In Markdown a break inside a paragraph is a
// backslash at the end of the line; it is written only once the next line
// has content, so that a break at the end of a paragraph leaves no stray
// backslash, and two breaks in a row make a paragraph break.
//
// Inside a link or emphasis the break is held by the span, where the
// format can hold one (see breaksInSpan), and written with it.
func (c *converter) lineBreakTag() {
	if len(c.spans) > 0 {
		if _, ok := c.sink().(*span); ok && c.breaksInSpan() {
			c.resolvePending('\n') // may spill the span: the sink is asked again
		}
		if sp, ok := c.sink().(*span); ok && c.breaksInSpan() {
			if l := c.linkSpan(); l != nil && l.raw.Len() > 0 && l.raw.Len() < maxLinkText && !strings.HasSuffix(l.raw.String(), " ") {
				l.raw.WriteByte(' ') // the link's text as read: see space
			}
			sp.hardBreak()
			return
		}
		c.sink().space(false)
		return
	}
	c.resolvePending('\n') // the emphasis before the break stays before it
	s := c.sink()
	if _, isCell := s.(*cellSink); isCell {
		s.lineBreak(1)
		return
	}
	if c.brPending || s.lastChar() == '\n' {
		c.brPending = false
		c.block(2)
		return
	}
	c.brPending = true
}

// breaksInSpan says whether a <br> inside the open spans is a line break:
// not in a heading, which is one line, nor in code, which holds none (a
// code span's text is one line), nor in the spans of a format that has no
// break inside them (breaksInEmphasis and closeLink decide that as the
// spans end).
func (c *converter) breaksInSpan() bool {
	return !c.inHeading() && c.codeSpan() == nil
}

// spanBreak writes a line break that a span held, into the current sink:
// into the span around, or a new line, the one before it ended in Markdown
// by the backslash of a hard break (a table cell joins its lines its own
// way). Content follows it, since a span holds none at its ends.
func (c *converter) spanBreak() {
	switch sk := c.sink().(type) {
	case *span:
		sk.hardBreak()
	case *cellSink:
		sk.lineBreak(1)
	default:
		if c.opt.Format == FormatMarkdown {
			sk.piece(`\`, false)
		}
		sk.lineBreak(1) // as flushBreak writes a <br> outside spans
	}
}

// text handles a text token: whitespace collapses, &nbsp; stays, control
// characters and soft hyphens go.
func (c *converter) text(raw []byte) {
	if c.math != nil {
		switch {
		case c.math.inTeX:
			if c.math.tex.Len() < spanLimit {
				c.math.tex.WriteString(spaceBreaks(cleanText(raw, false)))
			}
		case c.math.text.Len() < spanLimit:
			c.math.text.WriteString(strings.TrimSpace(spaceBreaks(cleanText(raw, false))))
		}
		return
	}
	if c.pre != nil {
		if isClean(raw, true) {
			c.pre.buf.Write(raw)
		} else {
			c.pre.buf.WriteString(cleanText(raw, true))
		}
		return
	}
	if c.inlineDirty && !isBlank(raw) {
		c.reopenInline()
	}
	if c.afterImage {
		c.afterImage = false
		if r, _ := utf8.DecodeRune(raw); unicode.IsLetter(r) || unicode.IsDigit(r) {
			c.space(false)
		}
	}
	var s string
	if c.opt.Width == 0 && isClean(raw, false) {
		// Every sink copies what it keeps (spans into the arena, cells
		// into their lines) or writes it out at once, before the batch
		// of tokens is reused. Only the word buffer of wrapping would
		// keep the string itself.
		s = unsafe.String(unsafe.SliceData(raw), len(raw))
	} else {
		s = cleanText(raw, false)
	}
	code := c.codeSpan() != nil
	if c.opt.Width == 0 && !strings.Contains(s, "\u00a0") {
		// Without wrapping, a whole run of text is one piece: the common
		// case, and much cheaper than a piece per word.
		body, lead, trail := collapseHTMLSpace(s)
		if lead {
			c.space(false)
		}
		if body != "" {
			if l := c.linkSpan(); l != nil && l.raw.Len() < maxLinkText {
				l.raw.WriteString(body)
			}
			if code {
				c.piece(body, c.opt.Format == FormatOrg) // Org escapes it late, as text
			} else {
				c.piece(c.escapeAt(body, !trail), true)
			}
			if trail {
				c.space(false)
			}
		}
		return
	}
	for len(s) > 0 {
		i := 0
		for i < len(s) && isHTMLSpace(s[i]) {
			i++
		}
		if i > 0 {
			c.space(false)
			s = s[i:]
			continue
		}
		if isNBSP(s, 0) {
			c.space(true)
			s = s[2:]
			continue
		}
		j := 0
		for j < len(s) && !isHTMLSpace(s[j]) && !isNBSP(s, j) {
			j++
		}
		word := s[:j]
		s = s[j:]
		if l := c.linkSpan(); l != nil && l.raw.Len() < maxLinkText {
			l.raw.WriteString(word)
		}
		if code {
			c.piece(word, c.opt.Format == FormatOrg)
		} else {
			c.piece(c.escapeAt(word, len(s) == 0), true)
		}
	}
}

// isBlank reports whether b is only HTML white space.
func isBlank(b []byte) bool {
	for _, c := range b {
		if !isHTMLSpace(c) {
			return false
		}
	}
	return true
}

// escapeAt escapes text s; open says the next token may continue it, so
// that in Markdown a final "<" or "&" could become a tag or an entity with
// what follows, and is escaped too.
func (c *converter) escapeAt(s string, open bool) string {
	e := c.textEscape(s)
	if open && c.opt.Format == FormatMarkdown && (strings.HasSuffix(e, "<") || strings.HasSuffix(e, "&")) && !strings.HasSuffix(e, `\<`) && !strings.HasSuffix(e, `\&`) {
		e = e[:len(e)-1] + `\` + e[len(e)-1:]
	}
	return e
}

// textEscape escapes text s that is written as a text piece. Org's text is
// escaped later, over the whole run, by the sink's escaper; Markdown's is
// escaped here, a piece at a time.
func (c *converter) textEscape(s string) string {
	if c.opt.Format == FormatOrg {
		return s
	}
	return c.syn.escape(s, c.inTable())
}

// textPiece writes text s, escaped, as a text piece.
func (c *converter) textPiece(s string) { c.piece(c.textEscape(s), true) }

// collapseHTMLSpace trims s and turns each run of HTML white space inside it
// into one space; lead and trail report the white space trimmed.
func collapseHTMLSpace(s string) (body string, lead, trail bool) {
	start, end := 0, len(s)
	for start < end && isHTMLSpace(s[start]) {
		start++
	}
	for end > start && isHTMLSpace(s[end-1]) {
		end--
	}
	lead, trail = start > 0, end < len(s)
	s = s[start:end]
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; isHTMLSpace(c) && (c != ' ' || isHTMLSpace(s[i+1])) {
			clean = false
			break
		}
	}
	if clean {
		return s, lead, trail
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		if isHTMLSpace(s[i]) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(s[i])
	}
	return b.String(), lead, trail
}

// isNBSP reports whether s has U+00A0 at byte i.
func isNBSP(s string, i int) bool { return s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0 }

func isHTMLSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f'
}

// cleanText removes what must never reach the output: control characters
// (but tabs and newlines in pre), bidirectional overrides, soft hyphens,
// zero-width no-break spaces (U+FEFF, a byte-order mark pasted mid-text),
// and invalid UTF-8.
func cleanText(b []byte, pre bool) string {
	if isClean(b, pre) {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b))
	for _, r := range string(b) {
		switch {
		case r == '\t' || r == '\n':
			out.WriteRune(r)
		case r == '\r' || r == '\f':
			if pre {
				out.WriteByte('\n')
			} else {
				out.WriteByte(' ')
			}
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xad || r == 0xfeff || bidiControl(r):
		default:
			out.WriteRune(r) // an invalid byte becomes U+FFFD here
		}
	}
	return out.String()
}

// spaceBreaks turns the carriage returns and form feeds that cleanText
// leaves in running text (for the word splitter to collapse) into spaces,
// for text that is written as it is: a formula's.
func spaceBreaks(s string) string {
	if !strings.ContainsAny(s, "\r\f") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\f' {
			return ' '
		}
		return r
	}, s)
}

// bidiControl reports whether r is a bidirectional embedding, override or
// isolate: they make text read differently from what it is ("Trojan Source").
func bidiControl(r rune) bool { return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 }

// isClean reports whether b needs no cleaning: the common case, checked a
// byte at a time.
func isClean(b []byte, pre bool) bool {
	ascii := true
	for i, c := range b {
		if byteClass[c] == 0 {
			continue
		}
		switch {
		case c >= 0x80:
			ascii = false
			// C1 controls and the soft hyphen are U+0080-U+009F and U+00AD,
			// all encoded after the lead byte 0xC2.
			if c == 0xc2 && i+1 < len(b) && (b[i+1] < 0xa0 || b[i+1] == 0xad) {
				return false
			}
			// The bidirectional embeddings, overrides and isolates are
			// U+202A-U+202E and U+2066-U+2069.
			if c == 0xe2 && i+2 < len(b) && (b[i+1] == 0x80 && b[i+2] >= 0xaa && b[i+2] <= 0xae || b[i+1] == 0x81 && b[i+2] >= 0xa6 && b[i+2] <= 0xa9) {
				return false
			}
			// U+FEFF, a byte-order mark in mid-text.
			if c == 0xef && i+2 < len(b) && b[i+1] == 0xbb && b[i+2] == 0xbf {
				return false
			}
		case c == '\n' || c == '\t':
		case c == '\r' || c == '\f':
			if pre {
				return false
			}
		default:
			return false
		}
	}
	return ascii || utf8.Valid(b)
}

// byteClass is 0 for the bytes that isClean passes without a second look:
// printable ASCII.
var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		if c < 0x20 || c >= 0x7f {
			t[c] = 1
		}
	}
	return t
}()

// collapseSpace is htmlx.CollapseSpace of s without the characters no
// reader sees (controls, soft hyphens, bidi controls).
func collapseSpace(s string) string {
	return htmlx.CollapseSpace(cleanText([]byte(s), false))
}

// piece writes content to the current sink, after settling a pending
// emphasis and a pending line break.
func (c *converter) piece(s string, text bool) {
	if s == "" {
		return
	}
	c.resolvePending(firstRune(s))
	c.flushBreak()
	c.listEndedAt = -1
	if n := len(c.stack); n > 0 && len(c.spans) == 0 && c.table == nil && !c.resolving {
		if t := c.stack[n-1].tag; t == atom.Ul || t == atom.Ol || t == atom.Menu {
			if l := c.currentList(); l != nil && l.items > 0 && !l.stray {
				// Text in a list after an item but in none: a paragraph
				// of its own, or Markdown would join it to the item.
				l.stray = true
				c.block(2)
			}
		}
	}
	sk := c.sink()
	sk.piece(s, text)
	if sp, ok := sk.(*span); ok && sp.size > spanLimit {
		c.spill(sp)
	}
}

// flushBreak writes a pending <br> now that the line after it has content.
func (c *converter) flushBreak() {
	if !c.brPending {
		return
	}
	c.brPending = false
	if c.opt.Format == FormatMarkdown {
		c.sink().piece(`\`, false)
	}
	c.sink().lineBreak(1)
}

func (c *converter) space(hard bool) {
	if c.brPending {
		return // the next line starts without it
	}
	if hard {
		c.resolvePending('\u00a0')
	} else {
		c.resolvePending(' ')
	}
	if l := c.linkSpan(); l != nil && l.raw.Len() > 0 && l.raw.Len() < maxLinkText && !strings.HasSuffix(l.raw.String(), " ") {
		// The link's text as read, to compare with its URL: "0 0" is not
		// the address "00", however the words reached the span.
		l.raw.WriteByte(' ')
	}
	c.sink().space(hard)
}
