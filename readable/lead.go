package readable

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The lead (standfirst) of an article is often outside the element that
// holds its body: in the article's header, beside the title, where
// readability does not look. addLead finds it by what the page says of
// it: its text is the page's description (the summary that the <head>
// gives search engines and link previews), or its class names it a lead,
// or it is the subtitle in an <hgroup>; and it comes just before the
// body. (More names were measured: "intro", "summary", "abstract",
// "deck" and the like brought in bylines and teasers of other stories.)

const (
	// minLead and maxLead bound a lead's text, in bytes: shorter is a
	// label, longer is a body of its own.
	minLead = 30
	maxLead = 1000
	// maxLeadGap is the most text, in bytes, between the lead's end and
	// the body's start: a byline, a date, a picture's credit (links and
	// asides do not count).
	maxLeadGap = 1000
)

// leadWords are the words of class and id names that mark a lead.
var leadWords = map[string]bool{
	"lead": true, "leader": true, "standfirst": true,
	"subtitle": true, "subheadline": true, "subhead": true,
}

// hasLeadName reports whether n's class or id holds a lead word.
func hasLeadName(n *html.Node) bool {
	return nameHas(n, func(w string) bool { return leadWords[w] })
}

// isSubtitle reports whether n follows the title in an <hgroup>: the
// title's subtitle.
func isSubtitle(n *html.Node) bool {
	if n.Parent == nil || n.Parent.DataAtom != atom.Hgroup {
		return false
	}
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode {
			return p.DataAtom == atom.H1 || isHeading(p)
		}
	}
	return false
}

// addLead puts the page's lead at the start of article (extracted from
// doc) when article lacks it. descriptions are the page's summaries (its
// <meta> description, its JSON-LD one), tried in turn.
func addLead(doc, article *html.Node, descriptions ...string) {
	first, start := bodyStart(article)
	if first == nil {
		return
	}
	var keys []string
	for _, d := range descriptions {
		if k := prefixRunes(d, 40); len(k) >= minLead && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if keys == nil {
		keys = []string{""} // by name only
	}
	for _, k := range keys {
		lead := findLead(doc, start, k)
		if lead == nil {
			continue
		}
		if strings.Contains(collapse(textOf(article)), prefixRunes(collapse(textOf(lead)), 60)) {
			return
		}
		p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
		for c := lead.FirstChild; c != nil; c = c.NextSibling {
			p.AppendChild(cloneTree(c))
		}
		// Before the body's first block: after the title, if the
		// article holds it.
		block := first.Parent
		for block.Parent != nil && block != article && !isLeadBlock(block) {
			block = block.Parent
		}
		if block == article {
			article.InsertBefore(p, article.FirstChild)
		} else {
			block.Parent.InsertBefore(p, block)
		}
		return
	}
}

// findLead returns the first element of doc that starts with descKey (if
// not "") or is named a lead, if the article's body (whose text starts
// with start) follows it soon.
func findLead(doc *html.Node, start, descKey string) *html.Node {
	// One walk of the page, in order, counting the visible text between
	// the lead and the body.
	type candidate struct {
		n   *html.Node
		end int // where its text ends in the page's text
	}
	var (
		cands []candidate
		pos   int
		found bool
	)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && !found; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				if hasCollapsedPrefix(c.Data, start) {
					found = true
					return
				}
				if descKey != "" && hasCollapsedPrefix(c.Data, descKey) {
					if e := leadElement(c.Parent); e != nil {
						cands = append(cands, candidate{e, pos + textLength(e)})
					}
				}
				pos += collapsedLen(c.Data)
			case html.ElementNode:
				if isInvisible(c) {
					continue
				}
				if (hasLeadName(c) || isSubtitle(c)) && !hasMedia(c) { // a lead is text; "lead-video" is not one
					if l := textLength(c); l >= minLead && l <= maxLead {
						pos += l
						cands = append(cands, candidate{c, pos})
						continue
					}
				}
				switch c.DataAtom {
				case atom.Nav, atom.Aside, atom.Footer, atom.Form, atom.Figure, atom.A:
					continue // links and asides between lead and body do not count
				}
				walk(c)
			}
		}
	}
	walk(doc)
	if !found {
		return nil
	}
	for _, c := range cands {
		if pos-c.end <= maxLeadGap {
			return c.n // the first near enough
		}
	}
	return nil
}

// leadElement returns the block that holds the text under n (n itself or
// the nearest ancestor that is a block), if it is of a lead's size.
func leadElement(n *html.Node) *html.Node {
	for ; n != nil && n.Type == html.ElementNode; n = n.Parent {
		switch n.DataAtom {
		case atom.Span, atom.Strong, atom.B, atom.Em, atom.I:
			continue
		}
		if l := textLength(n); l >= minLead && l <= maxLead {
			return n
		}
		return nil
	}
	return nil
}

// bodyStart returns the first text of n's body, past any heading (the
// title): its text node, and a 40-character key to find it again by.
func bodyStart(n *html.Node) (*html.Node, string) {
	var (
		text *html.Node
		key  string
	)
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				if t := collapse(c.Data); len(t) >= 20 {
					text, key = c, prefixRunes(t, 40)
					return true
				}
			case c.Type == html.ElementNode && !isInvisible(c) && c.DataAtom != atom.H1 && !isHeading(c):
				if walk(c) {
					return true
				}
			}
		}
		return false
	}
	walk(n)
	return text, key
}

// isLeadBlock reports whether n is a block a lead can go before.
func isLeadBlock(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Div, atom.Section, atom.Blockquote, atom.Ul, atom.Ol, atom.Table, atom.Pre, atom.Figure:
		return true
	}
	return false
}

// hasCollapsedPrefix reports whether s, its white space collapsed as
// collapse does, starts with prefix (which has no white space runs).
func hasCollapsedPrefix(s, prefix string) bool {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	for prefix != "" {
		if s == "" {
			return false
		}
		r, n := utf8.DecodeRuneInString(s)
		if unicode.IsSpace(r) {
			s = strings.TrimLeftFunc(s, unicode.IsSpace)
			if prefix[0] != ' ' {
				return false
			}
			prefix = prefix[1:]
			continue
		}
		p, m := utf8.DecodeRuneInString(prefix)
		if r != p {
			return false
		}
		s, prefix = s[n:], prefix[m:]
	}
	return true
}

// prefixRunes returns the first n runes of s.
func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
