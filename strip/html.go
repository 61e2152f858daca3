package strip

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxLinkText is as much of a link's text as is kept to compare with its
// URL; no URL is longer.
const maxLinkText = 8 << 10

// maxDepth bounds the element stack: past it, elements are read as if they
// had no children, so 100 000 nested divs cost no more than a few.
const maxDepth = 4096

// converter turns a stream of HTML tokens into one of the formats. It holds
// only the open elements, the inline spans being built, the table being laid
// out and the reference list: nothing that grows with the document.
type converter struct {
	opt  Options
	syn  syntax
	src  io.Reader
	data []byte // the current token: unescaped text, or a raw tag
	bw   *blockWriter
	base *url.URL

	stack     []element
	skipUntil int // while >= 0, everything is hidden until the stack is this deep
	overflow  int // start tags ignored past maxDepth

	spans     []*span
	pendingEm *span // a closed emphasis waiting for the next character
	brPending bool

	lists []*listState
	// listEndedAt is the depth of a list that just ended, or -1 once
	// anything follows it: a list right after another of the same depth
	// takes the other marker style, or Markdown would join the two.
	listEndedAt      int
	listEndedAlt     bool
	listEndedOrdered bool

	table      *tableState
	innerTable int // tables inside the table being laid out

	pre *preState

	sawBase bool
	nameBuf []byte
	// arena holds the text of open spans, so that a span's pieces cost
	// no allocation each; it is emptied whenever no span is open.
	arena     []byte
	spanGen   int
	resolved  map[string]string
	freeSpans []*span

	headingLevels []int
	refs          []string
	refIndex      map[string]int
}

type element struct {
	tag       atom.Atom
	name      string // for elements without an atom
	container bool   // pushed a container on the block writer
	span      *span
	spanGen   int
	list      *listState
	quote     bool // an Org quote block
	block     int  // line breaks owed after it
	heading   bool
}

type listState struct {
	ordered  bool
	next     int
	step     int
	start    int
	items    int
	alt      bool // uses the other marker style
	def      bool // a dl
	defOpen  bool // a dl item container is open
	afterDT  bool
	cellMode bool
}

type preState struct {
	lang  string
	depth int
	buf   strings.Builder
}

type tableState struct {
	t       *table
	depth   int
	row     *tableRow
	cell    *cellSink
	colspan int
	header  bool
	caption *cellSink
}

// attrs are the attributes the converter reads.
type attrs struct {
	href, src, alt, class, style, title string
	start, value, colspan, property     string
	name, content                       string
	hidden, reversed                    bool
}

