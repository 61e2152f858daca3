package readable

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// This file is our extractor: Mozilla Readability's scoring, as
// go-readability ports it, in time linear in the page. Readability
// measures each candidate's text and links by walking its subtree again,
// and copies the page for each attempt; on a large page that is most of
// the work. Here one walk of the page, which is never changed, gathers
// every measure bottom-up, and only the article is copied.
//
// The page is read as Readability would see it after its preparation,
// without making those changes: removed elements (scripts, hidden ones,
// unlikely candidates, the byline) are skipped, a <div> of phrasing content
// counts as a <p>, and the runs of phrasing content in a <div> that also
// holds blocks count as <p>s of their own.

// passFlags are the measures an attempt uses; each attempt after a too
// short article drops one, as Readability does.
type passFlags uint8

const (
	flagStripUnlikely passFlags = 1 << iota
	flagWeightClasses
	flagCleanConditionally
	allFlags = flagStripUnlikely | flagWeightClasses | flagCleanConditionally
)

const (
	minScoredText    = 25   // a shorter paragraph does not count
	maxScoredLevels  = 5    // a paragraph's score goes up this many ancestors
	nTopCandidates   = 5    // kept for the search of a common ancestor
	minArticleLength = 500  // a shorter article makes another attempt
	maxByline        = 100  // a longer text is no byline
	maxTitleHeading  = 1000 // a longer heading is no title
)

// textStats measures text: its length with white space collapsed, its
// commas, and the weighted length of its link text.
type textStats struct {
	chars  int
	commas int
	links  float64
}

func (s *textStats) add(t textStats) {
	if s.chars > 0 && t.chars > 0 {
		s.chars++ // the space between them
	}
	s.chars += t.chars
	s.commas += t.commas
	s.links += t.links
}

func (s textStats) linkDensity() float64 {
	if s.chars == 0 {
		return 0
	}
	return s.links / float64(s.chars)
}

// measureText measures a text node's data.
func measureText(data string) textStats {
	var s textStats
	inWord := false
	for i := 0; i < len(data); {
		r := rune(data[i])
		if r < utf8.RuneSelf {
			i++
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(data[i:])
			i += size
		}
		if r <= ' ' && asciiSpace[r] || r >= utf8.RuneSelf && unicode.IsSpace(r) {
			inWord = false
			continue
		}
		if !inWord && s.chars > 0 {
			s.chars++
		}
		inWord = true
		s.chars++
		if isComma(r) {
			s.commas++
		}
	}
	return s
}

var asciiSpace = [...]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// isComma reports the commas of Latin, Arabic, Chinese and other scripts.
func isComma(r rune) bool {
	switch r {
	case ',', '\u060C', '\uFE50', '\uFE10', '\uFE11', '\u2E41', '\u2E34', '\u2E32', '\uFF0C':
		return true
	}
	return false
}

// divShape is how a <div> is read.
type divShape uint8

const (
	divKeep     divShape = iota // a div, its runs of phrasing content paragraphs
	divCollapse                 // its only paragraph, in its place
	divToP                      // a paragraph itself
)

// run is a run of phrasing content in a <div> that also holds blocks:
// from first to last, the nodes that Readability wraps in a <p>.
type run struct {
	first, last *html.Node
	stats       textStats
}

// divInfo is how a div that is not kept as it is, or that holds runs, is
// read.
type divInfo struct {
	shape divShape
	runs  []*run
	only  *html.Node // divCollapse: the <p> that replaces it, if a real one
}

// candidate is an element that paragraphs scored.
type candidate struct {
	n     *html.Node
	score float64
	stats textStats
}

// extraction is what attempts share.
type extraction struct {
	title  string     // the page's title, to drop the heading that repeats it
	mark   *html.Node // an element of the page whose copy is wanted
	byline string     // the page's author: from its metadata, or its byline (then skipped)
	jsonLD []string
	h1s    []*html.Node // the page's <h1>s, but those inside a removed element
	// swaps are the images that <noscript>s hold, each in place of the
	// element it stands for: the lazy image before it, or itself.
	swaps map[*html.Node]*html.Node
}

// extracted is an article.
type extracted struct {
	article  *html.Node   // a new tree
	sources  []*html.Node // the elements of the page it was copied from
	markCopy *html.Node   // the copy of the mark, if article holds one
}

