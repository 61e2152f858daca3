// Package readable narrows a page down before it is converted: to its main
// article (found by Readability's scoring, see extract), or to the elements
// that match CSS selectors (github.com/andybalholm/cascadia). It also reads
// the page's metadata. It works on a parsed tree, and hands the converters
// of package strip the nodes it keeps (strip.ConvertNodes).
package readable

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// Metadata is what a page says about itself. Empty fields were not found.
type Metadata struct {
	Title  string
	Author string
	Site   string
	Date   string // as published, preferably YYYY-MM-DD
	URL    string // canonical URL, else the page's URL
	// Description is the page's summary for search engines and link
	// previews: often the article's lead.
	Description string
	// Type is the kind of page (article, forum, product…); "" when not
	// known.
	Type string
}

// ErrNoArticle is returned by Article when the page has no main content
// that extraction can find.
var ErrNoArticle = errors.New("no article found")

// SelectorError is an invalid CSS selector.
type SelectorError struct {
	Selector string
	Err      error
}

func (e *SelectorError) Error() string {
	return fmt.Sprintf("invalid selector %q: %v", e.Selector, e.Err)
}

func (e *SelectorError) Unwrap() error { return e.Err }

// minArticleText is the least text, in bytes, that counts as an article:
// less is a fragment of navigation, not something to read.
const minArticleText = 25

// Article returns the main content of doc, and the page's metadata. base
// resolves relative links and is the fallback canonical URL. doc is left
// as it was.
//
// extract scores the page as Readability does; a second candidate, the
// element the page marks as its article (see cascadeMatch), replaces its
// article when the two disagree (see choose); clean then drops what
// readers skip (see cleanRules). When it finds nothing, the element the
// page itself marks as its content (a single <article>, <main> or
// articleBody) is used, if it holds enough text.
func Article(doc *html.Node, base *url.URL) (*html.Node, Metadata, error) {
	meta := PageMetadata(doc, base)
	c, body := cascadeCandidate(doc)
	e, x := extract(doc, meta.Title, meta.Author, c)
	ld := readLinkedData(x.jsonLD)
	if meta.Title == "" {
		meta.Title = ld.Title
	}
	if meta.Title == "" && len(x.h1s) == 1 {
		meta.Title = collapse(textOf(x.h1s[0])) // a page without <title>
	}
	if meta.Author == "" {
		meta.Author = x.byline
	}
	if meta.Author == "" {
		meta.Author = ld.Author
	}
	if meta.Site == "" {
		meta.Site = ld.Site
	}
	if meta.Date == "" {
		meta.Date = ld.Date
	}
	var found *html.Node
	// Enough text is all these ask: counting stops there.
	if e.article != nil && textLengthUpTo(e.article, minArticleText) >= minArticleText {
		found = e.article
		if c != nil {
			found = choose(e, c, body)
		}
		clean(found, cleanRules)
		addLead(doc, found, meta.Description, ld.Description)
	} else if marked := markedContent(doc); marked != nil && textLengthUpTo(marked, minArticleText) >= minArticleText {
		found = marked
	}
	declared := declaredType(x.jsonLD, itemTypes(doc), "")
	if declared == "" {
		declared = meta.Type // og:type
	}
	var thread, grid, sections bool
	if t, author := forumThread(doc, x.jsonLD); t != nil && textLength(t)*10 >= max(minArticleText*10, textLength(found)*6) {
		// A thread's posts, which the scoring takes for an article and
		// its comments.
		found, thread = t, true
		if meta.Author == "" {
			meta.Author = author
		}
	}
	if l := listing(doc, found); l != nil {
		// A grid of cards, of which the scoring keeps one.
		found, grid = l, true
	} else if s := sectionedMain(doc, found, x.jsonLD); s != nil {
		// A service page's sections, of which the scoring keeps one.
		found, sections = s, true
	}
	meta.Type = pageType(declared, thread, grid, sections, found != nil)
	found = withProductDescription(found, x.jsonLD)
	if found == nil {
		return nil, meta, ErrNoArticle
	}
	return found, meta, nil
}

