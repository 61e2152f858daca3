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

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
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
	opt   Options
	syn   syntax
	src   io.Reader
	data  []byte     // the current token: unescaped text, or a raw tag
	node  *html.Node // the current start tag's element, on the tree path
	batch *tokenBatch
	pos   int // of the current token in batch
	bw    *blockWriter
	base  *url.URL

	stack     []element
	skipUntil int // while >= 0, everything is hidden until the stack is this deep
	overflow  int // start tags ignored past maxDepth

	spans     []*span
	pendingEm *span       // a closed emphasis waiting for the next character
	video     *videoState // a <video> being skipped, to be written as a link at its end
	brPending bool
	tables    int // open <table> elements
	svgs      int // open <svg> elements
	tags      int // the tags read so far
	// afterImage: an image was just written; text that follows it at once
	// gets a space, as the image stood between them (its alternative text
	// would run into the next word: "[Video]Learn more").
	afterImage bool

	lists []*listState
	// listEndedAt is the depth of a list that just ended, or -1 once
	// anything follows it: a list right after another of the same depth
	// takes the other marker style, or Markdown would join the two.
	listEndedAt      int
	listEndedAlt     bool
	listEndedOrdered bool

	table      *tableState
	innerTable int // tables inside the table being laid out

	pre  *preState
	math *mathState

	sawBase bool
	// headDone says the head is over: a later <head> is ignored, as the
	// HTML parser ignores it.
	headDone bool
	// noscripts counts the <noscript>s open; headNoscript says the head's
	// was ended by the body's content, until its end tag: what it holds
	// is a tracking pixel's kind.
	noscripts    int
	headNoscript bool
	resolving    bool // replaying a closed emphasis
	nameBuf      []byte
	// arena holds the text of open spans, so that a span's pieces cost
	// no allocation each; it is emptied whenever no span is open.
	arena     []byte
	spanGen   int
	resolved  map[string]string
	freeSpans []*span

	headingStack []int // the page's heading levels open now, for BaseLevel
	refs         []string
	refIndex     map[string]int
	// inline indexes the elements of the stack with an inline span;
	// inlineDirty says a block may have closed some of their spans.
	inline      []int
	inlineDirty bool
	// formatting is the parser's list of active formatting elements, for
	// what the page left open: "<p><b>x</p><p>y" shows y bold too, since
	// the parser opens the <b> again (see reconstruct).
	formatting
}

// formatting follows the formatting elements a page opened (links and
// emphasis) until their end tag, to open again the ones that other
// elements closed, as the parser's "reconstruct the active formatting
// elements" does.
type formatting struct {
	active    []activeFormat
	lastID    int
	stale     bool // an element of the list was closed by another's end
	reopening int  // the id of the entry being opened again, or -1
}

type activeFormat struct {
	id     int        // of its element while open (element.format)
	tag    atom.Atom  // 0 for a marker: a table cell, a caption
	raw    []byte     // its start tag, to open it again
	node   *html.Node // and its element, when read from a tree
	marker bool
	open   bool // its element is on the stack
}

// maxActiveFormats bounds the list; the parser's "Noah's Ark" clause keeps
// three of each, which bounds a real page's list far below this.
const maxActiveFormats = 32

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
	layout    bool // a table read as blocks: see unwrapTable
	// inline is the span an emphasis or link element opened, and href its
	// target: a block inside the element closes the span, and the next
	// content inside the block opens it again (see reopenInline), as a
	// browser shows "<a><h3>Title</h3><p>Text</p></a>" as two links.
	inline spanKind
	href   string
	title  string // a link's, for its span when it opens again
	format int    // its entry in the active formatting elements, or 0
}

// videoState is a <video> whose content is skipped (its fallback, which a
// browser shows only when it cannot play it) and which is written at its
// end as a link to the video: its address is its src or its first
// <source>'s, which comes inside it.
type videoState struct {
	src, poster, title string
	depth              int // of the element in the stack
}

// mathState collects a MathML formula: its text, and the TeX of an
// annotation when the page gives one.
type mathState struct {
	depth     int
	block     bool
	text, tex strings.Builder
	inTeX     bool
	hasTeX    bool
}

type preState struct {
	lang  string
	depth int
	buf   strings.Builder
}

