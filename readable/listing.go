package readable

import (
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file finds the grid of a listing or a category page: many sibling
// blocks of one shape (one tag, one set of classes), each a card with a
// link and a title of its own. Readability's scoring keeps one card of
// thirty, or the page's intro, since no card holds much text.

// minCards is the fewest cards that make a grid.
const minCards = 4

// maxCardLinks is the most links of a card: an item of a menu holds its
// submenu's links.
const maxCardLinks = 4

// minCardText is the least text, in bytes, of a card: less is a menu
// item or a facet's value.
const minCardText = 20

// grid is a page's grid of cards: the element holding them, and the
// text, in bytes, of the cards.
type grid struct {
	parent *html.Node
	text   int
}

// shapeOf is the shape of an element among its siblings: its tag and its
// classes, sorted, with digits dropped (the nth card is named so).
func shapeOf(n *html.Node) string {
	cls := strings.Fields(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, attr(n, "class")))
	sort.Strings(cls)
	return n.Data + "." + strings.Join(cls, ".")
}

// isChrome reports whether n is the site's own furniture, not a place
// for the page's grid: its menus, header, footer and side panels.
func isChrome(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Select:
		return true
	}
	switch attr(n, "role") {
	case "navigation", "banner", "contentinfo", "complementary", "menu", "menubar":
		return true
	}
	return false
}

// cardStats is what cardGrid counts of a subtree.
type cardStats struct {
	text  int // in bytes
	links int // a[href]
}

// isChromeName reports whether w, a word of a class or id, names the
// site's furniture or the readers' comments.
func isChromeName(w string) bool {
	switch w {
	case "header", "footer", "menu", "nav", "navbar", "navigation", "sidebar", "megamenu", "submenu":
		return true
	}
	for _, stem := range []string{"comment", "slider", "swiper", "carousel"} {
		if strings.Contains(w, stem) {
			return true
		}
	}
	return false
}

// cardGrid returns the largest grid of cards under root, outside the
// site's furniture (see isChrome, isChromeName): the element whose
// same-shape children, at least minCards of them, each hold one to
// maxCardLinks links and minCardText of text, hold the most text between
// them.
func cardGrid(root *html.Node) grid {
	var best grid
	var walk func(n *html.Node, chrome bool) cardStats
	walk = func(n *html.Node, chrome bool) cardStats {
		if n.Type == html.TextNode {
			return cardStats{text: collapsedLen(n.Data)}
		}
		if n.Type != html.ElementNode && n.Type != html.DocumentNode || isInvisible(n) {
			return cardStats{}
		}
		var s cardStats
		if n.DataAtom == atom.A && attr(n, "href") != "" {
			s.links = 1
		}
		if n.Type == html.ElementNode {
			chrome = chrome || isChrome(n) || nameHas(n, isChromeName)
		}
		type group struct{ cards, text int }
		var groups map[string]*group
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			cs := walk(c, chrome)
			s.text += cs.text
			s.links += cs.links
			if c.Type != html.ElementNode || cs.links == 0 || cs.links > maxCardLinks || cs.text < minCardText {
				continue
			}
			if groups == nil {
				groups = map[string]*group{}
			}
			k := shapeOf(c)
			g := groups[k]
			if g == nil {
				g = &group{}
				groups[k] = g
			}
			g.cards++
			g.text += cs.text
		}
		for _, g := range groups {
			if !chrome && g.cards >= minCards && g.text > best.text {
				best = grid{parent: n, text: g.text}
			}
		}
		return s
	}
	walk(root, false)
	return best
}

// listing returns the element holding the page's grid of cards (the
// <main> around it, if any, which holds the grid's heading and its
// other sections too) when the cards hold much more text than found,
// what the article extraction kept: then the page is a listing, and
// found one card or its intro.
func listing(doc, found *html.Node) *html.Node {
	body := findBody(doc)
	if body == nil {
		return nil
	}
	g := cardGrid(body)
	if g.parent == nil || g.text*2 < textLength(found)*3 {
		return nil
	}
	c := g.parent
	for p := g.parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Main || attr(p, "role") == "main" {
			c = p
			break
		}
	}
	// The grid lies outside the site's furniture; what of it the
	// container holds (facets, pagination) goes.
	c = cloneTree(c)
	removeWhere(c, isChrome)
	return c
}
