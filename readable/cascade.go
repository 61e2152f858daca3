package readable

import (
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
//
// The first and third levels name the article's body itself; <article>
// and <main> often hold more (the header, comments, related stories).
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

// bodyLevels are the levels of contentCascade that name the body itself.
var bodyLevels = [...]bool{0: true, 2: true}

// cascadeCandidate returns the element of the first cascade level that
// marks one element only, not named as boilerplate ("comments", "related")
// and with enough text, and whether that level names the article's body
// itself. Several matches (a list of teasers, each an <article>) mark no
// article.
func cascadeCandidate(doc *html.Node) (n *html.Node, body bool) {
	// One walk for all levels: the page's tree is large, the levels few.
	found := make([][]*html.Node, len(contentCascade))
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for level, g := range contentCascade {
				if g.Match(n) && !isBoilerplateName(n) {
					found[level] = append(found[level], n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for level, nodes := range found {
		if len(nodes) == 1 && textLength(nodes[0]) >= minCandidateText {
			return nodes[0], level < len(bodyLevels) && bodyLevels[level]
		}
	}
	return nil, false
}

// shingles returns the set of 4-word runs of the visible text under n,
// words reduced to their letters and digits, lower-cased, each run by its
// hash. It hashes as it walks the text: a page's text is never built.
func shingles(n *html.Node) map[uint64]bool {
	const (
		offset = 14695981039346656037 // FNV-1a, 64 bits
		prime  = 1099511628211
	)
	set := map[uint64]bool{}
	var last [4]uint64
	words := 0
	h, inWord := uint64(offset), false
	endWord := func() {
		if inWord {
			last[0], last[1], last[2], last[3] = last[1], last[2], last[3], h
			if words++; words >= 4 {
				set[last[0]*31*31*31+last[1]*31*31+last[2]*31+last[3]] = true
			}
		}
		h, inWord = offset, false
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			for _, r := range n.Data {
				if r < utf8.RuneSelf { // the common case, without tables
					switch c := byte(r); {
					case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
						h = (h ^ uint64(c)) * prime
						inWord = true
					case 'A' <= c && c <= 'Z':
						h = (h ^ uint64(c+'a'-'A')) * prime
						inWord = true
					case c == ' ' || '\t' <= c && c <= '\r':
						endWord()
					}
					continue
				}
				switch {
				case unicode.IsSpace(r):
					endWord()
				case unicode.IsLetter(r) || unicode.IsDigit(r):
					var b [utf8.UTFMax]byte
					for _, c := range b[:utf8.EncodeRune(b[:], unicode.ToLower(r))] {
						h = (h ^ uint64(c)) * prime
					}
					inWord = true
				}
				// Other characters are no part of a word, and no end.
			}
			return
		case n.Type == html.ElementNode && isInvisible(n):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode {
			endWord() // an element's edge ends a word, as a space would
		}
	}
	walk(n)
	endWord()
	return set
}

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
