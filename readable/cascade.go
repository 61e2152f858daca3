package readable

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The content cascade lists, most telling first, the elements by which
// pages mark their article: schema.org's articleBody, <article>, the
// content classes of common publishing systems, and <main>. The first
// level with one element of enough text gives the candidate.
//
// The first and third levels name the article's body itself; <article>
// and <main> often hold more (the header, comments, related stories).
const (
	levelArticleBody  = iota // itemprop="articleBody"
	levelArticle             // <article>
	levelContentClass        // .entry-content, #article-body, …
	levelMain                // <main>, role="main"
	cascadeLevels
)

// contentClasses and contentIDs name the body in common publishing
// systems.
var (
	contentClasses = map[string]bool{"entry-content": true, "post-content": true, "post-body": true, "article-body": true, "article-content": true, "article__body": true, "article-text": true, "articleBody": true, "story-body": true, "story-content": true, "content-body": true}
	contentIDs     = map[string]bool{"article-body": true, "story-body": true, "articleBody": true}
)

// cascadeMatch reports the levels of the content cascade that n matches.
// (Written out rather than as CSS selectors: it runs on every element.)
func cascadeMatch(n *html.Node) (levels [cascadeLevels]bool) {
	switch n.DataAtom {
	case atom.Article:
		levels[levelArticle] = true
	case atom.Main:
		levels[levelMain] = true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "itemprop":
			levels[levelArticleBody] = levels[levelArticleBody] || a.Val == "articleBody"
		case "role":
			levels[levelMain] = levels[levelMain] || a.Val == "main"
		case "id":
			levels[levelContentClass] = levels[levelContentClass] || contentIDs[a.Val]
		case "class":
			if !levels[levelContentClass] {
				for _, w := range strings.Fields(a.Val) {
					if contentClasses[w] {
						levels[levelContentClass] = true
						break
					}
				}
			}
		}
	}
	return levels
}

// minCandidateText is the least text, in bytes, of a cascade candidate.
const minCandidateText = 200

// cascadeCandidate returns the element of the first cascade level that
// marks one element only, not named as boilerplate ("comments", "related")
// and with enough text, and whether that level names the article's body
// itself. Several matches (a list of teasers, each an <article>) mark no
// article.
func cascadeCandidate(doc *html.Node) (n *html.Node, body bool) {
	// One walk for all levels: the page's tree is large, the levels few.
	var found [cascadeLevels][]*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			levels := cascadeMatch(n)
			if levels != [cascadeLevels]bool{} && !isBoilerplateName(n) {
				for level, ok := range levels {
					if ok {
						found[level] = append(found[level], n)
					}
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
			return nodes[0], level == levelArticleBody || level == levelContentClass
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
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: sharedAttrs(n)}
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		c.AppendChild(cloneTree(k))
	}
	return c
}

// sharedAttrs returns n's attributes for a copy of n: the same array,
// which nothing changes in place, capped so that an append to the copy's
// makes its own.
func sharedAttrs(n *html.Node) []html.Attribute {
	return n.Attr[:len(n.Attr):len(n.Attr)]
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
