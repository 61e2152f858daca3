package readable

import (
	"encoding/json"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file keeps the sections of a service or landing page: a <main>
// made of several headed sections (the offer, its features, pricing,
// questions), of which Readability's scoring keeps the longest.

// minSections is the fewest headed sections that make such a page.
const minSections = 3

// sectionedMain returns the page's one <main> (or role=main), without
// the furniture inside it, when it holds minSections h2 or h3 headings
// or more, found (what the article extraction kept) holds less than a
// quarter of its text, and the page does not say it is an article.
func sectionedMain(doc, found *html.Node, jsonLD []string) *html.Node {
	if declaresArticle(doc, jsonLD) {
		// Its <main> holds the article's comments, its related reading.
		return nil
	}
	m := pageMain(doc)
	if m == nil {
		return nil
	}
	if headedSections(m) < minSections || textLength(found)*4 >= textLength(m) {
		return nil
	}
	return m
}

// pageMain returns a copy of the page's one <main> (or role=main)
// without the furniture inside it, or nil.
func pageMain(doc *html.Node) *html.Node {
	var mains []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom == atom.Main || attr(n, "role") == "main") {
			mains = append(mains, n)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(mains) != 1 {
		return nil
	}
	m := cloneTree(mains[0])
	removeWhere(m, isChrome)
	return m
}

// headedSections counts the h2 and h3 headings with text under m.
func headedSections(m *html.Node) int {
	headings := 0
	var count func(n *html.Node)
	count = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.H2, atom.H3:
				if textLengthUpTo(c, 1) > 0 {
					headings++
				}
			default:
				count(c)
			}
		}
	}
	count(m)
	return headings
}

// declaresArticle reports whether the page says it is something to read
// or watch: an article, a video, a recipe, by og:type or by its JSON-LD.
func declaresArticle(doc *html.Node, jsonLD []string) bool {
	for _, n := range cascadia.QueryAll(doc, cascadia.MustCompile(`meta[property="og:type"]`)) {
		t := strings.ToLower(strings.TrimSpace(attr(n, "content")))
		if t == "article" || strings.HasPrefix(t, "video") {
			return true
		}
	}
	for _, s := range jsonLD {
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<![CDATA["), "]]>")
		var v any
		if json.Unmarshal([]byte(s), &v) == nil && findReadable(v, 0) {
			return true
		}
	}
	return false
}

// findReadable reports whether v, or an element of an array or of its
// @graph, is an article or a recipe.
func findReadable(v any, depth int) bool {
	if depth > maxLinkedDepth {
		return false
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			if findReadable(e, depth+1) {
				return true
			}
		}
	case map[string]any:
		if isArticleType(v["@type"]) || hasType(v["@type"], "Recipe") {
			return true
		}
		if g, ok := v["@graph"]; ok {
			return findReadable(g, depth+1)
		}
	}
	return false
}
