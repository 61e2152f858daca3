package readable

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestPageType: the kind a page declares (in its head alone, as the stream
// path reads it) and the kind reading mode decides on the whole page.
func TestPageType(t *testing.T) {
	posts := strings.Repeat(`<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">Ann</span> <time itemprop="datePublished" datetime="2024-01-02">Jan 2</time><div itemprop="text"><p>A reply long enough to be read as a post of the thread, with words.</p></div></div>`, 3)
	para := `<p>` + strings.Repeat("The article's text runs on in sentences, with commas, and more words. ", 8) + `</p>`
	for _, tc := range []struct {
		name, head, body string
		declared, read   string
	}{
		{"news", `<meta property="og:type" content="article">`, `<article><h1>T</h1>` + para + para + `</article>`, TypeArticle, TypeArticle},
		{"product JSON-LD", `<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"Kettle","offers":{"@type":"Offer","price":"20"}}</script>`, `<main><h1>Kettle</h1>` + para + `</main>`, TypeProduct, TypeProduct},
		{"graph", `<script type="application/ld+json">{"@graph":[{"@type":"BreadcrumbList"},{"@type":["WebPage","QAPage"]}]}</script>`, `<main>` + para + `</main>`, TypeForum, TypeForum},
		{"docs", `<script type="application/ld+json">{"@type":"TechArticle","headline":"API"}</script>`, `<main>` + para + `<pre><code>x := 1</code></pre></main>`, TypeDocs, TypeDocs},
		{"collection", `<script type="application/ld+json">{"@type":"CollectionPage"}</script>`, `<main>` + para + `</main>`, TypeCollection, TypeCollection},
		{"nothing declared", ``, `<main>` + para + `</main>`, "", TypeArticle},
		{"thread by structure", ``, `<main><div itemscope itemtype="https://schema.org/DiscussionForumPosting"><h1 itemprop="headline">Q</h1><span itemprop="author">Bo</span><div itemprop="text">` + para + `</div>` + posts + `</div></main>`, "", TypeForum},
		{"a bogus script", `<script type="application/ld+json">{"@type": </script>`, `<main>` + para + `</main>`, "", TypeArticle},
	} {
		page := "<html><head><title>T</title>" + tc.head + "</head><body>" + tc.body + "</body></html>"
		head, _ := html.Parse(strings.NewReader("<html><head>" + tc.head + "</head></html>"))
		base, _ := url.Parse("https://example.org/p")
		if got := PageMetadata(head, base).Type; got != tc.declared {
			t.Errorf("%s: declared %q, want %q", tc.name, got, tc.declared)
		}
		doc, _ := html.Parse(strings.NewReader(page))
		_, m, _ := Article(doc, base)
		if m.Type != tc.read {
			t.Errorf("%s: read as %q, want %q", tc.name, m.Type, tc.read)
		}
	}
}