type tableState struct {
	t          *table
	depth      int // of the table's element in the stack
	paragraphs int // in the open cell
	row        *tableRow
	cell       *cellSink
	colspan    int
	rowspan    int
	header     bool
	align      byte // the open cell's: see cellAlign
	caption    *cellSink
	// spanEnd is, per column, the row a cell's rowspan takes it to (rows
	// before that one have the column taken); rowNum is the current row,
	// and col where its next cell goes.
	spanEnd      []int
	rowNum       int
	col          int
	cells        int // written by the page
	placeholders int // added for rowspans
	// labels counts the rows of two cells whose first is a short label
	// (an infobox's "Born:" | "1950").
	labels int
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
	c.reopening = -1
	// A no-break space stays one in Markdown and Org, where a plain space
	// would collapse when the text is read back; text shows a space.
	nbsp := "\u00a0"
	if opt.Format == FormatText {
		nbsp = " "
	}
	escapeMarker := map[Format]string{FormatMarkdown: `\`, FormatOrg: zwsp}[opt.Format]
	c.bw = newBlockWriter(w, opt.Width, syn.escapeLineStart, nbsp, escapeMarker, newEscaper(opt.Format, false))
	c.bw.onText = opt.OnText
	return c
}

func (c *converter) run() error {
	return c.runTokens(newTokenStream(c.src, c.opt.Scripted))
}

// runTokens converts the tokens of a source.
func (c *converter) runTokens(tokens tokenSource) error {
	defer tokens.close()
	for {
		b := tokens.next()
		c.batch = b
		for i, t := range b.toks {
			c.pos = i
			if len(c.spans) == 0 && c.pendingEm == nil && len(c.bw.word) == 0 {
				// Nothing refers to it any more: spans and a closed
				// emphasis keep their text there, and so does the
				// word that wrapping holds until it knows its line.
				c.arena = c.arena[:0]
			}
			c.data, c.node = b.buf[t.start:t.end], t.node
			switch t.tt {
			case html.TextToken:
				if c.skipUntil >= 0 && !isBlank(c.data) && c.inHead() {
					c.endHead() // text in the head starts the body
				}
				if c.skipUntil < 0 && !(c.inNoscript() && escapedMarkup(c.data)) {
					if !c.headDone && !isBlank(c.data) {
						c.headDone = true
					}
					if c.stale {
						c.reconstruct() // before white space too, as the parser does
					}
					c.text(c.data)
				}
			case html.StartTagToken, html.SelfClosingTagToken:
				c.tags++
				if c.stale && reconstructs(atom.Lookup(c.tagName())) {
					c.reconstruct()
				}
				c.startTag(t.tt == html.SelfClosingTagToken)
			case html.EndTagToken:
				c.tags++
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

// hides reports whether the element a is not shown, nor anything inside
// it: skipped elements, and <noscript> on a page whose scripts ran.
func (c *converter) hides(a atom.Atom) bool {
	return skipped(a) || a == atom.Noscript && c.opt.Scripted
}

// skipped elements are not shown, nor anything inside them, whether
// scripts ran or not.
func skipped(a atom.Atom) bool {
	switch a {
	case atom.Head, atom.Script, atom.Style, atom.Template, atom.Iframe,
		atom.Object, atom.Svg, atom.Canvas, atom.Audio, atom.Video,
		atom.Select, atom.Datalist, atom.Textarea, atom.Noembed, atom.Noframes, atom.Title:
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
		// A link in a link ends the outer one, by the adoption agency.
		for i := len(c.stack) - 1; i >= 0; i-- {
			if t := c.stack[i].tag; t == atom.A {
				if f := c.stack[i].format; f != 0 {
					c.dropFormat(f)
					c.stack[i].format = 0
				}
				if !c.adopt(i) {
					c.popTo(i)
				}
				break
			} else if t == atom.Table || t == atom.Td || t == atom.Th {
				break
			}
		}
	}
	if c.closesParagraph(a) {
		// A <p> open in button scope, through the inline elements
		// inside it ("<p><cite><p>" ends the cite too).
	scope:
		for i := len(c.stack) - 1; i >= max(0, len(c.stack)-maxReopen); i-- {
			switch t := c.stack[i].tag; {
			case t == atom.P:
				c.popTo(i)
				break scope
			case t == atom.Button || t == atom.Table || t == atom.Td || t == atom.Th || t == atom.Caption ||
				t == atom.Html || t == atom.Template || t == atom.Object || t == atom.Marquee || t == atom.Applet:
				break scope
			case special(t):
				break scope // a block: a <p> below it is not in scope for this tag's purposes
			}
		}
	}
	if n := len(c.stack); headingLevels[a] > 0 && n > 0 && headingLevels[c.stack[n-1].tag] > 0 {
		c.popTo(n - 1) // a heading does not open inside a heading
	}
}

// foreignRoot returns the index in the stack of the <svg> whose content is
// being read, or -1 outside SVG (or inside its <foreignObject>).
func (c *converter) foreignRoot() int {
	for i := len(c.stack) - 1; i >= 0; i-- {
		switch c.stack[i].tag {
		case atom.Svg:
			return i
		case atom.ForeignObject:
			return -1
		}
	}
	return -1
}

// breaksOut reports whether a start tag a ends the SVG or MathML it appears
// in: the HTML elements the parser's rules for foreign content list.
func breaksOut(a atom.Atom) bool {
	switch a {
	case atom.B, atom.Big, atom.Blockquote, atom.Body, atom.Br, atom.Center, atom.Code, atom.Dd,
		atom.Div, atom.Dl, atom.Dt, atom.Em, atom.Embed, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
		atom.H6, atom.Head, atom.Hr, atom.I, atom.Img, atom.Li, atom.Listing, atom.Menu, atom.Meta,
		atom.Nobr, atom.Ol, atom.P, atom.Pre, atom.Ruby, atom.S, atom.Small, atom.Span, atom.Strong,
		atom.Strike, atom.Sub, atom.Sup, atom.Table, atom.Tt, atom.U, atom.Ul, atom.Var:
		return true
	}
	return false
}

// closesParagraph reports whether a start tag a ends an open <p>.
func (c *converter) closesParagraph(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Ul, atom.Ol, atom.Table, atom.Pre, atom.Hr, atom.Li, atom.Dd, atom.Dt:
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
	if a == atom.Image && !c.foreign(a) {
		a = atom.Img // as the parser renames it
	}
	switch a {
	case atom.Td, atom.Th, atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot, atom.Caption, atom.Col, atom.Colgroup:
		if c.node == nil && !c.inTableElement() && !c.foreign(a) {
			return // the parser drops a table's parts outside a table
		}
	}
	if selfClosing && !htmlx.Void(a) && !c.foreign(a) {
		// HTML ignores the slash of <div/> or <script/>: the element is
		// open, and the tokenizer reads a <script/>'s raw text after it.
		// Only SVG and MathML elements close themselves.
		selfClosing = false
	}
	switch {
	case a == atom.Head && (c.headDone || c.skipUntil >= 0):
		return
	case c.inHead() && !headContent(a):
		c.endHead() // as the parser ends it: <body> or content starts the body
	case c.skipUntil < 0 && a != atom.Html && a != atom.Head && !headContent(a):
		c.headDone = true
	}
	if a == atom.Base && !c.sawBase && c.hasAttr("href") && !c.foreign(a) && !c.inTemplate() {
		// <base> lives in the skipped <head>; the first with an href
		// counts. ConvertNodes has its caller's base, and reads none.
		c.sawBase = true
		c.setBase(c.readAttrs().href)
	}
	if c.skipUntil >= 0 {
		svg := -1
		if breaksOut(a) && c.svgs > 0 {
			svg = c.foreignRoot()
		}
		if svg >= 0 {
			// An HTML element ends the SVG it appears in, as the parser
			// has it: "<svg><div>Text" shows the text.
			c.popTo(svg)
		} else if a != atom.Html && a != atom.Body {
			c.closeImplied(a) // "<p hidden>x<p>Shown": the second ends the first
		}
	}
	if c.skipUntil >= 0 {
		if v := c.video; v != nil && a == atom.Source && v.src == "" && len(c.stack) == v.depth+1 {
			v.src = c.readAttrs().src
		}
		// Track depth inside hidden content so its end is found.
		if !htmlx.Void(a) && !selfClosing {
			if len(c.stack) >= maxDepth {
				c.overflow++
				return
			}
			c.push(c.newElement(a, name))
		}
		return
	}
	if len(c.stack) >= maxDepth && !htmlx.Void(a) {
		c.overflow++
		return
	}
	if c.pre == nil && (c.math != nil || a == atom.Math) {
		c.mathTag(a, name, selfClosing)
		return
	}
	var at attrs
	if wantsAttrs(a) || c.mayHide() {
		at = c.readAttrs()
		at.hidden = at.hidden && !c.opt.ShowHidden
	}
	if c.pre != nil {
		// A button in a code block is a "copy" control, not code.
		if (c.hides(a) || a == atom.Button || at.hidden) && !htmlx.Void(a) && !selfClosing {
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
		if !htmlx.Void(a) && !selfClosing {
			c.push(c.newElement(a, name))
		}
		return
	}
	if a != atom.Html && a != atom.Body {
		c.closeImplied(a)
	}
	if (c.hides(a) || at.hidden) && !htmlx.Void(a) {
		if a == atom.Video && !at.hidden && !c.foreign(a) && !c.inNoscript() {
			c.video = &videoState{src: at.src, poster: at.poster, title: at.title, depth: len(c.stack)}
		}
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
	if htmlx.Void(a) || selfClosing {
		c.voidElement(a, at)
		if !htmlx.Void(a) {
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

// setBase applies the page's first <base href>, against the document's
// URL (htmlx.Base: the rule the tree path follows too).
func (c *converter) setBase(href string) {
	c.base = htmlx.Base(c.opt.BaseURL, href)
	c.resolved = nil
}

// plainTeX reports whether a formula's TeX may be written as an Org
// fragment, which Org's HTML export hands to MathJax as it is and LaTeX
// export to LaTeX: letters, digits and the usual operators, and no command
// that links, styles or reads files (\\href, \\style, \\input, …). Anything
// else is written as the formula's text.
func plainTeX(tex string) bool {
	for i := 0; i < len(tex); i++ {
		c := tex[i]
		if c >= utf8.RuneSelf || isLetter(c) || c >= '0' && c <= '9' {
			continue
		}
		if strings.IndexByte(" \\{}^_+-=()',./*!;", c) < 0 {
			return false
		}
	}
	if strings.Contains(tex, "^^") {
		return false // TeX reads ^^5c as a backslash
	}
	lower := strings.ToLower(tex)
	for _, cmd := range []string{"href", "url", "style", "class", "cssid", "unicode", "html", "input", "include",
		"file", "write", "immediate", "open", "read", "csname", "def", "let", "catcode", "special", "lua",
		"usepackage", "expandafter", "jobname", "shell", "endlinechar", "scantokens"} {
		if strings.Contains(lower, `\`+cmd) {
			return false
		}
	}
	return true
}

// escapedMarkup reports whether text holds a tag ("<img src=…>") once its
// entities are read: in a <noscript>, that is markup a page escaped by
// mistake (a pixel, a widget), which no reader wants as text.
func escapedMarkup(text []byte) bool {
	i := bytes.IndexByte(text, '<')
	return i >= 0 && i+1 < len(text) && (isLetter(text[i+1]) || text[i+1] == '/') && bytes.IndexByte(text[i:], '>') > 0
}

// inNoscript reports whether a <noscript> is open, or the head's one that
// the body's content ended.
func (c *converter) inNoscript() bool { return c.noscripts > 0 || c.headNoscript }

func (c *converter) push(e element) {
	if e.tag == atom.Noscript {
		c.noscripts++
	}
	if e.tag == atom.Table {
		c.tables++
	}
	if e.tag == atom.Svg {
		c.svgs++
	}
	if c.skipUntil < 0 && c.pre == nil {
		switch {
		case e.inline != 0 && isFormatting(e.tag):
			c.lastID++
			e.format = c.lastID
			if c.reopening >= 0 {
				// Opened again: the entry now follows the new element,
				// if the element's opening left it in the list.
				for i := range c.active {
					if c.active[i].id == c.reopening {
						c.active[i].id, c.active[i].open = e.format, true
					}
				}
			} else {
				c.addFormat(activeFormat{id: e.format, tag: e.tag, raw: append([]byte(nil), c.data...), node: c.node, open: true})
			}
		case e.tag == atom.Td || e.tag == atom.Th || e.tag == atom.Caption || e.tag == atom.Object ||
			e.tag == atom.Marquee || e.tag == atom.Applet || e.tag == atom.Template:
			c.lastID++
			e.format = c.lastID
			c.addFormat(activeFormat{id: e.format, marker: true})
		}
	}
	if e.inline != 0 {
		c.inline = append(c.inline, len(c.stack))
	}
	c.stack = append(c.stack, e)
}

// addFormat appends an entry to the active formatting elements; of three
// alike since the last marker the earliest goes, as the parser has it.
func (c *converter) addFormat(f activeFormat) {
	if !f.marker {
		alike, first := 0, -1
		for i := len(c.active) - 1; i >= 0 && !c.active[i].marker; i-- {
			if c.active[i].tag == f.tag && bytes.Equal(c.active[i].raw, f.raw) {
				alike, first = alike+1, i
			}
		}
		if alike >= 3 {
			c.active = append(c.active[:first], c.active[first+1:]...)
		}
	}
	if len(c.active) >= maxActiveFormats {
		c.active = append(c.active[:0], c.active[1:]...)
	}
	c.active = append(c.active, f)
}

// dropFormat removes an element's entry: its own end tag was read.
func (c *converter) dropFormat(id int) {
	for i := len(c.active) - 1; i >= 0; i-- {
		if c.active[i].id == id {
			c.active = append(c.active[:i], c.active[i+1:]...)
			return
		}
	}
}

// closedFormat records that an element was closed: a marker's end clears
// the list down to it; an entry whose element another end tag closed waits
// to be opened again.
func (c *converter) closedFormat(e element) {
	for i := len(c.active) - 1; i >= 0; i-- {
		if c.active[i].id != e.format {
			continue
		}
		if c.active[i].marker {
			c.active = c.active[:i]
		} else {
			c.active[i].open, c.stale = false, true
		}
		return
	}
}

// reconstruct opens again the formatting elements that others closed, before
// text or an inline element, as the parser does.
func (c *converter) reconstruct() {
	if !c.stale || c.reopening >= 0 || c.skipUntil >= 0 || c.pre != nil || c.math != nil {
		return
	}
	c.stale = false
	start := 0
	for i := len(c.active) - 1; i >= 0; i-- {
		if c.active[i].marker {
			start = i + 1
			break
		}
	}
	// Opening an element may change the list (a link ends another), so
	// the entries to open are taken first.
	var closed []activeFormat
	for _, f := range c.active[start:] {
		if !f.open {
			closed = append(closed, f)
		}
	}
	saved, savedNode := c.data, c.node
	for _, f := range closed {
		c.data, c.node, c.reopening = f.raw, f.node, f.id
		c.startTag(false)
	}
	c.data, c.node, c.reopening = saved, savedNode, -1
}

// reconstructs reports whether the parser reopens the formatting elements
// before a start tag a: before inline content, not before a block.
func reconstructs(a atom.Atom) bool {
	return isFormatting(a) || a == atom.Img || a == atom.Br || a == atom.Input || !special(a) && headingLevels[a] == 0
}

func (c *converter) endTag(a atom.Atom, name string) {
	if a == atom.Noscript && c.headNoscript && c.noscripts == 0 {
		c.headNoscript = false // the head's, which the body's content ended
		return
	}
	if c.overflow > 0 && len(c.stack) >= maxDepth {
		c.overflow--
		return
	}
	if a == atom.Br && c.skipUntil < 0 {
		// </br> is read as <br> by browsers.
		c.voidElement(atom.Br, attrs{})
		return
	}
	// The parser's rules for end tags (the "in body" insertion mode): an
	// end tag of a heading closes whichever heading is open; one of an
	// element the parser closes implicitly ("any other end tag": <span>,
	// <label>…) stops at a block, which it cannot close; formatting runs
	// the adoption agency (see adopt).
	heading := headingLevels[a] > 0
	other := c.skipUntil < 0 && otherEndTag(a)
	for i := len(c.stack) - 1; i >= 0; i-- {
		e := c.stack[i]
		if e.tag == a && (a != 0 || e.name == name) || heading && headingLevels[e.tag] > 0 {
			if e.format != 0 && isFormatting(e.tag) {
				c.dropFormat(e.format)
				c.stack[i].format = 0
			}
			if isFormatting(a) && c.adopt(i) {
				return
			}
			c.popTo(i)
			return
		}
		if other && special(e.tag) || a == atom.Li && (e.tag == atom.Ul || e.tag == atom.Ol) {
			return // </li> reaches no item outside the list it is in
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
	if isFormatting(a) {
		// Its element was closed by another's end: it is not opened
		// again ("<span><a href=x></span></a> text" links nothing).
		for i := len(c.active) - 1; i >= 0 && !c.active[i].marker; i-- {
			if c.active[i].tag == a {
				c.active = append(c.active[:i], c.active[i+1:]...)
				break
			}
		}
	}
}

// adopt ends the formatting element at i of the stack as the parser's
// adoption agency does when blocks were opened inside it: the blocks stay
// open, and only the formatting ends ("<b><p>x</b>y</p>": y is in the
// paragraph, not bold). It reports whether it did; without a block above
// the element, the caller pops to it.
func (c *converter) adopt(i int) bool {
	if c.math != nil && c.math.depth > i {
		return false // a formula's end is found by its depth: left as it is
	}
	block := false
	for _, e := range c.stack[i+1:] {
		if special(e.tag) {
			block = true
			break
		}
	}
	if !block {
		return false
	}
	e := c.stack[i]
	if e.span != nil && e.span.gen == e.spanGen && c.isOpen(e.span) {
		c.closeSpan(e.span)
		c.inlineDirty = true // the spans opened inside it open again
	}
	c.stack = append(c.stack[:i], c.stack[i+1:]...)
	k := 0
	for _, j := range c.inline {
		if j == i {
			continue
		}
		if j > i {
			j--
		}
		c.inline[k] = j
		k++
	}
	c.inline = c.inline[:k]
	// What is found by its place in the stack moves down with it: the
	// hidden element being skipped ("<a><div hidden><a>" keeps the div
	// hidden), the code block, the table.
	if c.skipUntil > i {
		c.skipUntil--
	}
	if c.pre != nil && c.pre.depth > i {
		c.pre.depth--
	}
	if c.table != nil && c.table.depth > i {
		c.table.depth--
	}
	return true
}

// isFormatting reports whether a is one of the parser's formatting elements:
// those whose end tag runs the adoption agency.
func isFormatting(a atom.Atom) bool {
	switch a {
	case atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.Nobr, atom.S,
		atom.Small, atom.Strike, atom.Strong, atom.Tt, atom.U:
		return true
	}
	return false
}

// otherEndTag reports whether the parser reads an end tag a by its "any
// other end tag" rule, which does not close a special element.
func otherEndTag(a atom.Atom) bool {
	if isFormatting(a) || special(a) || headingLevels[a] > 0 {
		return false
	}
	switch a {
	case atom.Dialog, atom.Search, atom.Br:
		return false
	}
	return true
}

// special reports whether a is in the parser's "special" category: an
// element that formatting and unknown end tags do not close.
func special(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Applet, atom.Area, atom.Article, atom.Aside, atom.Base, atom.Basefont,
		atom.Bgsound, atom.Blockquote, atom.Body, atom.Br, atom.Button, atom.Caption, atom.Center,
		atom.Col, atom.Colgroup, atom.Dd, atom.Details, atom.Dir, atom.Div, atom.Dl, atom.Dt,
		atom.Embed, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.Frame,
		atom.Frameset, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Head, atom.Header,
		atom.Hgroup, atom.Hr, atom.Html, atom.Iframe, atom.Img, atom.Input, atom.Keygen, atom.Li,
		atom.Link, atom.Listing, atom.Main, atom.Marquee, atom.Menu, atom.Meta, atom.Nav,
		atom.Noembed, atom.Noframes, atom.Noscript, atom.Object, atom.Ol, atom.P, atom.Param,
		atom.Plaintext, atom.Pre, atom.Script, atom.Search, atom.Section, atom.Select, atom.Source,
		atom.Style, atom.Summary, atom.Table, atom.Tbody, atom.Td, atom.Template, atom.Textarea,
		atom.Tfoot, atom.Th, atom.Thead, atom.Title, atom.Tr, atom.Track, atom.Ul, atom.Wbr, atom.Xmp:
		return true
	}
	return false
}

// inTemplate reports whether a <template> is open: its content is no part
// of the document (a <base> there counts for nothing).
func (c *converter) inTemplate() bool {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].tag == atom.Template {
			return true
		}
	}
	return false
}

// inTableElement reports whether a <table> is open.
func (c *converter) inTableElement() bool { return c.tables > 0 }

// foreign reports whether a start tag a is SVG's or MathML's: an element
// that "/>" closes.
func (c *converter) foreign(a atom.Atom) bool {
	if a == atom.Svg || a == atom.Math || c.math != nil {
		return true
	}
	for i := len(c.stack) - 1; i >= 0; i-- {
		switch c.stack[i].tag {
		case atom.Svg, atom.Math:
			return true
		case atom.ForeignObject:
			return false
		}
	}
	return false
}

// inHead reports whether the head is open, with nothing but a <noscript>
// open inside it: where a tag or text that is not the head's ends it.
func (c *converter) inHead() bool {
	if c.skipUntil < 0 || c.stack[c.skipUntil].tag != atom.Head {
		return false
	}
	for _, e := range c.stack[c.skipUntil+1:] {
		if e.tag != atom.Noscript || c.opt.Scripted {
			return false // a scripted page's <noscript> holds raw text
		}
	}
	return true
}

// endHead closes the head where a page leaves out </head>.
func (c *converter) endHead() {
	c.headNoscript = c.noscripts > 0
	c.popTo(c.skipUntil)
	c.headDone = true
}

// headContent reports whether a start tag a belongs in the head (the HTML
// parser's "in head" insertion mode keeps it there).
func headContent(a atom.Atom) bool {
	switch a {
	case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta, atom.Title, atom.Noscript,
		atom.Noframes, atom.Style, atom.Script, atom.Template, atom.Html:
		return true
	}
	return false
}

// popTo closes the elements from the top of the stack down to index i.
func (c *converter) popTo(i int) {
	for len(c.stack) > i {
		n := len(c.stack) - 1
		e := c.stack[n]
		c.stack = c.stack[:n]
		if e.inline != 0 {
			c.inline = c.inline[:len(c.inline)-1]
		}
		if e.format != 0 {
			c.closedFormat(e)
		}
		if e.tag == atom.Noscript {
			c.noscripts--
		}
		if e.tag == atom.Table {
			c.tables--
		}
		if e.tag == atom.Svg {
			c.svgs--
		}
		if c.skipUntil >= 0 {
			if n == c.skipUntil {
				c.skipUntil = -1
				c.headDone = c.headDone || e.tag == atom.Head
				if v := c.video; v != nil {
					c.video = nil
					if v.depth == n {
						c.writeVideo(*v)
					}
				}
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
	c.afterImage = false
	s := c.sink()
	if _, isSpan := s.(*span); isSpan {
		s.space(false)
		return
	}
	s.lineBreak(n)
}

func (c *converter) open(e *element, at attrs) {
	a := e.tag
	if c.layoutSignal(a) {
		c.unwrapTable()
	}
	if c.isBlock(a) {
		c.closeInline()
	}
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
		if c.syn == (orgSyntax{}) && len(c.bw.conts) > 0 && c.inQuote() {
			e.span.level = 0 // an Org heading cannot live inside a quote block
		}
	case atom.Strong, atom.B:
		e.span, e.inline = c.openElementEmphasis(spanStrong), spanStrong
	case atom.Em, atom.I, atom.Cite, atom.Dfn, atom.Var:
		e.span, e.inline = c.openElementEmphasis(spanEm), spanEm
	case atom.Del, atom.S, atom.Strike:
		e.span, e.inline = c.openElementEmphasis(spanDel), spanDel
	case atom.Sup:
		e.span, e.inline = c.openEmphasis(spanSup), spanSup
	case atom.Sub:
		e.span, e.inline = c.openEmphasis(spanSub), spanSub
	case atom.Q:
		e.span = c.openSpan(spanQuote, "", "")
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		if c.codeSpan() == nil {
			if e.span = c.continueSpan(spanCode); e.span == nil {
				e.span = c.openSpan(spanCode, "", "")
			}
		}
	case atom.A:
		// A link to the page itself, or one the page may not make, is
		// text: no span, so that blocks inside it stay blocks.
		href := strings.TrimSpace(at.href)
		switch {
		case c.codeSpan() != nil || href == "":
		case strings.HasPrefix(href, "#"):
			if c.inHeading() {
				// Held to see whether it is a permalink mark (closeLink).
				e.span, e.inline, e.href = c.openSpan(spanLink, href, ""), spanLink, href
			}
		case c.resolve(href) != "":
			e.span, e.inline, e.href = c.openSpan(spanLink, href, ""), spanLink, href
			e.title = collapseSpace(at.title)
			e.span.title = e.title
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
					if n < 0 && c.opt.Format != FormatText {
						n = 0 // see listNumber: shown from 0, counting on
					}
					l.next, l.start = n, n
				}
			}
			if at.reversed {
				l.step = -1
				if at.start == "" {
					// A reversed list counts down from its number of
					// items, which only a look ahead can tell.
					if n := c.countItems(); n > 0 {
						l.next, l.start = n, n
					} else {
						l.step = 1 // too long to see: count up
					}
				}
			}
		}
		l.cellMode = c.table != nil || len(c.spans) > 0
		if p := c.currentList(); p != nil && !p.def && !p.cellMode && !l.cellMode && p.items > 0 && len(c.stack) > 0 &&
			(c.stack[len(c.stack)-1].tag == atom.Ul || c.stack[len(c.stack)-1].tag == atom.Ol || c.stack[len(c.stack)-1].tag == atom.Menu) {
			// A list put straight in a list, outside any item (as
			// editors write it): a browser shows it under the item
			// before it, and so does this, as a nested list.
			c.block(1)
			indent := strings.Repeat(" ", p.indent)
			c.bw.push(indent, indent)
			e.container = true
		}
		if len(c.lists) > 0 && !l.cellMode {
			if c.opt.Format == FormatOrg && c.bw.topUnused() && !e.container {
				// "- - x" is one item to Org: the outer bullet gets a
				// line of its own, the inner list goes under it.
				c.bw.rawLine("")
			}
			// A nested list follows its item's text on the next line,
			// without the blank line that would make the list loose.
			c.block(1)
			if c.bw.pendingNL > 1 && c.bw.last != '\n' {
				c.bw.pendingNL = 1 // after the item's text, not after a table or code
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
		if s := c.codeSpan(); s != nil && len(c.spans) == 1 {
			// <code><pre>…</pre></code>: the block is the code, whose
			// lines it keeps; the inline span around it ends here.
			c.closeSpan(s)
		}
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
			c.table.caption = &cellSink{nbsp: c.bw.nbsp, esc: newEscaper(c.opt.Format, false)}
		}
	case atom.Thead, atom.Tbody, atom.Tfoot:
		if c.table != nil && c.innerTable == 0 {
			c.table.spanEnd = c.table.spanEnd[:0] // no rowspan reaches out of its row group
		}
	case atom.Tr:
		c.openRow()
	case atom.Td, atom.Th:
		if c.table == nil && c.inLayoutTable() {
			c.block(2)
			e.block = 2
			return
		}
		c.openCell(a == atom.Th, at.colspan, at.rowspan, cellAlign(at))
	}
}

// mathTag handles a start tag of MathML: <math> starts a formula, a TeX
// annotation is kept aside, other annotations are hidden.
func (c *converter) mathTag(a atom.Atom, name []byte, selfClosing bool) {
	if selfClosing || htmlx.Void(a) {
		return
	}
	switch a {
	case atom.Math:
		if c.math == nil {
			block := false
			c.forEachAttr(func(k, v []byte) {
				block = block || string(k) == "display" && strings.EqualFold(string(v), "block")
			})
			c.math = &mathState{depth: len(c.stack), block: block}
		}
	case atom.Annotation:
		tex := false
		c.forEachAttr(func(k, v []byte) {
			tex = tex || string(k) == "encoding" && strings.Contains(strings.ToLower(string(v)), "tex")
		})
		if tex && !c.math.hasTeX {
			c.math.inTeX, c.math.hasTeX = true, true
		} else {
			c.skipUntil = len(c.stack)
		}
	case atom.AnnotationXml:
		c.skipUntil = len(c.stack)
	}
	c.push(c.newElement(a, name))
}

// closeMath writes the formula: its TeX as a formula where the format has
// one ($x$ in Markdown, \(x\) in Org), or its text.
func (c *converter) closeMath() {
	m := c.math
	if m == nil || len(c.stack) != m.depth {
		return
	}
	c.math = nil
	// A formula is written on one line, as it is: white space of any
	// kind becomes one space.
	tex := strings.Join(strings.Fields(m.tex.String()), " ")
	text := strings.Join(strings.Fields(m.text.String()), " ")
	if m.block {
		c.block(2)
	}
	switch {
	case tex != "" && c.opt.Format == FormatMarkdown && !strings.ContainsAny(tex, "$`<[]|"):
		// As pandoc writes it: TeX as it is, for a reader that renders
		// math; one that does not shows the TeX.
		c.piece("$"+tex+"$", false)
	case tex != "" && c.opt.Format == FormatOrg && !strings.Contains(tex, `\)`) && plainTeX(tex):
		c.piece(`\(`+tex+`\)`, false)
	case tex != "" && c.opt.Format == FormatText:
		c.piece(tex, true)
	case text != "":
		c.textPiece(text)
	}
	if m.block {
		c.block(2)
	}
}

