package readable

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The rules that clean an extracted article of what readers skip. Each was
// measured alone and together on ../shared/realpages (snippet F1) and on
// go-readability's test pages (word F1 against Readability.js), and kept
// only where it gained on the first and cost little on the second (whose
// reference keeps some boilerplate, and every caption): see README,
// "Reading mode".
type cleanRule uint

const (
	// ruleBoilerplateName drops small elements whose class or id names
	// boilerplate: share, related, newsletter, byline, breadcrumb, ...
	ruleBoilerplateName cleanRule = 1 << iota
	// ruleLinkDense drops small blocks that are mostly link text: lists
	// of related stories, "Read also: <link>" lines, other pages' posts
	// embedded as quotations.
	ruleLinkDense
	// ruleChrome drops forms, buttons, nav, aside and footer elements.
	ruleChrome
	// ruleLinkSection drops a heading whose section is only links ("See
	// also", "Related coverage"), with the section, and a heading left
	// with no section at the end.
	ruleLinkSection
	// ruleCreditLine drops short lines that credit a picture ("Foto:
	// Jane Doe", "© AFP") and say nothing of the story.
	ruleCreditLine
	// ruleCaption drops the captions of pictures, unless captions are
	// much of the article (a gallery, whose story is in its captions).
	ruleCaption
	// ruleDateLine drops blocks that are only a date or a time, in
	// numerals: "23.10.2018", "2021-05-04 14:30", "3:59 PM".
	ruleDateLine
	// ruleTeaser drops cards that point to other pages: a small block
	// whose heading is a link out, unless such cards are much of the
	// article (a front page).
	ruleTeaser
)

// cleanRules are the rules Article applies.
var cleanRules = ruleBoilerplateName | ruleLinkDense | ruleChrome | ruleLinkSection | ruleCreditLine | ruleCaption | ruleTeaser | ruleDateLine

// boilerplateWords are the words of class and id names that mark an
// element as something around the article rather than of it.
var boilerplateWords = map[string]bool{
	"share": true, "sharing": true, "shares": true, "social": true, "socials": true,
	"related": true, "newsletter": true, "subscribe": true, "subscription": true,
	"signup": true, "breadcrumb": true, "breadcrumbs": true, "comment": true,
	"comments": true, "promo": true, "advert": true, "advertisement": true,
	"ad": true, "sponsor": true, "sponsored": true, "tags": true,
	"widget": true, "sidebar": true, "recommended": true, "byline": true,
	"author": true, "bio": true, "popular": true, "trending": true,
	"rating": true, "print": true, "cookie": true, "banner": true,
	"readmore": true, "follow": true, "donate": true,
	"credit": true, "credits": true, "copyright": true, "disclaimer": true,
	"date": true, "dateline": true, "published": true, "timestamp": true,
	"meta": true, "category": true, "categories": true, "teasers": true,
}

// boilerplateStems mark boilerplate inside compound names too
// ("newsletterForm", "socialbar", "relatedposts").
var boilerplateStems = []string{"cookie", "newsletter", "subscri", "social", "related", "breadcrumb", "sponsor", "advert", "comment", "metadata", "affiliat"}

