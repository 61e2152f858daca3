package readable

import (
	"encoding/json"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The kinds of page Metadata.Type names.
const (
	TypeArticle    = "article"
	TypeForum      = "forum"
	TypeProduct    = "product"
	TypeCollection = "collection"
	TypeListing    = "listing"
	TypeDocs       = "documentation"
	TypeService    = "service"
)

// schemaKinds map schema.org types to kinds, strongest first: a product
// page also declares its breadcrumbs' ItemList, a forum thread its
// posts as articles.
var schemaKinds = []struct {
	kind  string
	types []string
}{
	{TypeProduct, []string{"Product", "ProductGroup", "IndividualProduct", "ProductModel"}},
	{TypeForum, []string{"QAPage", "DiscussionForumPosting", "Question"}},
	{TypeDocs, []string{"TechArticle", "APIReference"}},
	{TypeCollection, []string{"CollectionPage", "SearchResultsPage", "OfferCatalog"}},
	{TypeArticle, []string{"Article", "NewsArticle", "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle", "OpinionNewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "ReviewNewsArticle", "SatiricalArticle"}},
	{TypeService, []string{"Service", "SoftwareApplication", "WebApplication", "MobileApplication", "FAQPage", "ProfessionalService"}},
}

// declaredType is the kind the page declares about itself: the strongest
// schema.org type of its JSON-LD scripts (@graph and nested objects
// included) or its microdata (itemtype), else its og:type; "" when it
// declares none that tells.
func declaredType(jsonLD []string, itemTypes []string, ogType string) string {
	seen := map[string]bool{}
	var collect func(v any, depth int)
	collect = func(v any, depth int) {
		if depth > maxLinkedDepth {
			return
		}
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				collect(e, depth+1)
			}
		case map[string]any:
			switch t := v["@type"].(type) {
			case string:
				seen[t] = true
			case []any:
				for _, e := range t {
					if s, ok := e.(string); ok {
						seen[s] = true
					}
				}
			}
			for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage"} {
				collect(v[k], depth+1)
			}
		}
	}
	for _, s := range jsonLD {
		s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "<![CDATA["), "]]>")
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			collect(v, 0)
		}
	}
	for _, t := range itemTypes {
		// https://schema.org/Product → Product
		seen[t[strings.LastIndexByte(t, '/')+1:]] = true
	}
	for _, k := range schemaKinds {
		for _, t := range k.types {
			if seen[t] {
				return k.kind
			}
		}
	}
	switch og := strings.ToLower(ogType); {
	case og == "article" || strings.HasPrefix(og, "article:"):
		return TypeArticle
	case og == "product" || strings.HasPrefix(og, "product") || og == "og:product":
		return TypeProduct
	}
	return ""
}

// pageType is the one rule for a page's kind once reading mode has looked
// at it: what the extraction found (a thread of posts, a grid of cards, a
// main of headed sections) over what the page declares, which is kept
// when the structure says nothing; an article when one was found.
func pageType(declared string, thread, grid, sections, article bool) string {
	switch {
	case declared == TypeProduct:
		return declared // a shop's page holds grids of other products
	case thread:
		return TypeForum
	case grid && declared == TypeCollection:
		return TypeCollection
	case grid:
		return TypeListing
	case sections && declared == "":
		return TypeService
	case declared != "":
		return declared
	case article:
		return TypeArticle
	}
	return ""
}

// itemTypes are the microdata types of the page's root elements and of
// those that hold its content: <html>, <body>, <main> and <article>.
func itemTypes(doc *html.Node) []string {
	var out []string
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html, atom.Body, atom.Main, atom.Article:
				for _, t := range strings.Fields(attr(n, "itemtype")) {
					out = append(out, t)
				}
			case atom.Head, atom.Script, atom.Style, atom.Template:
				return
			}
		}
		if depth > 12 {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	return out
}