// inQuote reports whether a quote is open.
func (c *converter) inQuote() bool {
	for i := range c.stack {
		if c.stack[i].quote || c.stack[i].container && c.stack[i].tag == atom.Blockquote {
			return true
		}
	}
	return false
}

// isBlock reports whether a starts a block: inline spans open around it
// end before it.
func (c *converter) isBlock(a atom.Atom) bool {
	switch a {
	case atom.Ul, atom.Ol, atom.Menu, atom.Dl, atom.Li, atom.Dt, atom.Dd, atom.Pre, atom.Listing, atom.Xmp,
		atom.Plaintext, atom.Table, atom.Caption, atom.Tr, atom.Td, atom.Th, atom.Hr:
		return true
	}
	return headingLevels[a] > 0 || c.blockBreak(a) > 0
}

// closeInline closes the emphasis and link spans open at the start of a
// block; reopenInline opens them again inside it.
func (c *converter) closeInline() {
	for n := len(c.spans); n > 0; n = len(c.spans) {
		s := c.spans[n-1]
		if s.kind == spanHeading || s.kind == spanCode || s.kind == spanQuote {
			return
		}
		c.closeSpan(s)
		c.inlineDirty = true
	}
}

// maxReopen is how many of the innermost inline elements reopenInline
// considers: formatting nested deeper is a page's accident, and looking at
// all of it before every text would cost the depth of the page each time.
const maxReopen = 32