func convertHTML(w io.Writer, r io.Reader, opt Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	if opt.Format == FormatTitle {
		err = writeTitle(bw, r)
	} else {
		err = newConverter(bw, r, opt).run()
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func newConverter(w *bufio.Writer, r io.Reader, opt Options) *converter {
	var syn syntax
	switch opt.Format {
	case FormatMarkdown:
		syn = markdownSyntax{}
	case FormatOrg:
		syn = orgSyntax{}
	default:
		syn = textSyntax{}
	}
	if opt.Links == "" {
		opt.Links = LinksReference
	}
	c := &converter{opt: opt, syn: syn, src: r, base: opt.BaseURL, skipUntil: -1, listEndedAt: -1}
	// A no-break space stays one in Markdown and Org, where a plain space
	// would collapse when the text is read back; text shows a space.
	nbsp := "\u00a0"
	if opt.Format == FormatText {
		nbsp = " "
	}
	c.bw = newBlockWriter(w, opt.Width, syn.escapeLineStart, nbsp)
	return c
}

func (c *converter) run() error {
	tokens := newTokenStream(c.src)
	defer tokens.close()
	for {
		b := tokens.next()
		for _, t := range b.toks {
			if len(c.spans) == 0 && c.pendingEm == nil {
				c.arena = c.arena[:0] // nothing refers to it any more
			}
			c.data = b.buf[t.start:t.end]
			switch t.tt {
			case html.TextToken:
				if c.skipUntil < 0 {
					c.text(c.data)
				}
			case html.StartTagToken, html.SelfClosingTagToken:
				c.startTag(t.tt == html.SelfClosingTagToken)
			case html.EndTagToken:
				name := c.tagName()
				c.endTag(atom.Lookup(name), string(name))
			}
		}
		// Spans copy what they keep into the arena, and everything else
		// is written out by now: the batch's bytes can be reused.
		err := b.err
		tokens.release(b)
		if err != nil {
			if errors.Is(err, io.EOF) {
				c.finish()
				return nil
			}
			return err
		}
	}
}

// tagName reads the current tag's name from the raw token, lower-cased into
// a reused buffer: the tokenizer's TagName allocates on every call.
func (c *converter) tagName() []byte {
	raw := c.data
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	c.nameBuf = c.nameBuf[:0]
	for ; i < len(raw); i++ {
		b := raw[i]
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '/' || b == '>' {
			break
		}
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		c.nameBuf = append(c.nameBuf, b)
	}
	return c.nameBuf
}

// wantsAttrs reports whether the converter reads attributes of a.
func wantsAttrs(a atom.Atom) bool {
	switch a {
	case atom.A, atom.Img, atom.Ol, atom.Li, atom.Td, atom.Th, atom.Pre, atom.Code:
		return true
	}
	return false
}

// mayHide reports whether a raw tag could carry hidden, aria-hidden or a
// style: the other tags' attributes need not be read at all.
func mayHide(raw []byte) bool {
	if len(raw) < 8 {
		return false
	}
	for i := 0; i+4 < len(raw); i++ {
		switch raw[i] | 0x20 {
		case 'd':
			if raw[i+1]|0x20 == 'd' && raw[i+2]|0x20 == 'e' && raw[i+3]|0x20 == 'n' {
				return true // hidden, aria-hidden
			}
		case 't':
			if raw[i+1]|0x20 == 'y' && raw[i+2]|0x20 == 'l' && raw[i+3]|0x20 == 'e' {
				return true // style
			}
		}
	}
	return false
}

// readAttrs reads the attributes the converter uses from the raw tag. The
// tokenizer's TagAttr allocates two copies of every attribute; this reads
// the raw bytes in place and copies only the values that are kept.
func (c *converter) readAttrs() attrs {
	var a attrs
	forEachAttr(c.data, func(k, v []byte) {
		switch string(k) {
		case "href":
			a.href = attrValue(v)
		case "src":
			a.src = attrValue(v)
		case "alt":
			a.alt = attrValue(v)
		case "class":
			a.class = attrValue(v)
		case "style":
			a.style = attrValue(v)
		case "start":
			a.start = attrValue(v)
		case "value":
			a.value = attrValue(v)
		case "colspan":
			a.colspan = attrValue(v)
		case "hidden":
			a.hidden = true
		case "reversed":
			a.reversed = true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(string(v)), "true") {
				a.hidden = true
			}
		}
	})
	if a.style != "" && styleHides(a.style) {
		a.hidden = true
	}
	return a
}

// attrValue decodes the character references of an attribute value.
func attrValue(v []byte) string {
	if bytes.IndexByte(v, '&') >= 0 {
		v = []byte(html.UnescapeString(string(v)))
	}
	if !isClean(v, false) {
		return cleanText(v, false)
	}
	return string(v)
}

// forEachAttr calls f with each attribute of a raw start tag, the name
// lower-cased in place, following the HTML tokenizer's attribute states. The
// slices are only valid during the call.
func forEachAttr(raw []byte, f func(k, v []byte)) {
	i := 1
	for i < len(raw) && !isAttrEnd(raw[i]) {
		i++ // the tag name
	}
	for i < len(raw) {
		for i < len(raw) && (isHTMLSpace(raw[i]) || raw[i] == '/') {
			i++
		}
		if i >= len(raw) || raw[i] == '>' {
			return
		}
		ks := i
		i++ // a name may start with '='
		for i < len(raw) && !isHTMLSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' && raw[i] != '=' {
			i++
		}
		key := raw[ks:i]
		for j, b := range key {
			if b >= 'A' && b <= 'Z' {
				key[j] = b + 'a' - 'A'
			}
		}
		for i < len(raw) && isHTMLSpace(raw[i]) {
			i++
		}
		var val []byte
		if i < len(raw) && raw[i] == '=' {
			i++
			for i < len(raw) && isHTMLSpace(raw[i]) {
				i++
			}
			if i < len(raw) && (raw[i] == '"' || raw[i] == '\'') {
				q := raw[i]
				i++
				vs := i
				for i < len(raw) && raw[i] != q {
					i++
				}
				val = raw[vs:i]
				if i < len(raw) {
					i++
				}
			} else {
				vs := i
				for i < len(raw) && !isHTMLSpace(raw[i]) && raw[i] != '>' {
					i++
				}
				val = raw[vs:i]
			}
		}
		f(key, val)
	}
}