// hasNameWord reports whether the class or id value v holds a word
// (split at '-', '_' and white space, lower-cased) for which match is
// true. It allocates nothing for the usual lower-case ASCII names: it
// runs on every element of large pages.
func hasNameWord(v string, match func(w string) bool) bool {
	for v != "" {
		i := strings.IndexAny(v, "-_ \t\n")
		w := v
		if i >= 0 {
			w, v = v[:i], v[i+1:]
		} else {
			v = ""
		}
		if w != "" && match(strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// nameHas reports whether a word of n's class or id is one for which
// match is true.
func nameHas(n *html.Node, match func(w string) bool) bool {
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id") && hasNameWord(a.Val, match) {
			return true
		}
	}
	return false
}

// isBoilerplateWord reports whether w, a word of a class or id, is or
// holds a boilerplate word.
func isBoilerplateWord(w string) bool {
	if boilerplateWords[w] {
		return true
	}
	for _, stem := range boilerplateStems {
		if strings.Contains(w, stem) {
			return true
		}
	}
	return false
}

// isBoilerplateName reports whether n's class or id holds a boilerplate
// word, words being split at '-', '_' and white space.
func isBoilerplateName(n *html.Node) bool { return nameHas(n, isBoilerplateWord) }

// clean removes from article what the rules find, leaving at least most
// of its text: an element is removed only when it is small next to the
// whole, so that an article whose container has such a class or is a list
// of links is never emptied.
func clean(article *html.Node, rules cleanRule) {
	m := measure(article)
	total := m[0].text
	if rules&ruleCaption != 0 && textOfMarked(article, m, isCaption)*maxCaptionShare >= total {
		rules &^= ruleCaption
	}
	if rules&ruleTeaser != 0 && textOfMarked(article, m, isTeaser)*maxTeaserShare >= total {
		rules &^= ruleTeaser // a front page: its cards are its content
	}
	next := 1 // the entry of the next measured element
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			after := c.NextSibling
			if measured(c) {
				e := m[next]
				if removable(c, rules, e.size, total) {
					n.RemoveChild(c)
					next += e.span
				} else {
					next++
					walk(c)
				}
			}
			c = after
		}
	}
	walk(article)
	m = nil // free before it is measured again
	if rules&ruleLinkSection != 0 {
		dropLinkSections(article, measure(article), total)
	}
}

// dropLinkSections removes the headings under root whose section (the
// siblings up to the next heading) is mostly links, or empty. m measures
// root.
func dropLinkSections(root *html.Node, m sizes, total int) {
	type heading struct {
		n     *html.Node
		entry int
	}
	var headings []heading
	next := 1
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !measured(c) {
				continue
			}
			if isHeading(c) {
				headings = append(headings, heading{c, next})
				next += m[next].span
			} else {
				next++
				walk(c)
			}
		}
	}
	walk(root)
	for _, hd := range headings {
		h := hd.n
		var section []*html.Node
		var s size
		entry := hd.entry + m[hd.entry].span // the next sibling's
		for c := h.NextSibling; c != nil && !(c.Type == html.ElementNode && isHeading(c)); c = c.NextSibling {
			section = append(section, c)
			if measured(c) {
				s.text += m[entry].text
				s.links += m[entry].links
				entry += m[entry].span
			} else if c.Type == html.TextNode {
				s.text += collapsedLen(c.Data)
			}
		}
		if (s.text+m[hd.entry].text)*4 >= total {
			continue
		}
		if s.text == 0 && h.NextSibling != nil && !lastInArticle(h, root) {
			continue // a heading over a section the page's layout nests elsewhere
		}
		if s.links*10 >= s.text*7 {
			for _, c := range section {
				c.Parent.RemoveChild(c)
			}
			h.Parent.RemoveChild(h)
		}
	}
}

// lastInArticle reports whether nothing with text follows n in root.
func lastInArticle(n, root *html.Node) bool {
	for p := n; p != nil && p != root; p = p.Parent {
		for c := p.NextSibling; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && textLength(c) > 0 || c.Type == html.TextNode && collapse(c.Data) != "" {
				return false
			}
		}
	}
	return true
}

func isHeading(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// size is how much visible text an element holds, and how much of it is
// inside links.
type size struct{ text, links int }

// sizes holds the size of root, an element, and of the elements under it
// that hold visible text (see measured), in document order: a slice, not
// a map, as pages have hundreds of thousands of elements. Walks that go
// through the elements in the same order find each one's entry by
// counting; an element's span skips its descendants.
type sizes []sized

type sized struct {
	size
	span int // entries of the element and its descendants
}

// measured reports whether n is an element that measure gives an entry.
func measured(n *html.Node) bool { return n.Type == html.ElementNode && !isInvisible(n) }

// measure returns the sizes of root and of the elements under it, in one
// pass.
func measure(root *html.Node) sizes {
	// Counted first: growing the slice of a large page would allocate it
	// several times over.
	var count func(*html.Node) int
	count = func(n *html.Node) int {
		if !measured(n) {
			return 0
		}
		k := 1
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			k += count(c)
		}
		return k
	}
	m := make(sizes, 0, count(root))
	var walk func(n *html.Node, inLink bool) size
	walk = func(n *html.Node, inLink bool) size {
		var s size
		switch {
		case n.Type == html.TextNode:
			s.text = collapsedLen(n.Data)
			if inLink {
				s.links = s.text
			}
			return s
		case !measured(n):
			return s
		}
		entry := len(m)
		m = append(m, sized{})
		inLink = inLink || n.DataAtom == atom.A
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			cs := walk(c, inLink)
			s.text += cs.text
			s.links += cs.links
		}
		m[entry].size, m[entry].span = s, len(m)-entry
		return s
	}
	walk(root, false)
	return m
}

