package strip

import (
	"strconv"
	"strings"
	"unicode"
	"unsafe"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// span is an inline element being read: emphasis, code, a link or a
// heading. Its content is held until it closes, when the markers that fit
// around it are known. A <br> inside a span is a line break where the
// format can hold one there (see breaksInSpan), else a space.
type span struct {
	closedAt int // converter.tags when it closed: see continueSpan
	kind     spanKind
	href     string // as written
	url      string // resolved; "" for links that lead nowhere
	title    string // a link's title, on one line
	level    int
	events   []event
	raw      strings.Builder // the text alone, for a link whose text is its URL
	hasImage bool
	images   []orgImage // images inside an Org link, in its events as evImage
	before   rune
	gen      int // tells a reused span from the one an element opened
	arena    *[]byte
	size     int  // bytes held
	spilled  bool // too big to hold: its content went to the parent
}

// spanLimit is the most a span holds. A larger one (a whole page inside
// one <b>) loses its markers and streams into its parent instead.
const spanLimit = 64 << 10

type eventKind uint8

const (
	evPiece eventKind = iota
	evText
	evSpace
	evHardSpace
	evImage // an image inside an Org link: its markup, for when it stands alone
	evBreak // a <br>: a hard line break, never at either end of a span
)

type event struct {
	kind eventKind
	s    string
}

func (s *span) piece(p string, text bool) {
	k := evPiece
	if text {
		k = evText
	}
	// The piece may point into the tokenizer's buffer: copy it to the
	// arena. A string already made keeps pointing at the array it was
	// made in when the arena grows, so earlier pieces stay valid.
	start := len(*s.arena)
	*s.arena = append(*s.arena, p...)
	kept := unsafe.String(unsafe.SliceData((*s.arena)[start:]), len(p))
	s.events = append(s.events, event{k, kept})
	s.size += len(p)
}

func (s *span) space(hard bool) {
	k := evSpace
	if hard {
		k = evHardSpace
	}
	if n := len(s.events); n == 0 || (s.events[n-1].kind != evSpace && s.events[n-1].kind != evBreak) || hard {
		s.events = append(s.events, event{kind: k})
	}
}

// hardBreak records a <br>: the collapsible spaces before it go, as the
// spaces after it will, and two in a row are one (a blank line would end
// the paragraph, and the span with it).
func (s *span) hardBreak() {
	n := len(s.events)
	for n > 0 && s.events[n-1].kind == evSpace {
		n--
	}
	s.events = s.events[:n]
	if n > 0 && s.events[n-1].kind == evBreak {
		return
	}
	s.events = append(s.events, event{kind: evBreak})
}

// breaks counts the line breaks s holds.
func (s *span) breaks() int {
	n := 0
	for _, e := range s.events {
		if e.kind == evBreak {
			n++
		}
	}
	return n
}

func (s *span) lineBreak(int) { s.space(false) }

func (s *span) lastChar() rune {
	if n := len(s.events); n > 0 {
		switch e := s.events[n-1]; e.kind {
		case evSpace, evHardSpace:
			return ' '
		case evBreak:
			return '\n'
		default:
			return lastRune(e.s)
		}
	}
	return s.before
}

// edge is what trim moved out of one end of a span.
type edge uint8

const (
	edgeNone edge = iota
	edgeSpace
	edgeBreak // a line break, spaces or none around it
)

// trim moves leading and trailing collapsible spaces and line breaks out
// of the span and reports what there was at each end.
func (s *span) trim() (lead, trail edge) {
	// No-break spaces too: at the edge of a link or emphasis they would
	// keep the markers from being read, and they show as nothing there. A
	// line break there would leave its backslash before a closing marker,
	// or a marker alone at the start of a line: neither reads as markup.
	moved := func(e event, was edge) (edge, bool) {
		switch e.kind {
		case evBreak:
			return edgeBreak, true
		case evSpace, evHardSpace:
			return max(was, edgeSpace), true
		}
		return was, false
	}
	for len(s.events) > 0 {
		l, ok := moved(s.events[0], lead)
		if !ok {
			break
		}
		s.events, lead = s.events[1:], l
	}
	for n := len(s.events); n > 0; n = len(s.events) {
		t, ok := moved(s.events[n-1], trail)
		if !ok {
			break
		}
		s.events, trail = s.events[:n-1], t
	}
	return lead, trail
}

// plain renders the span's content as one string.
func (s *span) plain() string {
	var b strings.Builder
	for _, e := range s.events {
		switch e.kind {
		case evSpace, evHardSpace, evBreak:
			b.WriteByte(' ')
		default:
			b.WriteString(e.s)
		}
	}
	return b.String()
}

func (c *converter) openSpan(kind spanKind, href, resolved string) *span {
	if c.pendingEm != nil {
		// What follows the closed emphasis is the new span's first
		// character: a leading space will be moved out in front of it.
		c.resolvePending(c.nextTextStart())
	}
	if kind != spanHeading {
		c.flushBreak()
	}
	var s *span
	if n := len(c.freeSpans); n > 0 {
		s, c.freeSpans = c.freeSpans[n-1], c.freeSpans[:n-1]
	} else {
		s = &span{}
	}
	c.spanGen++
	s.arena = &c.arena
	s.kind, s.href, s.url, s.before, s.gen = kind, href, resolved, c.sink().lastChar(), c.spanGen
	c.spans = append(c.spans, s)
	return s
}

// freeSpan keeps s for reuse: spans are opened for every inline element.
func (c *converter) freeSpan(s *span) {
	events := s.events[:0]
	images := s.images[:0]
	*s = span{events: events, images: images}
	c.freeSpans = append(c.freeSpans, s)
}

// replay writes events into the current sink; breaks says whether their
// line breaks stay line breaks or become spaces.
func (c *converter) replay(events []event, breaks bool) {
	for _, e := range events {
		switch e.kind {
		case evBreak:
			if breaks {
				c.spanBreak()
			} else {
				c.space(false)
			}
		case evSpace:
			c.space(false)
		case evHardSpace:
			c.space(true)
		case evText:
			c.piece(e.s, true)
		default:
			c.piece(e.s, false)
		}
	}
}

func (c *converter) popSpan(s *span) {
	for i := len(c.spans) - 1; i >= 0; i-- {
		if c.spans[i] == s {
			// Spans opened inside s and not closed are closed with it;
			// their elements may open them again (see reopenInline).
			for len(c.spans) > i+1 {
				c.closeSpan(c.spans[len(c.spans)-1])
				c.inlineDirty = true
			}
			c.spans = c.spans[:i]
			return
		}
	}
}

// closingRune is the first character of the marker that closes s, or a
// letter when that is not known yet.
func (c *converter) closingRune(s *span) rune {
	var close string
	switch s.kind {
	case spanLink:
		if c.opt.Format != FormatText {
			close = "]"
		}
	case spanHeading:
		return '\n' // a heading ends its line
	case spanCode:
	default:
		_, close = c.syn.emphasis(s.kind)
	}
	if close == "" {
		return 'x'
	}
	return firstRune(close)
}

func (c *converter) isOpen(s *span) bool {
	for _, o := range c.spans {
		if o == s {
			return true
		}
	}
	return false
}

// spill gives up on holding s: what it holds goes to its parent now, and
// what comes later goes there directly.
func (c *converter) spill(s *span) {
	events := s.events
	s.events, s.size, s.spilled = nil, 0, true
	if s.kind == spanHeading {
		c.block(2)
	}
	c.replay(events, true)
}

func (c *converter) closeSpan(s *span) {
	if !c.isOpen(s) {
		return // closed already, with a span it was inside
	}
	// An emphasis that ends where s ends is followed by s's closing marker.
	c.resolvePending(c.closingRune(s))
	c.popSpan(s)
	if s.spilled {
		if s.kind == spanHeading {
			c.block(2)
		}
		c.freeSpan(s)
		return
	}
	if s.kind == spanHeading {
		c.closeHeading(s)
		c.freeSpan(s)
		return
	}
	lead, trail := s.trim()
	c.edge(lead)
	if lead == edgeBreak && len(s.events) > 0 {
		// The span's content follows the break: written now, before a
		// space after the span can be taken for the next line's start.
		c.flushBreak()
	}
	switch s.kind {
	case spanLink:
		c.closeLink(s)
		c.freeSpan(s)
	default:
		if len(s.events) > 0 {
			// Decided when the next character arrives: see resolvePending.
			s.before, s.closedAt = c.sink().lastChar(), c.tags
			c.pendingEm = s
		} else {
			c.freeSpan(s)
		}
	}
	c.edge(trail)
}

// edge writes what trim moved out of a span's end.
func (c *converter) edge(e edge) {
	switch e {
	case edgeSpace:
		c.space(false)
	case edgeBreak:
		c.lineBreakTag()
	}
}

// resolvePending writes a closed emphasis span now that the character after
// it is known: with its markers if they will be read back as emphasis.
func (c *converter) resolvePending(after rune) {
	s := c.pendingEm
	if s == nil {
		return
	}
	c.pendingEm = nil
	// What it holds was read where the span was, not where the stack is
	// now (an item may have just closed around it).
	c.resolving = true
	defer func() { c.resolving = false }()
	defer c.freeSpan(s)
	if s.kind == spanCode {
		content := s.plain()
		if c.syn.emphasisOK(s.before, content, after, spanCode) {
			if c.opt.Format != FormatOrg {
				c.piece(c.syn.code(content, c.inTable()), false)
			} else if open, close, ok := orgCodeMarkers(content); !ok {
				c.piece(content, true) // no marker can hold it: text
			} else {
				// Its text is escaped with the rest of the run: an
				// emphasis around it could close inside it, and a
				// marker inside it could end it, and then what it
				// holds would be read as markup after all.
				c.piece(open, false)
				c.piece(content, true)
				c.piece(close, false)
			}
		} else {
			c.textPiece(content)
		}
		return
	}
	open, close := c.syn.emphasis(s.kind)
	if s.kind == spanEm && s.before == '*' && c.opt.Format == FormatMarkdown {
		// "**a***b*" does not parse as two emphases; "**a**_b_" does.
		open, close = "_", "_"
		if isWordRune(after) {
			open, close = "", ""
		}
	}
	if open != "" || close != "" {
		content := s.plain()
		if c.syn.emphasisOK(s.before, content, after, s.kind) {
			c.piece(open, false)
			c.replay(s.events, c.breaksInEmphasis(s))
			c.piece(close, false)
			return
		}
	}
	c.replay(s.events, true)
}

// breaksInEmphasis says whether the line breaks inside an emphasis stay
// line breaks: in Markdown and text always (CommonMark's emphasis holds a
// hard break, "**a\⏎b**"); in Org, which writes a <br> as a new line,
// when there is one ("*a⏎b*"), since an Org emphasis spans no more than one
// newline (the default of org-emphasis-regexp-components): with two, its
// markers would show as text.
func (c *converter) breaksInEmphasis(s *span) bool {
	return c.opt.Format != FormatOrg || s.breaks() <= 1
}

func (c *converter) closeLink(s *span) {
	text := strings.TrimSpace(s.raw.String())
	sameDoc := strings.HasPrefix(strings.TrimSpace(s.href), "#")
	if sameDoc && !s.hasImage && !strings.ContainsFunc(text, isWordRune) && c.inHeading() {
		// A heading's permalink mark (#, ¶, §, 🔗), shown by the page on
		// hover: the heading's address, not its words.
		return
	}
	if sameDoc || len(s.events) == 0 {
		c.replay(s.events, true)
		return
	}
	href := c.resolve(s.href)
	if href == "" {
		c.replay(s.events, true)
		return
	}
	if !s.hasImage && (text == href || "mailto:"+text == href) && (s.title == "" || c.opt.Format != FormatMarkdown) {
		// The text is the address: a relative one ("foo") would change
		// what the reader sees, and stays a link with its text.
		if c.opt.Format == FormatText {
			c.piece(text, false)
		} else {
			c.piece(c.syn.autolink(href, c.inTable()), false)
		}
		return
	}
	switch c.opt.Format {
	case FormatText:
		c.replay(s.events, true)
		switch c.opt.Links {
		case LinksInline:
			c.space(false)
			c.piece("<"+href+">", false)
		case LinksReference:
			c.piece("["+strconv.Itoa(c.reference(href))+"]", false)
		}
		return
	case FormatOrg:
		// The description's text is escaped as it is written, by the
		// escaper of the sink, which knows it is inside a description.
		if c.orgLinkImages(s, href) {
			return
		}
	}
	open, close := c.syn.link(text, href, s.title, c.inTable())
	c.piece(open, false)
	// An Org link's description stays on one line, where every version
	// of Org reads it as one.
	c.replay(s.events, c.opt.Format != FormatOrg)
	c.piece(close, false)
}

// resolve returns htmlx.ResolveURL(c.base, href), or "" for a target the page may
// not link to (see Options.Local), remembering recent answers: pages link
// to the same few addresses over and over.
func (c *converter) resolve(href string) string {
	if u, ok := c.resolved[href]; ok {
		return u
	}
	u := htmlx.ResolveURL(c.base, href)
	if !htmlx.LinkAllowed(u, c.opt.Local) {
		u = ""
	}
	if c.resolved == nil || len(c.resolved) >= 1024 {
		c.resolved = make(map[string]string)
	}
	c.resolved[href] = u
	return u
}

// reference returns the number of href in the reference list.
func (c *converter) reference(href string) int {
	if c.refIndex == nil {
		c.refIndex = map[string]int{}
	}
	if n, ok := c.refIndex[href]; ok {
		return n
	}
	c.refs = append(c.refs, href)
	c.refIndex[href] = len(c.refs)
	return len(c.refs)
}

func (c *converter) closeHeading(s *span) {
	s.trim()
	text := strings.TrimSpace(collapseRuns(c.headingText(s)))
	if text == "" {
		return
	}
	if s.level == 0 {
		c.replay(s.events, true)
		c.block(2)
		return
	}
	c.block(2)
	lines := c.syn.heading(s.level, text)
	c.bw.noWrap++
	var conts []container
	if c.opt.Format == FormatOrg {
		// An Org heading cannot live inside a list item: it ends the
		// list, and what follows in the item starts a new one.
		conts, c.bw.conts = c.bw.conts, nil
		if conts != nil {
			c.bw.lineBreak(2)
		}
	}
	for _, l := range lines {
		c.bw.rawLine(l)
	}
	if conts != nil {
		c.bw.lineBreak(2)
		c.bw.conts = conts
	}
	c.bw.noWrap--
	c.block(2)
}

// headingText is a heading's content on one line. Org's text is escaped
// here, over the whole heading, since a heading is written as a raw line.
func (c *converter) headingText(s *span) string {
	if c.opt.Format != FormatOrg {
		return verbatimSafe(c.opt.Format, s.plain()) // written as a raw line
	}
	e := newEscaper(FormatOrg, false)
	e.wrote(" ")
	var b strings.Builder
	for _, ev := range s.events {
		switch ev.kind {
		case evSpace, evHardSpace, evBreak:
			b.WriteByte(' ')
			e.wrote(" ")
		case evText:
			b.WriteString(e.text(ev.s))
		default:
			b.WriteString(e.markup(ev.s))
		}
	}
	return b.String()
}

// collapseRuns turns runs of spaces into one.
func collapseRuns(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if r == ' ' && prev == ' ' {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// orgImage is an image met inside an Org link.
type orgImage struct{ src, alt string }

// orgLinkImages writes an Org link that holds images, and reports whether
// it did. A link that is only an image with an alternative text becomes
// [[href][alt]]; otherwise the images go before the link, since Org links
// cannot hold links.
func (c *converter) orgLinkImages(s *span, href string) bool {
	if len(s.images) == 0 {
		return false
	}
	var rest []event
	for _, e := range s.events {
		if e.kind != evImage {
			rest = append(rest, e)
		}
	}
	onlyImages := true
	for _, e := range rest {
		if e.kind != evSpace && e.kind != evHardSpace && e.kind != evBreak {
			onlyImages = false
		}
	}
	if onlyImages && s.images[0].alt != "" {
		// The image's alternative text names the link; an Org link's
		// description that is an image URL would be a second link.
		c.piece("[["+orgLinkPart(href, c.inTable())+"]["+orgDescription(c.syn.escape(s.images[0].alt, c.inTable()))+"]]", false)
		return true
	}
	for _, img := range s.images {
		c.piece(c.syn.image(img.alt, img.src, "", c.inTable()), false)
		c.space(false)
	}
	s.events = rest
	s.trim()
	if len(s.events) == 0 {
		c.piece(c.syn.autolink(href, c.inTable()), false)
		return true
	}
	return false
}