// attempt is one reading of the page with a set of flags.
type attempt struct {
	*extraction
	flags    passFlags
	markCopy *html.Node
	// copiedTables and copiedForms say whether the article holds tables,
	// forms or fieldsets: if not, their walks are saved.
	copiedTables, copiedForms, copiedImages bool
	removed                                 map[*html.Node]bool
	divs                                    map[*html.Node]*divInfo
	replaced                                map[*html.Node]bool // a <p> standing for its div
	cands                                   map[*html.Node]*candidate
	order                                   []*candidate
	chain                                   []*html.Node // the scoring ancestors of the node visited
	titleHeader                             bool         // the heading repeating the title was dropped
}

// extract returns the article of doc, or one with a nil article, copying
// mark if the article holds it; x holds what it found on the way. title
// and author are the page's, from its metadata: a page whose author is
// known has no byline to look for, as in Readability. doc is not changed.
func extract(doc *html.Node, title, author string, mark *html.Node) (best extracted, x *extraction) {
	x = &extraction{title: title, mark: mark, swaps: map[*html.Node]*html.Node{}}
	body := findBody(doc)
	if body == nil {
		return extracted{}, x
	}
	x.collectLinkedData(body.Parent, body) // the head's; the body's come with the first attempt
	if author == "" {
		author = readLinkedData(x.jsonLD).Author
	}
	x.byline = author
	bestLen := 0
	for _, flags := range []passFlags{allFlags, allFlags &^ flagStripUnlikely, flagCleanConditionally, 0} {
		a := &attempt{extraction: x, flags: flags,
			removed:  map[*html.Node]bool{},
			divs:     map[*html.Node]*divInfo{},
			replaced: map[*html.Node]bool{},
			cands:    map[*html.Node]*candidate{},
		}
		a.visit(body, 0, noAncestor, noAncestor, noAncestor)
		art, sources := a.article(body)
		a.prepare(art)
		e := extracted{art, sources, a.markCopy}
		n := charCount(art)
		if n >= minArticleLength {
			return e, x
		}
		if n > bestLen {
			best, bestLen = e, n
		}
	}
	return best, x
}

// charCount counts the characters of n's text as Readability does: runs
// of white space count as one, also between elements, except at the ends.
func charCount(n *html.Node) int {
	total, space, seen := 0, false, false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			for _, r := range n.Data {
				switch {
				case unicode.IsSpace(r):
					space = true
				case space && seen:
					total += 2
					space = false
				default:
					total++
					space, seen = false, true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return total
}

// collectLinkedData collects the JSON-LD scripts under n, but not under
// skip.
func (x *extraction) collectLinkedData(n, skip *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c == skip || c.Type != html.ElementNode {
			continue
		}
		if isLinkedData(c) {
			x.jsonLD = append(x.jsonLD, textOf(c))
			continue
		}
		x.collectLinkedData(c, skip)
	}
}

func isLinkedData(n *html.Node) bool {
	return n.DataAtom == atom.Script && strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json")
}

func findBody(n *html.Node) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == atom.Body {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Head {
			continue
		}
		if b := findBody(c); b != nil {
			return b
		}
	}
	return nil
}

// noAncestor is the depth of a tag that is not an ancestor.
const noAncestor = -100

// within reports whether an ancestor at depth at is within Readability's
// reach (three levels above the parent) of a node at depth.
func within(at, depth int) bool { return depth-at <= 4 }

// visit reads n (at depth; the nearest table, code and pre ancestors at
// the depths given) and returns the measure of its text as Readability
// would have it after its preparation.
func (a *attempt) visit(n *html.Node, depth, table, code, pre int) textStats {
	switch n.Type {
	case html.TextNode:
		return measureText(n.Data)
	case html.ElementNode:
	default:
		return textStats{}
	}
	if n.DataAtom == atom.H1 && a.flags == allFlags {
		a.h1s = append(a.h1s, n)
	}
	if a.skips(n, depth, table, code) {
		a.removed[n] = true
		return textStats{}
	}
	scored := false
	switch n.DataAtom {
	case atom.Section, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.P, atom.Td, atom.Pre:
		scored = true
	case atom.Table:
		table = depth
	case atom.Code:
		code = depth
	}
	if n.DataAtom == atom.Pre {
		pre = depth
	}
	var info *divInfo
	if n.DataAtom == atom.Div && !within(pre, depth) {
		info = a.shapeDiv(n)
		if info.shape != divKeep || len(info.runs) > 0 {
			a.divs[n] = info
		}
		switch info.shape {
		case divToP:
			scored = true
		case divCollapse:
			if info.only != nil {
				a.replaced[info.only] = true
			}
		}
	}
	if a.replaced[n] {
		scored = true
	}
	onChain := info == nil || info.shape != divCollapse
	if onChain {
		a.chain = append(a.chain, n)
	}
	var s textStats
	var cur *run
	ri := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		cs := a.visit(c, depth+1, table, code, pre)
		if info != nil && ri < len(info.runs) && c == info.runs[ri].first {
			cur = info.runs[ri]
		}
		if cur != nil {
			cur.stats.add(cs)
			if c == cur.last {
				if info.shape == divKeep {
					a.score(cur.stats)
				}
				cur = nil
				ri++
			}
		}
		s.add(cs)
	}
	if onChain {
		a.chain = a.chain[:len(a.chain)-1]
	}
	if n.DataAtom == atom.A {
		s.links = float64(s.chars) * linkWeight(n)
	}
	if scored || info != nil && info.shape == divCollapse && info.only == nil {
		a.score(s)
	}
	if c := a.cands[n]; c != nil {
		c.stats = s
	}
	return s
}