func removable(n *html.Node, rules cleanRule, s size, total int) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Table:
		return false
	}
	small := s.text*4 < total
	if rules&ruleTeaser != 0 && small && s.text > 0 && isTeaser(n, s) {
		return true
	}
	if rules&ruleChrome != 0 {
		switch n.DataAtom {
		case atom.Form, atom.Button, atom.Select, atom.Input, atom.Textarea:
			return true
		case atom.Nav, atom.Aside, atom.Footer:
			return small
		}
	}
	if rules&ruleCreditLine != 0 && s.text > 0 && s.text <= maxCreditLine && canStartCredit(firstRune(n)) && isCreditLine(n) {
		return true
	}
	if rules&ruleDateLine != 0 && s.text > 0 && s.text <= maxDateLine && unicode.IsDigit(firstRune(n)) && isDateLine(n) {
		return true
	}
	if rules&ruleCaption != 0 && small && s.text > 0 && isCaption(n, s) {
		return true
	}
	if rules&ruleBoilerplateName != 0 && small && isBoilerplateName(n) {
		return true
	}
	if rules&ruleLinkDense != 0 && small && s.text > 0 && s.links*10 > s.text*7 {
		switch n.DataAtom {
		case atom.Div, atom.Section:
			return true
		case atom.Blockquote:
			return true // another page's post, embedded as a card
		case atom.P:
			// "Read also: <a>a story</a>": a label and a link. A
			// paragraph that is one link alone may be the article's.
			return s.links < s.text && s.text < 200
		}
	}
	return false
}

// maxCreditLine is the longest credit line, in characters of text.
const maxCreditLine = 100

// creditLine matches the start of a picture's credit, in the languages of
// the pages measured: a label and a colon, slash or bar ("Foto: Jane
// Doe", "Image: GETTY", "(Credit: Jane Doe / Grist)"), or a copyright
// sign. An agency and a slash ("AFP / JANE DOE") is no credit here:
// "USA / …" starts like one.
var creditLine = regexp.MustCompile(`^(?i:\(?(?:foto|fotos|photo|photos|bild|bilder|titelbild|titelfoto|image|images|picture|credit|credits|crédit|crédito|imagen|quelle|illustration|grafik)\s*[:/©|]|©|\(c\)\s)`)

// isCreditLine reports whether n, a block or a small inline element, is
// a credit line: short text that starts like one.
func isCreditLine(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Span, atom.Small, atom.Div, atom.Figcaption, atom.Em, atom.I, atom.Cite:
	default:
		return false
	}
	return creditLine.MatchString(strings.TrimSpace(collapse(textOf(n))))
}

// maxCaptionShare: captions that hold a third of an article's text or
// more are its content.
const maxCaptionShare = 3

// isCaption reports whether n is a picture's caption: a <figcaption>, an
// element whose class or id says caption or legend, the text beside a
// picture in a <figure>, or a short line that a figure's number starts
// ("Figure 4: ...", "Abb. 2."); a table's title is left alone. s is n's
// size.
func isCaption(n *html.Node, s size) bool {
	if n.DataAtom == atom.Figcaption {
		return true
	}
	if nameHas(n, isCaptionWord) {
		return true
	}
	if s.text <= maxNumberedCaption && isNumberedCaption(n) {
		return true
	}
	switch n.DataAtom {
	case atom.Span, atom.Small, atom.Div:
		f := n.Parent
		return f != nil && f.DataAtom == atom.Figure && !hasMedia(n) && hasMedia(f) && !holdsHeading(f)
	}
	return false
}

// maxNumberedCaption is the longest numbered caption, in bytes of text.
const maxNumberedCaption = 200

// numberedCaption matches the start of a figure's caption: a label and a
// number, in the languages of the pages measured.
var numberedCaption = regexp.MustCompile(`^(?i:fig\.|figure|figura|abb\.|abbildung|grafik)\s*\d+\s*[:.]`)