// reopenInline opens again the spans of the emphasis and link elements
// still open whose span a block closed, before content that they hold.
func (c *converter) reopenInline() {
	if !c.inlineDirty || c.resolving {
		return
	}
	c.inlineDirty = false
	window := c.inline[max(0, len(c.inline)-maxReopen):]
	open := func(e *element) bool { return e.span != nil && e.span.gen == e.spanGen && c.isOpen(e.span) }
	first := -1
	for k, i := range window {
		if !open(&c.stack[i]) {
			first = k
			break
		}
	}
	if first < 0 {
		return
	}
	// The spans of elements inside the first to reopen were opened after
	// the block: reopened first, that one would nest inside them ("<em>
	// <li>a</li><a>b</a></em>" lost its link). Closed (they hold nothing
	// yet), they open again in order.
	for k := len(window) - 1; k > first; k-- {
		if e := &c.stack[window[k]]; open(e) {
			c.closeSpan(e.span)
		}
	}
	for _, i := range window[first:] {
		e := &c.stack[i]
		if open(e) {
			continue
		}
		if e.inline == spanLink {
			if c.codeSpan() != nil || c.linkSpan() != nil {
				continue
			}
			e.span = c.openSpan(spanLink, e.href, "")
			e.span.title = e.title
		} else if e.span = c.openEmphasis(e.inline); e.span == nil {
			continue
		}
		e.spanGen = e.span.gen
	}
}