// linkWeight is how much a link's text counts as links: less for a link
// within the page.
func linkWeight(n *html.Node) float64 {
	if href := strings.TrimSpace(attr(n, "href")); len(href) > 1 && href[0] == '#' {
		return 0.3
	}
	return 1
}

// skips reports whether Readability's preparation removes n, and takes
// the byline as it goes.
func (a *attempt) skips(n *html.Node, depth, table, code int) bool {
	switch n.DataAtom {
	case atom.Script:
		if a.flags == allFlags && isLinkedData(n) {
			a.jsonLD = append(a.jsonLD, textOf(n))
		}
		return true
	case atom.Noscript:
		a.swapNoscriptImage(n)
		return true
	case atom.Style, atom.Template, atom.Head:
		return true
	case atom.Img:
		if !hasImageSource(n) {
			return true // a placeholder: its <noscript> holds the image
		}
	}
	if a.replaced[n] {
		return false // Readability put it in its div's place, unexamined
	}
	if !probablyVisible(n) || attr(n, "aria-modal") == "true" && attr(n, "role") == "dialog" {
		return true
	}
	match := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	if a.byline == "" && isByline(n, match) && a.takeByline(n) {
		return true
	}
	if !a.titleHeader && (n.DataAtom == atom.H1 || n.DataAtom == atom.H2) && a.title != "" &&
		textLengthUpTo(n, maxTitleHeading) < maxTitleHeading &&
		textSimilarity(a.title, strings.TrimSpace(textOf(n))) > 0.75 {
		a.titleHeader = true
		return true
	}
	if a.flags&flagStripUnlikely != 0 {
		if n.DataAtom != atom.Body && n.DataAtom != atom.A && !within(table, depth) && !within(code, depth) {
			if containsAny(match, unlikelyWords) && !containsAny(match, maybeWords) {
				return true
			}
		}
		switch attr(n, "role") {
		case "menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog":
			return true
		}
	}
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Header, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return withoutContent(n)
	}
	return false
}

// maxBylineElements bounds the search of a byline's name: a byline is a
// line, and elements named "author" can nest (a page's author box holding
// its article), which would make the search quadratic.
const maxBylineElements = 64

// takeByline takes n's text as the byline, or that of an element in it
// whose itemprop names it, and reports whether it did.
func (a *attempt) takeByline(n *html.Node) bool {
	var named *html.Node
	budget := maxBylineElements
	var find func(*html.Node)
	find = func(m *html.Node) {
		for c := m.FirstChild; c != nil && named == nil && budget > 0; c = c.NextSibling {
			if c.Type == html.ElementNode {
				budget--
				if strings.Contains(attr(c, "itemprop"), "name") {
					named = c
					return
				}
				find(c)
			}
		}
	}
	find(n)
	if named != nil && textLengthUpTo(named, maxByline) < maxByline {
		a.byline = strings.TrimSpace(textOf(named))
		return true
	}
	if textLengthUpTo(n, maxByline) >= maxByline {
		return false
	}
	text := strings.TrimSpace(textOf(n))
	if l := utf8.RuneCountInString(text); l > 0 && l < maxByline {
		a.byline = collapse(text)
		return true
	}
	return false
}

// isByline reports whether n is named a byline; match is its class and
// id, lower-cased.
func isByline(n *html.Node, match string) bool {
	return attr(n, "rel") == "author" || strings.Contains(attr(n, "itemprop"), "author") ||
		containsAny(match, bylineWords)
}