func isAttrEnd(b byte) bool { return isHTMLSpace(b) || b == '/' || b == '>' }

// styleHides reports whether an inline style hides the element.
func styleHides(style string) bool {
	s := strings.ToLower(style)
	if !strings.Contains(s, "none") && !strings.Contains(s, "hidden") {
		return false
	}
	for _, decl := range strings.Split(s, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.TrimSpace(prop)
		val = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "!important"))
		if (prop == "display" && val == "none") || (prop == "visibility" && (val == "hidden" || val == "collapse")) {
			return true
		}
	}
	return false
}

// skipped elements are not shown, nor anything inside them.
func skipped(a atom.Atom) bool {
	switch a {
	case atom.Head, atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Canvas, atom.Audio, atom.Video,
		atom.Select, atom.Datalist, atom.Textarea, atom.Noembed, atom.Noframes, atom.Title:
		return true
	}
	return false
}

func void(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param, atom.Keygen:
		return true
	}
	return false
}

var headingLevels = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

// blockBreak is the number of line breaks around a block element: 2 for a
// paragraph-like block, 1 for a plain division of text, 0 for inline ones.
func (c *converter) blockBreak(a atom.Atom) int {
	switch a {
	case atom.P, atom.Blockquote, atom.Figure, atom.Address, atom.Details, atom.Fieldset, atom.Form, atom.Center, atom.Dl:
		return 2
	case atom.Div, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Main, atom.Nav,
		atom.Aside, atom.Figcaption, atom.Summary, atom.Hgroup, atom.Legend, atom.Body, atom.Html,
		atom.Dialog, atom.Menu, atom.Search, atom.Option, atom.Optgroup, atom.Label:
		if c.opt.Format == FormatText {
			return 1
		}
		return 2
	}
	return 0
}

// impliedEnd returns the open elements that a start tag closes, as the HTML
// parser would: a block closes an open p, an li closes the previous li.
func (c *converter) closeImplied(a atom.Atom) {
	switch a {
	case atom.Li:
		c.closeUpTo(func(e atom.Atom) bool { return e == atom.Li }, func(e atom.Atom) bool {
			return e == atom.Ul || e == atom.Ol || e == atom.Menu || e == atom.Table || e == atom.Td || e == atom.Th
		})
	case atom.Dt, atom.Dd:
		c.closeUpTo(func(e atom.Atom) bool { return e == atom.Dt || e == atom.Dd }, func(e atom.Atom) bool {
			return e == atom.Dl || e == atom.Table || e == atom.Td || e == atom.Th
		})
	case atom.Tr:
		c.closeUpTo(func(e atom.Atom) bool { return e == atom.Tr }, func(e atom.Atom) bool { return e == atom.Table })
	case atom.Td, atom.Th:
		c.closeUpTo(func(e atom.Atom) bool { return e == atom.Td || e == atom.Th }, func(e atom.Atom) bool {
			return e == atom.Table || e == atom.Tr
		})
	case atom.Thead, atom.Tbody, atom.Tfoot:
		c.closeUpTo(func(e atom.Atom) bool { return e == atom.Thead || e == atom.Tbody || e == atom.Tfoot }, func(e atom.Atom) bool {
			return e == atom.Table
		})
	case atom.Option:
		c.closeUpTo(func(e atom.Atom) bool { return e == atom.Option }, func(e atom.Atom) bool { return e != atom.Option && e != 0 })
	case atom.A:
		c.closeUpTo(func(e atom.Atom) bool { return e == atom.A }, func(e atom.Atom) bool { return e == atom.Table || e == atom.Td || e == atom.Th })
	}
	if c.closesParagraph(a) {
		if n := len(c.stack); n > 0 && c.stack[n-1].tag == atom.P {
			c.popTo(n - 1)
		}
	}
}

// closesParagraph reports whether a start tag a ends an open <p>.
func (c *converter) closesParagraph(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Ul, atom.Ol, atom.Table, atom.Pre, atom.Hr:
		return true
	}
	return headingLevels[a] > 0 || c.blockBreak(a) > 0
}