// openEmphasis opens an emphasis span, unless one of the same kind is open:
// "*a *b* c*" would end the outer one at the inner one's end.
func (c *converter) openEmphasis(kind spanKind) *span {
	if c.codeSpan() != nil {
		return nil // code shows its text, not markup: `foo<b>bar</b>` is `foobar`
	}
	for _, s := range c.spans {
		if s.kind == kind && !s.spilled {
			return nil
		}
	}
	return c.openSpan(kind, "", "")
}

// openElementEmphasis opens the emphasis of an element: the run of the
// same emphasis just before it goes on, if nothing came between. (Not for
// <sup> and <sub>: "[19][25]" are two citation marks.)
func (c *converter) openElementEmphasis(kind spanKind) *span {
	if c.codeSpan() == nil {
		if s := c.continueSpan(kind); s != nil {
			return s
		}
	}
	return c.openEmphasis(kind)
}

// continueSpan takes back the span of kind just closed, when nothing came
// after it: "<b>a</b><b>b</b>" is one run of bold (**ab**, not **a****b**),
// and two code elements in a row one code span.
func (c *converter) continueSpan(kind spanKind) *span {
	s := c.pendingEm
	if s == nil || s.kind != kind || s.spilled || c.tags != s.closedAt+1 {
		// Only the start tag right after the end tag that closed it:
		// a cell's, an item's or a block's end between keeps them apart.
		return nil
	}
	c.pendingEm = nil
	c.spans = append(c.spans, s)
	return s
}