var (
	unlikelyWords = []string{"-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager", "popup", "yom-remote"}
	maybeWords    = []string{"and", "article", "body", "column", "content", "main", "mathjax", "shadow"}
	positiveWords = []string{"article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text", "blog", "story"}
	negativeWords = []string{"-ad-", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead", "meta", "outbrain", "promo", "related", "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "tags", "widget"}
	bylineWords   = []string{"byline", "author", "dateline", "writtenby", "p-author"}
)

func containsAny(s string, words []string) bool {
	if len(s) < 3 {
		return false
	}
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// classWeight is Readability's judgement of n's class and id.
func classWeight(n *html.Node, flags passFlags) int {
	if flags&flagWeightClasses == 0 {
		return 0
	}
	w := 0
	for _, v := range []string{attr(n, "class"), attr(n, "id")} {
		if v == "" {
			continue
		}
		lower := strings.ToLower(v)
		if containsAny(lower, negativeWords) || hiddenWord(lower) {
			w -= 25
		}
		if containsAny(lower, positiveWords) {
			w += 25
		}
	}
	return w
}

// hiddenWord reports whether the words of s hold hid, hidden or d-none.
func hiddenWord(s string) bool {
	for _, f := range strings.Fields(s) {
		if f == "hid" || f == "hidden" || f == "d-none" {
			return true
		}
	}
	return false
}

func probablyVisible(n *html.Node) bool {
	for _, at := range n.Attr {
		switch at.Key {
		case "style":
			if htmlx.StyleHides(at.Val) {
				return false
			}
		case "hidden":
			return false
		case "aria-hidden":
			if at.Val == "true" && !strings.Contains(attr(n, "class"), "fallback-image") {
				return false
			}
		}
	}
	return true
}

// withoutContent reports whether n holds only white space, <br> and <hr>.
func withoutContent(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return false
			}
		case html.ElementNode:
			if c.DataAtom != atom.Br && c.DataAtom != atom.Hr {
				return false
			}
		}
	}
	return true
}

// textSimilarity is the share of b's words, by length, that a holds too.
func textSimilarity(a, b string) float64 {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' })
	}
	inA := map[string]bool{}
	for _, w := range words(a) {
		inA[w] = true
	}
	wb := words(b)
	if len(wb) == 0 {
		return 0
	}
	var all, unique int
	for i, w := range wb {
		l := utf8.RuneCountInString(w)
		if i > 0 {
			l++
		}
		all += l
		if !inA[w] {
			unique += l
		}
	}
	return 1 - float64(unique)/float64(all)
}

// shapeDiv decides how the div n is read, as Readability's preparation
// would change it.
func (a *attempt) shapeDiv(n *html.Node) *divInfo {
	info := &divInfo{}
	blocks, ps := 0, 0
	var firstP *html.Node
	var cur *run
	end := func() {
		if cur != nil {
			info.runs = append(info.runs, cur)
			cur = nil
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.CommentNode || c.Type == html.ElementNode && isInvisible(c) {
			continue // gone before Readability shapes its divs
		}
		if c.Type == html.ElementNode && c.DataAtom == atom.Br && nextIsBr(c) {
			end() // two <br>s end a paragraph
			continue
		}
		if !isPhrasing(c, true) {
			end()
			if c.Type == html.ElementNode {
				blocks++
				if c.DataAtom == atom.P {
					ps++
					firstP = c
				}
			}
			continue
		}
		if isWhitespace(c) {
			continue
		}
		if cur == nil {
			cur = &run{first: c}
		}
		cur.last = c
	}
	end()
	switch {
	case blocks == 1 && ps == 1 && len(info.runs) == 0 && a.measure(n).linkDensity() < 0.25:
		info.shape, info.only = divCollapse, firstP
	case blocks == 0 && len(info.runs) == 1 && a.measure(n).linkDensity() < 0.25:
		info.shape = divCollapse
	case len(info.runs) == 0 && !hasBlockInside(n):
		info.shape = divToP
	}
	return info
}

// nextIsBr and prevIsBr report whether a <br> follows or precedes br,
// white space apart.
func nextIsBr(br *html.Node) bool {
	return brBeside(br, func(n *html.Node) *html.Node { return n.NextSibling })
}

func prevIsBr(br *html.Node) bool {
	return brBeside(br, func(n *html.Node) *html.Node { return n.PrevSibling })
}

func brBeside(br *html.Node, step func(*html.Node) *html.Node) bool {
	for c := step(br); c != nil; c = step(c) {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" || c.Type == html.CommentNode {
			continue
		}
		return c.Type == html.ElementNode && c.DataAtom == atom.Br
	}
	return false
}