// closeUpTo closes open elements down to and including the nearest one that
// match accepts, unless an element that stop accepts comes first.
func (c *converter) closeUpTo(match, stop func(atom.Atom) bool) {
	for i := len(c.stack) - 1; i >= 0; i-- {
		t := c.stack[i].tag
		if match(t) {
			c.popTo(i)
			return
		}
		if stop(t) {
			return
		}
	}
}

func (c *converter) startTag(selfClosing bool) {
	name := c.tagName()
	a := atom.Lookup(name)
	if a == atom.Base && !c.sawBase {
		// <base> lives in the skipped <head>; the first one counts.
		c.sawBase = true
		c.setBase(c.readAttrs().href)
	}
	if c.skipUntil >= 0 {
		// Track depth inside hidden content so its end is found.
		if !void(a) && !selfClosing {
			c.push(c.newElement(a, name))
		}
		return
	}
	if len(c.stack) >= maxDepth && !void(a) {
		c.overflow++
		return
	}
	var at attrs
	if wantsAttrs(a) || mayHide(c.data) {
		at = c.readAttrs()
	}
	if c.pre != nil {
		// A button in a code block is a "copy" control, not code.
		if (skipped(a) || a == atom.Button || at.hidden) && !void(a) && !selfClosing {
			c.skipUntil = len(c.stack)
			c.push(c.newElement(a, name))
			return
		}
		if a == atom.Br {
			c.pre.buf.WriteByte('\n')
		}
		if a == atom.Code && c.pre.lang == "" {
			c.pre.lang = codeLanguage(at.class)
		}
		if !void(a) && !selfClosing {
			c.push(c.newElement(a, name))
		}
		return
	}
	if a != atom.Html && a != atom.Body {
		c.closeImplied(a)
	}
	if (skipped(a) || at.hidden) && !void(a) {
		if !selfClosing {
			c.skipUntil = len(c.stack)
			c.push(c.newElement(a, name))
		}
		return
	}
	if at.hidden {
		return
	}
	e := element{tag: a}
	if a == 0 {
		e.name = string(name)
	}
	if void(a) || selfClosing {
		c.voidElement(a, at)
		if !void(a) {
			// <div/> and the like: HTML ignores the slash; so do we,
			// but nothing can follow inside, so close it at once.
			c.open(&e, at)
			if e.span != nil {
				e.spanGen = e.span.gen
			}
			c.close(e)
		}
		return
	}
	c.open(&e, at)
	if e.span != nil {
		e.spanGen = e.span.gen
	}
	c.push(e)
}

func (c *converter) newElement(a atom.Atom, name []byte) element {
	if a == 0 {
		return element{name: string(name)}
	}
	return element{tag: a}
}

// setBase applies <base href>: relative to the page's URL, or on its own
// when it is absolute.
func (c *converter) setBase(href string) {
	href = cleanURL(href)
	if href == "" {
		return
	}
	u, err := url.Parse(href)
	if err != nil {
		return
	}
	if c.base != nil {
		c.base = c.base.ResolveReference(u)
	} else if u.IsAbs() {
		c.base = u
	}
	c.resolved = nil
}

func (c *converter) push(e element) { c.stack = append(c.stack, e) }

func (c *converter) endTag(a atom.Atom, name string) {
	if c.overflow > 0 && (c.skipUntil < 0) && len(c.stack) >= maxDepth {
		c.overflow--
		return
	}
	if a == atom.Br && c.skipUntil < 0 {
		// </br> is read as <br> by browsers.
		c.voidElement(atom.Br, attrs{})
		return
	}
	for i := len(c.stack) - 1; i >= 0; i-- {
		e := c.stack[i]
		if e.tag == a && (a != 0 || e.name == name) {
			c.popTo(i)
			return
		}
		// An end tag does not reach out of a table cell or a table, but
		// </table> closes the cells and rows left open in it.
		if c.skipUntil < 0 && a != atom.Table {
			cellEnd := a == atom.Td || a == atom.Th || a == atom.Tr || a == atom.Tbody || a == atom.Thead || a == atom.Tfoot
			if e.tag == atom.Table || (!cellEnd && (e.tag == atom.Td || e.tag == atom.Th || e.tag == atom.Caption)) {
				return
			}
		}
	}
}