func (c *converter) close(e element) {
	if e.inline == 0 && len(c.inline) > 0 && c.isBlock(e.tag) {
		c.closeInline() // spans opened inside the block end with it
	}
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
			if e.list.items > 0 { // an empty list shows nothing to merge with
				c.listEndedAt, c.listEndedAlt, c.listEndedOrdered = n-1, e.list.alt, e.list.ordered
			}
		}
	}
	switch e.tag {
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext:
		if c.pre != nil && c.pre.depth == len(c.stack) {
			c.closePre()
		}
	case atom.Table:
		c.closeTable()
	case atom.Math:
		c.closeMath()
	case atom.Annotation:
		if c.math != nil {
			c.math.inTeX = false
		}
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
	for len(c.headingStack) > 0 && c.headingStack[len(c.headingStack)-1] >= level {
		c.headingStack = c.headingStack[:len(c.headingStack)-1]
	}
	c.headingStack = append(c.headingStack, level)
	return c.opt.BaseLevel + len(c.headingStack)
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
				return strings.ToLower(lang)
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
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // and so do blank lines that end it ("x\n " too)
	}
	content = strings.Join(lines, "\n")
	if strings.TrimSpace(content) == "" || c.inLayoutTable() && lineNumbers(content) {
		// Blank, or the line numbers beside a code block laid out in a
		// table (highlighters do that): nothing to read.
		c.block(2)
		return
	}
	c.block(2)
	for _, l := range c.syn.codeBlock(p.lang, content) {
		c.bw.rawLine(l)
	}
	c.block(2)
}