// choose returns the article to keep of extract's (r) and the cascade's
// candidate (c, in the page's tree, which is not to change; body if the
// page names it its article's body): r's, unless
//   - it lies mostly outside c and c holds more text: the page's own word
//     wins;
//   - or it lies inside c, c is the body and holds much more text: the
//     scoring kept a part of the body (a table, one section).
//
// c inside r and shorter is not taken: r's extra is more often the lead
// and the title than boilerplate; nor a larger <article> or <main> that
// holds r: they hold comments and related stories.
func choose(r extracted, c *html.Node, body bool) *html.Node {
	lc, lr := textLength(c), textLength(r.article)
	if lc <= lr { // lengths first: shingles cost
		return r.article
	}
	var shared float64
	switch inside, apart := placement(r.sources, c); {
	case inside:
		shared = 1
	case apart:
		shared = 0
	case len(r.sources) == 1:
		// c lies in r's one source: r's text in c is that of c's copy,
		// if the cleaning kept it.
		if r.markCopy != nil && isWithin(r.markCopy, r.article) && lr > 0 {
			shared = float64(textLength(r.markCopy)) / float64(lr)
		}
	default:
		shared = sharedShare(shingles(r.article), shingles(c))
	}
	if shared < 0.5 || body && shared >= 0.8 && lc*10 >= lr*13 {
		return cloneTree(c)
	}
	return r.article
}

// placement reports whether all of sources lie inside c, or all apart
// from it (neither holding the other); then the text they share is known
// without comparing it.
func placement(sources []*html.Node, c *html.Node) (inside, apart bool) {
	if len(sources) == 0 {
		return false, false
	}
	inside, apart = true, true
	for _, s := range sources {
		in := isWithin(s, c)
		inside = inside && in
		apart = apart && !in && !isWithin(c, s)
	}
	return inside, apart
}

// isWithin reports whether n is anc or lies under it.
func isWithin(n, anc *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == anc {
			return true
		}
	}
	return false
}

// markedContent returns the element the page marks as its content: a
// single <article>, an element with itemprop="articleBody", or <main>.
func markedContent(doc *html.Node) *html.Node {
	for _, sel := range []string{`[itemprop="articleBody"]`, "article", "main", `[role="main"]`} {
		nodes := cascadia.QueryAll(doc, cascadia.MustCompile(sel))
		if len(nodes) == 1 {
			return nodes[0]
		}
	}
	return nil
}