// popTo closes the elements from the top of the stack down to index i.
func (c *converter) popTo(i int) {
	for len(c.stack) > i {
		n := len(c.stack) - 1
		e := c.stack[n]
		c.stack = c.stack[:n]
		if c.skipUntil >= 0 {
			if n == c.skipUntil {
				c.skipUntil = -1
			}
			continue
		}
		if c.pre != nil && n > c.pre.depth {
			continue
		}
		c.close(e)
	}
}

func (c *converter) inTable() bool { return c.table != nil }

// sink returns where inline content goes now.
func (c *converter) sink() sink {
	for i := len(c.spans) - 1; i >= 0; i-- {
		if !c.spans[i].spilled {
			return c.spans[i]
		}
	}
	if c.table != nil {
		if c.table.cell != nil {
			return c.table.cell
		}
		if c.table.caption != nil {
			return c.table.caption
		}
	}
	return c.bw
}

// block asks for n line breaks in the current flow.
func (c *converter) block(n int) {
	if n == 0 {
		return
	}
	c.resolvePending('\n')
	c.brPending = false
	s := c.sink()
	if _, isSpan := s.(*span); isSpan {
		s.space(false)
		return
	}
	s.lineBreak(n)
}

func (c *converter) open(e *element, at attrs) {
	a := e.tag
	if n := c.blockBreak(a); n > 0 {
		c.block(n)
		e.block = n
	}
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		level := headingLevels[a]
		if len(c.spans) > 0 || c.table != nil {
			c.block(1)
			e.block = 1
			return
		}
		c.block(2)
		e.heading = true
		e.span = c.openSpan(spanHeading, "", "")
		e.span.level = c.headingLevel(level)
		if c.syn == (orgSyntax{}) && len(c.bw.conts) > 0 {
			e.span.level = 0 // an Org heading cannot live inside a list or quote
		}
	case atom.Strong, atom.B:
		e.span = c.openSpan(spanStrong, "", "")
	case atom.Em, atom.I, atom.Cite, atom.Dfn, atom.Var:
		e.span = c.openSpan(spanEm, "", "")
	case atom.Del, atom.S, atom.Strike:
		e.span = c.openSpan(spanDel, "", "")
	case atom.Sup:
		e.span = c.openSpan(spanSup, "", "")
	case atom.Sub:
		e.span = c.openSpan(spanSub, "", "")
	case atom.Q:
		e.span = c.openSpan(spanQuote, "", "")
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		if c.codeSpan() == nil {
			e.span = c.openSpan(spanCode, "", "")
		}
	case atom.A:
		if c.codeSpan() == nil && at.href != "" {
			e.span = c.openSpan(spanLink, at.href, "")
		}
	case atom.Blockquote:
		if c.table != nil || len(c.spans) > 0 {
			return
		}
		if begin, _ := c.syn.quoteBlock(); begin != "" {
			c.bw.rawLine(begin)
			c.bw.push("", "")
			e.quote = true
		} else {
			first, rest := c.syn.quote()
			c.bw.push(first, rest)
			e.container = true
		}
	case atom.Ul, atom.Ol, atom.Menu, atom.Dl:
		l := &listState{ordered: a == atom.Ol, next: 1, step: 1, start: 1, def: a == atom.Dl}
		if a == atom.Ol {
			if at.start != "" {
				if n, err := strconv.Atoi(strings.TrimSpace(at.start)); err == nil {
					l.next, l.start = n, n
				}
			}
			if at.reversed {
				l.step = -1
			}
		}
		l.cellMode = c.table != nil || len(c.spans) > 0
		if len(c.lists) > 0 && !l.cellMode {
			// A nested list follows its item's text on the next line,
			// without the blank line that would make the list loose.
			c.block(1)
			if c.bw.pendingNL > 1 {
				c.bw.pendingNL = 1
			}
		} else {
			c.block(2)
		}
		l.alt = c.listEndedAt == len(c.lists) && c.listEndedOrdered == l.ordered && !c.listEndedAlt
		e.block = 2
		e.list = l
		c.lists = append(c.lists, l)
	case atom.Li:
		c.openItem(e, at)
	case atom.Dt, atom.Dd:
		c.openDefinition(e)
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext:
		if c.table != nil || len(c.spans) > 0 {
			c.block(1)
			e.block = 1
			return
		}
		c.block(2)
		c.pre = &preState{lang: codeLanguage(at.class), depth: len(c.stack)}
	case atom.Table:
		c.openTable()
	case atom.Caption:
		if c.table != nil && c.innerTable == 0 {
			c.table.caption = &cellSink{nbsp: c.bw.nbsp}
		}
	case atom.Tr:
		c.openRow()
	case atom.Td, atom.Th:
		c.openCell(a == atom.Th, at.colspan)
	}
}