// imageSource picks the address of an image: src, unless it is missing or a
// placeholder (a data: URL, which lazy loading swaps for the real image),
// then the lazy-loading attributes, then the largest candidate of srcset.
func imageSource(at attrs) string {
	src := strings.TrimSpace(at.src)
	if src != "" && !strings.HasPrefix(strings.ToLower(src), "data:") {
		return src
	}
	for _, s := range []string{at.dataSrc, largestCandidate(at.srcset), largestCandidate(at.dataSrcset)} {
		if s = strings.TrimSpace(s); s != "" && !strings.HasPrefix(strings.ToLower(s), "data:") {
			return s
		}
	}
	return src // a data: URL: resolve refuses it, and the alt text stays
}

// imageLink returns the address an image is written with: a local copy's
// when Options.Images keeps one, else the image's resolved URL ("" when
// there is none to show).
func (c *converter) imageLink(at attrs) (src string, local bool) {
	raw := imageSource(at)
	if c.opt.Images == nil || c.opt.Format == FormatText {
		return c.resolve(raw), false
	}
	if isDataImage(raw) {
		if link, ok := c.opt.Images.Link(strings.TrimSpace(raw)); ok {
			return link, true
		}
		return "", false
	}
	if src = c.resolve(raw); src == "" {
		return "", false
	}
	return c.opt.Images.Link(src)
}

// isDataImage reports whether src is a data: URL of an image.
func isDataImage(src string) bool {
	src = strings.TrimSpace(src)
	return len(src) > len("data:image/") && strings.EqualFold(src[:len("data:image/")], "data:image/")
}

