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
// gives search engines and link previews), and it comes just before the
// body. (Finding leads by class names, "lead", "intro", "standfirst" and
// the like, was measured too: it found a few more and brought in bylines
// and teasers of other stories.)

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

// nameWords splits a class or id value into lower-case words.
func nameWords(v string) []string {
	return strings.FieldsFunc(strings.ToLower(v), func(r rune) bool {
		return r == '-' || r == '_' || r == ' ' || r == '\t' || r == '\n'
	})
}

// addLead puts the page's lead at the start of article (extracted from
// doc) when article lacks it. descriptions are the page's summaries (its
// <meta> description, its JSON-LD one), tried in turn.
func addLead(doc, article *html.Node, descriptions ...string) {
	start := firstText(article)
	if start == "" {
		return
	}
	for i, d := range descriptions {
		if slices.Contains(descriptions[:i], d) {
			continue
		}
		if lead := findLead(doc, start, d); lead != nil {
			if strings.Contains(collapse(textOf(article)), prefixRunes(collapse(textOf(lead)), 60)) {
				return
			}
			p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
			for k := lead.FirstChild; k != nil; k = k.NextSibling {
				p.AppendChild(cloneTree(k))
			}
			article.InsertBefore(p, article.FirstChild)
			return
		}
	}
}

// findLead returns the element of doc that starts as description does,
// if the article's body (whose text starts with start) follows it soon.
func findLead(doc *html.Node, start, description string) *html.Node {
	descKey := prefixRunes(description, 40)
	if len(descKey) < minLead {
		return nil
	}
	// One walk of the page, in order, counting visible text: the lead is
	// the first text that starts as the description does, if the body
	// starts soon after it.
	var (
		lead    *html.Node
		leadEnd int
		pos     int
		found   bool
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
				if lead == nil && hasCollapsedPrefix(c.Data, descKey) {
					if e := leadElement(c.Parent); e != nil {
						lead, leadEnd = e, pos+textLength(e)
					}
				}
				pos += collapsedLen(c.Data)
			case html.ElementNode:
				if isInvisible(c) {
					continue
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
	if !found || pos-leadEnd > maxLeadGap {
		return nil
	}
	return lead
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

// firstText returns the start of the first text of n that is long
// enough to find again: a 40-character key of its first paragraph.
func firstText(n *html.Node) string {
	var key string
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				if t := collapse(c.Data); len(t) >= 20 {
					key = prefixRunes(t, 40)
					return true
				}
			case c.Type == html.ElementNode && !isInvisible(c):
				if walk(c) {
					return true
				}
			}
		}
		return false
	}
	walk(n)
	return key
}

// hasCollapsedPrefix reports whether s, its white space collapsed as
// collapse does, starts with prefix (which has no white space runs).
func hasCollapsedPrefix(s, prefix string) bool {
	s = strings.TrimLeft(s, " \t\n\r\f")
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
