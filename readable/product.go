package readable

import (
	"encoding/json"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file adds a product's description from the page's JSON-LD when
// what the extraction kept lacks it: shops often render it in a tab
// filled by scripts, or not at all, and describe the product to search
// engines only.

// minDescription is the least text, in bytes, of a description worth
// adding: less is a tagline.
const minDescription = 80

// linkedProduct returns the description of the first schema.org Product
// of the page's JSON-LD scripts; " " for a product without one, "" when
// there is no product.
func linkedProduct(scripts []string) string {
	var find func(v any, depth int) string
	find = func(v any, depth int) string {
		if depth > maxLinkedDepth {
			return ""
		}
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				if d := find(e, depth+1); d != "" {
					return d
				}
			}
		case map[string]any:
			if hasType(v["@type"], "Product") || hasType(v["@type"], "ProductGroup") {
				if d := str(v["description"]); d != "" {
					return d
				}
				return " "
			}
			if g, ok := v["@graph"]; ok {
				return find(g, depth+1)
			}
		}
		return ""
	}
	for _, s := range scripts {
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<![CDATA["), "]]>")
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			if d := find(v, 0); d != "" {
				return d
			}
		}
	}
	return ""
}

// withProductDescription returns found with the product's description
// from the JSON-LD after it, when found holds less than three times the
// description's text and not the description itself; found, which may
// be a node of the page, is not changed.
func withProductDescription(found *html.Node, jsonLD []string) *html.Node {
	d := strings.TrimSpace(linkedProduct(jsonLD))
	if len(d) < minDescription {
		return found
	}
	if found != nil && textLength(found) >= 3*len(d) {
		// The page's own text is long enough to be a description.
		return found
	}
	probe := prefixRunes(d, 60)
	if found != nil && strings.Contains(collapse(textOf(found)), probe) {
		return found
	}
	out := &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
	if found != nil {
		out.AppendChild(cloneTree(found))
	}
	out.AppendChild(descriptionNode(d))
	return out
}

// descriptionNode is a JSON-LD description as the page would show it: a
// paragraph of its text, or, when it holds markup (shops put HTML there),
// that markup parsed, so that no tag shows as text.
func descriptionNode(d string) *html.Node {
	div := &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
	if strings.ContainsAny(d, "<&") {
		if nodes, err := html.ParseFragment(strings.NewReader(d), div); err == nil && len(nodes) > 0 {
			for _, n := range nodes {
				div.AppendChild(n)
			}
			return div
		}
	}
	p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
	p.AppendChild(&html.Node{Type: html.TextNode, Data: d})
	return p
}