// ImageSources returns, in document order, the addresses of the images
// under nodes that the converter would write (not those it leaves out as
// hidden, or inside <head>, <svg>, <video>…), resolved against base: what
// to start downloading before the conversion asks for them. Data: images
// are returned as they are written.
func ImageSources(nodes []*html.Node, base *url.URL, local bool) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Video && n.Namespace == "" {
			if at := nodeAttrs(n); !at.hidden {
				src := at.src
				for k := n.FirstChild; k != nil && src == ""; k = k.NextSibling {
					if k.Type == html.ElementNode && k.DataAtom == atom.Source {
						src = nodeAttrs(k).src
					}
				}
				// The poster of a video written as a link (see writeVideo).
				allowed := func(raw string) bool {
					u := htmlx.ResolveURL(base, strings.TrimSpace(raw))
					return u != "" && htmlx.LinkAllowed(u, local)
				}
				if poster := strings.TrimSpace(at.poster); src != "" && !strings.HasPrefix(strings.TrimSpace(src), "#") && allowed(src) && poster != "" && !isDataImage(poster) && allowed(poster) {
					out = append(out, htmlx.ResolveURL(base, poster))
				}
			}
			return
		}
		if n.Type == html.ElementNode && skipped(n.DataAtom) {
			return // the converter shows nothing of these
		}
		if n.Type == html.ElementNode && len(n.Attr) > 0 && n.DataAtom != atom.Img && nodeAttrs(n).hidden {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Img {
			at := nodeAttrs(n)
			if at.hidden {
				return
			}
			raw := imageSource(at)
			if isDataImage(raw) {
				out = append(out, strings.TrimSpace(raw))
			} else if u := htmlx.ResolveURL(base, raw); u != "" && htmlx.LinkAllowed(u, local) {
				out = append(out, u)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

// largestCandidate returns the URL of the widest (or densest) candidate of
// a srcset: "a.jpg 300w, b.jpg 600w" gives b.jpg.
func largestCandidate(srcset string) string {
	best, bestSize := "", -1.0
	for _, cand := range strings.Split(srcset, ",") {
		f := strings.Fields(cand)
		if len(f) == 0 {
			continue
		}
		size := 1.0
		if len(f) > 1 {
			d := f[1]
			if n, err := strconv.ParseFloat(d[:len(d)-1], 64); err == nil && (strings.HasSuffix(d, "w") || strings.HasSuffix(d, "x")) {
				size = n
			}
		}
		if size > bestSize {
			best, bestSize = f[0], size
		}
	}
	return best
}

// lineNumbers reports whether s is only numbers, one a line.
func lineNumbers(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !allDigits(l) {
			return false
		}
	}
	return true
}

func (c *converter) voidElement(a atom.Atom, at attrs) {
	switch a {
	case atom.Br:
		c.lineBreakTag()
	case atom.Hr:
		if c.layoutSignal(a) {
			c.unwrapTable()
		}
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
		if c.inNoscript() {
			// Most often a tracking pixel, or the copy of a lazy image
			// written already (one whose placeholder is no <img> is lost:
			// keeping the copies cost items and text on the real pages).
			return
		}
		src, local := c.imageLink(at)
		c.reopenInline()
		alt := collapseSpace(at.alt)
		shownAlt := alt // what the image's markup carries
		if local && c.opt.Format == FormatOrg {
			// Org shows a link inline as an image only when it has no
			// description, and a relative path is a file only when it
			// says file:.
			src, shownAlt = "file:"+src, ""
		}
		var out string
		switch {
		case c.opt.Format == FormatText && c.opt.NoImageText:
		case c.opt.Format == FormatText:
			out = textSyntax{}.image(alt, "", "", false)
		case src == "":
			// Nothing to show: the alternative text stands in, as text.
			if alt != "" {
				out = c.textEscape("[" + alt + "]")
			}
		case c.opt.Format == FormatOrg && c.linkSpan() != nil:
			// Org links cannot nest: the link decides at its end where
			// the image goes (see closeLink).
			l := c.linkSpan()
			l.images = append(l.images, orgImage{src: src, alt: shownAlt})
			l.hasImage = true
			markup := c.syn.image(shownAlt, src, "", c.inTable())
			if sp, ok := c.sink().(*span); ok {
				sp.events = append(sp.events, event{kind: evImage, s: markup})
			} else {
				c.piece(markup, false)
			}
			c.afterImage = true
			return
		default:
			out = c.syn.image(shownAlt, src, collapseSpace(at.title), c.inTable())
		}
		if out != "" {
			c.afterImage = true
			c.piece(out, src == "") // the alternative text alone is text
			if s := c.linkSpan(); s != nil {
				s.hasImage = true
				s.raw.WriteString(alt)
			}
		}
	case atom.Input:
		// Form fields show nothing useful as text.
	}
}

// writeVideo writes a video as a link to it, as the page's own link would
// be (the same URL policy: a remote page links only to http, https and
// mailto): its poster, when it has one, is the link's image, as a
// thumbnail that links to the video; else the link's text is the video's
// title, or "video". A video inside a link or code, or without an address
// the page may link to, is left out as before.
func (c *converter) writeVideo(v videoState) {
	href := strings.TrimSpace(v.src)
	if href == "" || strings.HasPrefix(href, "#") || c.resolve(href) == "" || c.linkSpan() != nil || c.codeSpan() != nil {
		return
	}
	c.reopenInline()
	name := collapseSpace(v.title)
	if name == "" {
		name = "video"
	}
	s := c.openSpan(spanLink, href, "")
	// A data: poster is most often a placeholder, as a lazy image's is.
	if poster := strings.TrimSpace(v.poster); poster != "" && !isDataImage(poster) && c.resolve(poster) != "" && c.opt.Format != FormatText {
		c.voidElement(atom.Img, attrs{src: poster, alt: name})
	} else {
		c.text([]byte(name))
	}
	c.closeSpan(s)
}

func (c *converter) codeSpan() *span {
	for i := len(c.spans) - 1; i >= 0; i-- {
		if c.spans[i].kind == spanCode {
			return c.spans[i]
		}
	}
	return nil
}

// inHeading reports whether a heading is open around the current token.
func (c *converter) inHeading() bool {
	for _, s := range c.spans {
		if s.kind == spanHeading {
			return true
		}
	}
	return false
}

func (c *converter) linkSpan() *span {
	for i := len(c.spans) - 1; i >= 0; i-- {
		if c.spans[i].kind == spanLink {
			return c.spans[i]
		}
	}
	return nil
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

// nextTextStart returns ' ' when the token after the current one is text
// that starts with white space, and 'x' (a letter) otherwise, or when the
// next token is not in sight.
func (c *converter) nextTextStart() rune {
	next := c.pos + 1
	if c.reopening >= 0 {
		next = c.pos // the element opened again comes before the current token
	}
	if c.batch == nil || next >= len(c.batch.toks) {
		return 'x'
	}
	t := c.batch.toks[next]
	if t.tt == html.TextToken && t.end > t.start {
		switch c.batch.buf[t.start] {
		case ' ', '\t', '\n', '\r', '\f':
			return ' '
		}
	}
	return 'x'
}

// countItems counts the items of the list whose start tag is the current
// token, looking ahead in the current batch of tokens; 0 means its end is
// not in sight.
func (c *converter) countItems() int {
	depth, items := 0, 0
	var name []byte
	for _, t := range c.batch.toks[c.pos+1:] {
		if t.tt == html.TextToken {
			continue
		}
		name = appendTagName(name[:0], c.batch.buf[t.start:t.end])
		switch a := atom.Lookup(name); {
		case (a == atom.Ol || a == atom.Ul) && t.tt == html.StartTagToken:
			depth++
		case (a == atom.Ol || a == atom.Ul) && t.tt == html.EndTagToken:
			if depth == 0 {
				return items
			}
			depth--
		case a == atom.Li && t.tt == html.StartTagToken && depth == 0:
			items++
		}
	}
	return 0
}