// Select returns the elements of doc that match any of the selectors, in
// document order; an element inside another match is not returned again.
func Select(doc *html.Node, selectors []string) ([]*html.Node, error) {
	var groups cascadia.SelectorGroup
	for _, s := range selectors {
		g, err := cascadia.ParseGroup(s)
		if err != nil {
			return nil, &SelectorError{Selector: s, Err: err}
		}
		groups = append(groups, g...)
	}
	all := cascadia.QueryAll(doc, groups)
	kept := make(map[*html.Node]bool, len(all))
	var out []*html.Node
	for _, n := range all {
		inside := false
		for p := n.Parent; p != nil; p = p.Parent {
			if kept[p] {
				inside = true
				break
			}
		}
		if !inside {
			kept[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// PageMetadata reads the metadata that doc declares in its <head>: the
// title, author, site name, publication date and canonical URL.
func PageMetadata(doc *html.Node, base *url.URL) Metadata {
	var m Metadata
	metas := map[string]string{}
	var scripts []string // JSON-LD
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Body:
				// The head is where metadata lives; but a stray element
				// in it (an <iframe>, text) starts the body early, and
				// what follows lands at the body's top level.
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && (c.DataAtom == atom.Meta || c.DataAtom == atom.Title || c.DataAtom == atom.Link || c.DataAtom == atom.Script) {
						walk(c)
					}
				}
				return
			case atom.Meta:
				key := strings.ToLower(attr(n, "property"))
				if key == "" {
					key = strings.ToLower(attr(n, "name"))
				}
				if key == "" {
					key = strings.ToLower(attr(n, "itemprop"))
				}
				if v := strings.TrimSpace(attr(n, "content")); key != "" && v != "" {
					if _, seen := metas[key]; !seen {
						metas[key] = v
					}
				}
			case atom.Script:
				if isLinkedData(n) {
					scripts = append(scripts, textOf(n))
				}
				return
			case atom.Title:
				if m.Title == "" {
					m.Title = collapse(textOf(n))
				}
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") && m.URL == "" {
					m.URL = resolve(base, attr(n, "href"))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := metas[k]; v != "" {
				return collapse(v)
			}
		}
		return ""
	}
	if t := first("og:title", "twitter:title"); t != "" && (m.Title == "" || strings.Contains(m.Title, t)) {
		// og:title is the article's title; <title> often adds the site.
		m.Title = t
	}
	m.Author = first("author", "article:author", "og:article:author", "dc.creator", "parsely-author", "sailthru.author")
	if strings.HasPrefix(m.Author, "http") {
		m.Author = "" // article:author is sometimes a profile URL
	}
	m.Description = first("og:description", "description", "twitter:description")
	m.Site = first("og:site_name", "application-name", "twitter:site")
	m.Date = normalizeDate(first("article:published_time", "datepublished", "date", "dc.date", "dc.date.issued", "pubdate", "publishdate", "sailthru.date", "parsely-pub-date"))
	m.Type = declaredType(scripts, itemTypes(doc), metas["og:type"])
	if m.URL == "" {
		// The page's own address, when it names none, is its caller's
		// to give: base is where its links lead, which <base> may move.
		m.URL = resolve(base, first("og:url"))
	}
	return m
}

// normalizeDate keeps the date part of an ISO 8601 timestamp.
func normalizeDate(s string) string {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return s
}

// resolve returns href resolved against base, or "" for an address that is
// no http or https one (a canonical URL is written out as a link).
func resolve(base *url.URL, href string) string {
	u := htmlx.ResolveURL(base, href)
	if s := htmlx.Scheme(u); s != "http" && s != "https" {
		return ""
	}
	return u
}

// lookupAttr returns n's attribute key, and whether n has it.
func lookupAttr(n *html.Node, key string) (string, bool) {
	for _, at := range n.Attr {
		if at.Key == key {
			return at.Val, true
		}
	}
	return "", false
}

func attr(n *html.Node, key string) string {
	v, _ := lookupAttr(n, key)
	return v
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// textLength is the length of the visible text under n, spaces collapsed.
func textLength(n *html.Node) int {
	if n == nil {
		return 0
	}
	return textLengthUpTo(n, math.MaxInt)
}

// textLengthUpTo is textLength(n), or limit if that is more: it stops
// counting there.
func textLengthUpTo(n *html.Node, limit int) int {
	total := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		switch {
		case n.Type == html.TextNode:
			total += collapsedLen(n.Data)
			return total < limit
		case n.Type == html.ElementNode && isInvisible(n):
			return true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(n)
	return min(total, limit)
}

// collapse is htmlx.CollapseSpace: white space as a reader sees it.
func collapse(s string) string { return htmlx.CollapseSpace(s) }

// collapsedLen is len(collapse(s)) for ASCII white space, without
// building the string.
func collapsedLen(s string) int {
	n, inWord := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\f':
			inWord = false
		default:
			if !inWord && n > 0 {
				n++ // the space between two words
			}
			inWord = true
			n++
		}
	}
	return n
}

// CheckSelectors reports the first selector that does not parse.
func CheckSelectors(selectors []string) error {
	for _, s := range selectors {
		if _, err := cascadia.ParseGroup(s); err != nil {
			return &SelectorError{Selector: s, Err: err}
		}
	}
	return nil
}