func isWhitespace(n *html.Node) bool {
	return n.Type == html.TextNode && strings.TrimSpace(n.Data) == "" ||
		n.Type == html.ElementNode && n.DataAtom == atom.Br
}

// hasBlockInside reports whether an element that Readability counts as a
// block is under n.
func hasBlockInside(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Blockquote, atom.Dl, atom.Div, atom.Img, atom.Ol, atom.P, atom.Pre, atom.Table, atom.Ul, atom.Select:
			return true
		}
		if hasBlockInside(c) {
			return true
		}
	}
	return false
}

// isPhrasing reports whether n is phrasing content (with all of its
// content, if descend).
func isPhrasing(n *html.Node, descend bool) bool {
	switch n.Type {
	case html.TextNode, html.CommentNode:
		return true
	case html.ElementNode:
	default:
		return false
	}
	switch n.DataAtom {
	case atom.Iframe, atom.Picture, atom.Video:
		return false
	case atom.Math, atom.Svg:
		return true
	case atom.A, atom.Abbr, atom.Acronym, atom.Area, atom.Audio, atom.B, atom.Bdi, atom.Bdo, atom.Big, atom.Blink,
		atom.Br, atom.Button, atom.Canvas, atom.Cite, atom.Code, atom.Data, atom.Datalist, atom.Del, atom.Dfn,
		atom.Em, atom.Embed, atom.Font, atom.I, atom.Img, atom.Input, atom.Ins, atom.Kbd, atom.Label, atom.Link,
		atom.Map, atom.Mark, atom.Marquee, atom.Meta, atom.Meter, atom.Noscript, atom.Object, atom.Output,
		atom.Progress, atom.Q, atom.Ruby, atom.S, atom.Samp, atom.Script, atom.Select, atom.Slot, atom.Small,
		atom.Span, atom.Strike, atom.Strong, atom.Sub, atom.Sup, atom.Template, atom.Textarea, atom.Time,
		atom.Tt, atom.U, atom.Var, atom.Wbr:
		if descend {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if !isPhrasing(c, true) {
					return false
				}
			}
		}
		return true
	}
	return false
}

// measure measures n's subtree, without what the attempt removed so far;
// for the few subtrees (a div's only paragraph, the article's siblings)
// that are measured apart from the one walk.
func (a *attempt) measure(n *html.Node) textStats {
	switch {
	case n.Type == html.TextNode:
		return measureText(n.Data)
	case n.Type != html.ElementNode || a.removed[n]:
		return textStats{}
	}
	var s textStats
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		s.add(a.measure(c))
	}
	if n.DataAtom == atom.A {
		s.links = float64(s.chars) * linkWeight(n)
	}
	return s
}

// score adds the score of a paragraph measuring s to its ancestors (the
// chain).
func (a *attempt) score(s textStats) {
	if s.chars < minScoredText || len(a.chain) == 0 {
		return
	}
	points := 1 + float64(s.commas+1) + math.Min(float64(s.chars/100), 3)
	for level := 0; level < maxScoredLevels && level < len(a.chain); level++ {
		anc := a.chain[len(a.chain)-1-level]
		if anc.Parent == nil || anc.Parent.Type != html.ElementNode {
			continue
		}
		c := a.cands[anc]
		if c == nil {
			c = &candidate{n: anc, score: a.initialScore(anc)}
			a.cands[anc] = c
			a.order = append(a.order, c)
		}
		divider := 1.0
		switch level {
		case 0:
		case 1:
			divider = 2
		default:
			divider = float64(level * 3)
		}
		c.score += points / divider
	}
}

// initialScore is a candidate's score before its paragraphs count.
func (a *attempt) initialScore(n *html.Node) float64 {
	s := float64(classWeight(n, a.flags))
	switch n.DataAtom {
	case atom.Div:
		s += 5
	case atom.Pre, atom.Td, atom.Blockquote:
		s += 3
	case atom.Address, atom.Ol, atom.Ul, atom.Dl, atom.Dd, atom.Dt, atom.Li, atom.Form:
		s -= 3
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Th:
		s -= 5
	}
	return s
}