// isNumberedCaption reports whether n, a paragraph or a small inline
// element, is a short line that starts as a figure's caption does.
func isNumberedCaption(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Span, atom.Small, atom.Em, atom.I, atom.Div:
	default:
		return false
	}
	switch unicode.ToLower(firstRune(n)) {
	case 'f', 'a', 'g':
	default:
		return false
	}
	t := collapse(textOf(n))
	return len(t) <= maxNumberedCaption && numberedCaption.MatchString(t)
}

// holdsHeading reports whether one of n's children is a heading: a
// <figure> that holds one is a story's header, not a picture.
func holdsHeading(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.H1 || isHeading(c) {
			return true
		}
	}
	return false
}

// isCaptionWord reports whether w, a word of a class or id, names a
// caption.
func isCaptionWord(w string) bool { return w == "legend" || strings.Contains(w, "caption") }

// hasMedia reports whether n holds a picture or a video.
func hasMedia(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Img, atom.Picture, atom.Video, atom.Svg, atom.Iframe, atom.Object, atom.Embed, atom.Canvas:
			return true
		}
		if hasMedia(c) {
			return true
		}
	}
	return false
}

// textOfMarked returns how much text the elements under root for which
// is reports true hold (not counting those inside another). m measures
// root.
func textOfMarked(root *html.Node, m sizes, is func(*html.Node, size) bool) int {
	next := 1
	var walk func(*html.Node) int
	walk = func(n *html.Node) int {
		t := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !measured(c) {
				continue
			}
			if e := m[next]; e.text > 0 && is(c, e.size) {
				t += e.text
				next += e.span
			} else {
				next++
				t += walk(c)
			}
		}
		return t
	}
	return walk(root)
}

// maxTeaser is the most text, in bytes, of a teaser; maxTeaserShare:
// teasers that hold a third of an article's text or more are its
// content.
const (
	maxTeaser      = 600
	maxTeaserShare = 3
)

// isTeaser reports whether n, of size s, is a card that points to another
// page: a block whose first heading is a link out of the page, with a few
// lines beside it.
func isTeaser(n *html.Node, s size) bool {
	switch n.DataAtom {
	case atom.Div, atom.Section, atom.Article, atom.Li:
	default:
		return false
	}
	if s.text > maxTeaser {
		return false
	}
	h := firstHeading(n)
	if h == nil {
		return false
	}
	ht := textLength(h)
	if ht == 0 {
		return false
	}
	var a *html.Node
	for c := h.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.A {
			a = c
		}
	}
	if a == nil || textLength(a) < ht || strings.HasPrefix(attr(a, "href"), "#") {
		return false
	}
	return true
}

// firstHeading returns the first heading under n.
func firstHeading(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == atom.H1 || isHeading(c) {
			return c
		}
		if h := firstHeading(c); h != nil {
			return h
		}
	}
	return nil
}

// maxDateLine is the longest date line, in bytes of text.
const maxDateLine = 25

// dateLine matches a date or a time written in numerals, alone.
var dateLine = regexp.MustCompile(`^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\.?,?)?\s*(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?i:[ap]\.?m\.?|h|uhr)?)?$`)

// isDateLine reports whether n, a block or a small inline element, holds
// only a date or a time.
func isDateLine(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Span, atom.Small, atom.Div, atom.Time:
	default:
		return false
	}
	return dateLine.MatchString(strings.TrimSpace(collapse(textOf(n))))
}

// firstRune returns the first character of n's visible text that is not
// white space, or 0. The rules that read a line's text look at it first:
// building the text of every small element of a large page costs.
func firstRune(n *html.Node) rune {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			if t := strings.TrimLeftFunc(c.Data, unicode.IsSpace); t != "" {
				r, _ := utf8.DecodeRuneInString(t)
				return r
			}
		case c.Type == html.ElementNode && !isInvisible(c):
			if r := firstRune(c); r != 0 {
				return r
			}
		}
	}
	return 0
}

// canStartCredit reports whether a credit line can start with r: a
// label's first letter (see creditLine), a copyright sign, or "(c)".
func canStartCredit(r rune) bool {
	switch unicode.ToLower(r) {
	case 'f', 'p', 'b', 't', 'i', 'c', 'q', 'g', '©', '(':
		return true
	}
	return false
}