func (c *converter) close(e element) {
	if e.span != nil && e.span.gen == e.spanGen {
		c.closeSpan(e.span)
		if e.heading {
			c.block(2)
		}
	}
	switch {
	case e.container:
		if e.tag == atom.Li || e.tag == atom.Dd || e.tag == atom.Dt {
			c.block(1)
		} else {
			c.block(2)
		}
		c.bw.pop()
	case e.quote:
		_, end := c.syn.quoteBlock()
		c.bw.pop()
		c.bw.tighten()
		c.bw.rawLine(end)
		c.bw.lineBreak(2)
	}
	if e.list != nil {
		if e.list.defOpen {
			c.block(1)
			c.bw.pop()
		}
		if n := len(c.lists); n > 0 {
			c.lists = c.lists[:n-1]
			c.listEndedAt, c.listEndedAlt, c.listEndedOrdered = n-1, e.list.alt, e.list.ordered
		}
	}
	switch e.tag {
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext:
		if c.pre != nil && c.pre.depth == len(c.stack) {
			c.closePre()
		}
	case atom.Table:
		c.closeTable()
	case atom.Caption:
		if c.table != nil && c.innerTable == 0 && c.table.caption != nil {
			c.table.t.caption = append(c.table.t.caption, c.table.caption.text()...)
			c.table.caption = nil
		}
	case atom.Tr:
		c.closeRow()
	case atom.Td, atom.Th:
		c.closeCell()
	}
	if e.block > 0 {
		c.block(e.block)
	}
}

// headingLevel maps a page's heading level to the output level: with a base
// level, the first heading becomes BaseLevel+1 and skipped levels close up.
func (c *converter) headingLevel(level int) int {
	if c.opt.BaseLevel <= 0 && !c.opt.ShiftHeadings {
		return level
	}
	for len(c.headingLevels) > 0 && c.headingLevels[len(c.headingLevels)-1] >= level {
		c.headingLevels = c.headingLevels[:len(c.headingLevels)-1]
	}
	c.headingLevels = append(c.headingLevels, level)
	return c.opt.BaseLevel + len(c.headingLevels)
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
	bullet := c.syn.bullet(l.ordered, l.next, l.items == 0, l.start, l.alt)
	l.next += l.step
	l.items++
	if l.cellMode {
		c.block(1)
		c.sink().piece(strings.TrimRight(bullet, " "), false)
		c.sink().space(false)
		return
	}
	c.resolvePending('\n')
	c.brPending = false
	c.bw.lineBreak(1)
	if l.items > 1 && c.bw.pendingNL > 1 {
		c.bw.pendingNL = 1 // keep lists tight
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
	}
	if l.cellMode {
		c.block(1)
		return
	}
	text := c.opt.Format == FormatText
	if e.tag == atom.Dt {
		if l.defOpen {
			c.block(1)
			c.bw.pop()
			l.defOpen = false
		}
		c.block(1)
		if text {
			return
		}
		c.bw.push("- ", "  ")
		l.defOpen, l.afterDT = true, true
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
		c.block(1)
	default:
		c.block(1)
		c.bw.push("- ", "  ")
		l.defOpen = true
		c.sink().piece(strings.TrimSpace(sep), false)
		c.sink().space(false)
	}
}

// codeLanguage reads a code block's language from its class attribute.
func codeLanguage(class string) string {
	for _, f := range strings.Fields(class) {
		for _, p := range []string{"language-", "lang-", "highlight-source-", "highlight-"} {
			if strings.HasPrefix(f, p) && len(f) > len(p) {
				lang := f[len(p):]
				if strings.IndexFunc(lang, func(r rune) bool {
					return !(r == '-' || r == '+' || r == '_' || r == '#' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
				}) >= 0 {
					return ""
				}
				return lang
			}
		}
	}
	return ""
}

func (c *converter) closePre() {
	p := c.pre
	c.pre = nil
	content := p.buf.String()
	content = strings.ReplaceAll(content, "\r\n", "\n")
	content = strings.TrimPrefix(content, "\n")
	content = strings.TrimRight(content, "\n")
	// Trailing blanks are invisible in a browser and unwanted in a buffer.
	lines := strings.Split(content, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:] // blank lines that open a block show as a gap only
	}
	content = strings.Join(lines, "\n")
	if strings.TrimSpace(content) == "" {
		c.block(2)
		return
	}
	c.block(2)
	for _, l := range c.syn.codeBlock(p.lang, content) {
		c.bw.rawLine(l)
	}
	c.block(2)
}

