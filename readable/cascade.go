package readable

import (
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// contentCascade lists, most telling first, the elements by which pages
// mark their article: schema.org's articleBody, <article>, the content
// classes of common publishing systems, and <main>. The first level with an
// element of enough text gives the candidate.
var contentCascade = []cascadia.SelectorGroup{
	mustGroup(`[itemprop="articleBody"]`),
	mustGroup(`article`),
	mustGroup(`.entry-content, .post-content, .post-body, .article-body, .article-content, .article__body, .article-text, .articleBody, .story-body, .story-content, .content-body, #article-body, #story-body, #articleBody`),
	mustGroup(`main, [role="main"]`),
}

func mustGroup(s string) cascadia.SelectorGroup {
	g, err := cascadia.ParseGroup(s)
	if err != nil {
		panic(err)
	}
	return g
}

// minCandidateText is the least text, in bytes, of a cascade candidate.
const minCandidateText = 200

// cascadeCandidate returns the element of the first cascade level that
// marks one element only, not named as boilerplate ("comments", "related")
// and with enough text. Several matches (a list of teasers, each an
// <article>) mark no article.
func cascadeCandidate(doc *html.Node) *html.Node {
	for _, g := range contentCascade {
		var found []*html.Node
		for _, n := range cascadia.QueryAll(doc, g) {
			if !isBoilerplateName(n) {
				found = append(found, n)
			}
		}
		if len(found) == 1 && textLength(found[0]) >= minCandidateText {
			return found[0]
		}
	}
	return nil
}

// shingles returns the set of 4-word runs of the visible text under n,
// words reduced to their letters and digits, each run by its hash.
func shingles(n *html.Node) map[uint64]bool {
	var words []uint64
	for _, w := range strings.Fields(visibleText(n)) {
		h := fnv.New64a()
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				var b [utf8.UTFMax]byte
				h.Write(b[:utf8.EncodeRune(b[:], unicode.ToLower(r))])
			}
		}
		if h.Sum64() != emptyHash {
			words = append(words, h.Sum64())
		}
	}
	set := make(map[uint64]bool, len(words))
	for i := 0; i+4 <= len(words); i++ {
		set[words[i]*31*31*31+words[i+1]*31*31+words[i+2]*31+words[i+3]] = true
	}
	return set
}

// emptyHash is the hash of no bytes: a word without letters or digits.
var emptyHash = fnv.New64a().Sum64()

// sharedShare returns the share of a's shingles that b has too.
func sharedShare(a, b map[uint64]bool) float64 {
	if len(a) == 0 {
		return 1
	}
	n := 0
	for s := range a {
		if b[s] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// visibleText is the text under n without scripts, styles and templates,
// with a space at each element's edges.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			return
		case n.Type == html.ElementNode && isInvisible(n):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return b.String()
}

// cloneTree returns a deep copy of n, without its parent and siblings.
func cloneTree(n *html.Node) *html.Node {
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: append([]html.Attribute(nil), n.Attr...)}
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		c.AppendChild(cloneTree(k))
	}
	return c
}

// isInvisible reports whether n is an element whose content is not text
// that a reader sees.
func isInvisible(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template:
		return true
	}
	return false
}