func (c *converter) voidElement(a atom.Atom, at attrs) {
	switch a {
	case atom.Br:
		c.lineBreakTag()
	case atom.Hr:
		if c.table != nil || len(c.spans) > 0 {
			c.block(1)
			return
		}
		c.block(2)
		c.bw.rawLine(c.syn.hr())
		c.block(2)
	case atom.Img:
		if s := c.codeSpan(); s != nil {
			return
		}
		alt := collapseSpace(at.alt)
		src := resolveURL(c.base, at.src)
		var out string
		switch {
		case src == "" || c.opt.Format == FormatText:
			out = textSyntax{}.image(alt, "", false)
		case c.opt.Format == FormatOrg && c.linkSpan() != nil:
			// Org shows a link whose description is an image URL as
			// that image.
			out = orgLinkPart(src, c.inTable())
		default:
			out = c.syn.image(alt, src, c.inTable())
		}
		if out != "" {
			c.piece(out, false)
			if s := c.linkSpan(); s != nil {
				s.hasImage = true
				s.raw.WriteString(alt)
			}
		}
	case atom.Input:
		// Form fields show nothing useful as text.
	}
}

// lineBreakTag handles <br>. In Markdown a break inside a paragraph is a
// backslash at the end of the line; it is written only once the next line
// has content, so that a break at the end of a paragraph leaves no stray
// backslash, and two breaks in a row make a paragraph break.
func (c *converter) lineBreakTag() {
	if len(c.spans) > 0 {
		c.sink().space(false)
		return
	}
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

func (c *converter) codeSpan() *span {
	for i := len(c.spans) - 1; i >= 0; i-- {
		if c.spans[i].kind == spanCode {
			return c.spans[i]
		}
	}
	return nil
}

func (c *converter) linkSpan() *span {
	for i := len(c.spans) - 1; i >= 0; i-- {
		if c.spans[i].kind == spanLink {
			return c.spans[i]
		}
	}
	return nil
}

// text handles a text token: whitespace collapses, &nbsp; stays, control
// characters and soft hyphens go.
func (c *converter) text(raw []byte) {
	if c.pre != nil {
		if isClean(raw, true) {
			c.pre.buf.Write(raw)
		} else {
			c.pre.buf.WriteString(cleanText(raw, true))
		}
		return
	}
	var s string
	if c.opt.Width == 0 && isClean(raw, false) {
		// Every sink copies what it keeps (spans into the arena, cells
		// into their lines) or writes it out at once, before the
		// tokenizer reuses its buffer. Only the word buffer of wrapping
		// would keep the string itself.
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
				c.piece(body, false)
			} else {
				c.piece(c.syn.escape(body, c.inTable()), true)
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
			c.piece(word, false)
		} else {
			c.piece(c.syn.escape(word, c.inTable()), true)
		}
	}
}

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
// (but tabs and newlines in pre), soft hyphens, and invalid UTF-8.
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
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xad:
		default:
			out.WriteRune(r) // an invalid byte becomes U+FFFD here
		}
	}
	return out.String()
}

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

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(cleanText([]byte(s), false)), " ")
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
	c.sink().space(hard)
}

func (c *converter) finish() {
	c.popTo(0)
	c.resolvePending('\n')
	for len(c.spans) > 0 {
		c.closeSpan(c.spans[len(c.spans)-1])
	}
	if c.table != nil {
		c.table.depth = 0
		c.closeTable()
	}
	if c.pre != nil {
		c.closePre()
	}
	c.bw.finish()
	if len(c.refs) > 0 && c.bw.started {
		c.bw.w.WriteString("\n")
		for i, r := range c.refs {
			c.bw.w.WriteString("[" + strconv.Itoa(i+1) + "] " + r + "\n")
		}
	}
}
