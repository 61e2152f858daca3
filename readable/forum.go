package readable

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file finds the posts of a forum thread or of a question and its
// answers by their schema.org microdata: a post is an item of type
// DiscussionForumPosting, Question, Answer or Comment, its body the
// element it names "text" (or "articleBody"), its author the item it
// names "author". Discourse, XenForo, Stack Exchange and many others mark
// their threads so. Readability's scoring keeps one post of these, the
// longest, and drops the replies, which look like comments to it.
//
// Discourse sends browsers that run scripts an empty page, and the
// whole thread in a <noscript> (its view for crawlers), which the parsed
// tree holds as text: that text is parsed here, as a browser with
// scripting off would.

// post is one post of a thread: the item, and the element holding its
// text.
type post struct {
	item, body *html.Node
}

// maxAuthor is the longest author name kept, in bytes: more is not a name.
const maxAuthor = 100

// postKind returns the kind of post that the item n is, or "" if n is
// no item or of no post type.
func postKind(n *html.Node) string {
	if _, ok := lookupAttr(n, "itemscope"); !ok {
		return ""
	}
	for _, t := range strings.Fields(attr(n, "itemtype")) {
		t = t[strings.LastIndexAny(t, "/#")+1:]
		switch t {
		case "DiscussionForumPosting", "Question", "Answer", "Comment":
			return t
		}
	}
	return ""
}

func isItem(n *html.Node) bool {
	_, ok := lookupAttr(n, "itemscope")
	return ok && n.Type == html.ElementNode
}

// hasProp reports whether the element n is one of the properties named.
func hasProp(n *html.Node, names ...string) bool {
	if n.Type != html.ElementNode {
		return false
	}
	for _, p := range strings.Fields(attr(n, "itemprop")) {
		for _, name := range names {
			if p == name {
				return true
			}
		}
	}
	return false
}

// ownerItem returns the item whose property n is: the nearest item
// above it.
func ownerItem(n *html.Node) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if isItem(p) {
			return p
		}
	}
	return nil
}

// commentOnPost reports whether the Comment item n remarks on a question,
// an answer or another comment (Stack Exchange's comments, which readers
// of the page skip) rather than replying in a thread.
func commentOnPost(n *html.Node) bool {
	for p := ownerItem(n); p != nil; p = ownerItem(p) {
		switch postKind(p) {
		case "DiscussionForumPosting":
			return false
		case "Question", "Answer", "Comment":
			return true
		}
	}
	return false
}

// findPosts returns the posts under root in document order, if one of
// them opens a thread (a DiscussionForumPosting or a Question) or if
// thread says the page is one: comments on an article are no thread.
func findPosts(root *html.Node, thread bool) []post {
	var posts []post
	opens := thread
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && isInvisible(n) {
			return
		}
		if hasProp(n, "text", "articleBody") {
			if item := ownerItem(n); item != nil {
				switch kind := postKind(item); {
				case kind == "Comment" && commentOnPost(item), kind == "":
				default:
					opens = opens || kind == "DiscussionForumPosting" || kind == "Question"
					posts = append(posts, post{item: item, body: n})
					return // a post quoted in it is its text
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if !opens || len(posts) == 0 {
		return nil
	}
	if postKind(posts[0].item) == "Comment" {
		posts = append(openingPosts(posts[0]), posts...)
	}
	return posts
}

// openingPosts returns the posts before the reply first, that a page
// marks as its JSON-LD's DiscussionForumPosting, not in microdata
// (XenForo): the elements before first's item that are built as it is
// (same tag and class), each with the element built as first's body.
func openingPosts(first post) []post {
	var posts []post
	class := attr(first.item, "class")
	for s := first.item.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type != html.ElementNode || s.Data != first.item.Data || attr(s, "class") != class || isItem(s) {
			continue
		}
		if body := findLike(s, first.body); body != nil {
			posts = append([]post{{item: s, body: body}}, posts...)
		}
	}
	return posts
}

// findLike returns the first element under n with like's tag and class.
func findLike(n, like *html.Node) *html.Node {
	class := attr(like, "class")
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.Data == like.Data && attr(c, "class") == class {
			return c
		}
		if f := findLike(c, like); f != nil {
			return f
		}
	}
	return nil
}

// ownProps calls f, in document order, on the elements under item that
// belong to it rather than to an item inside it, but for skip and what it
// holds, until f returns true.
func ownProps(item, skip *html.Node, f func(*html.Node) bool) {
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || c == skip {
				continue
			}
			if f(c) {
				return true
			}
			if !isItem(c) && walk(c) {
				return true
			}
		}
		return false
	}
	walk(item)
}

// postAuthor returns the name of the post's author, or "".
func postAuthor(p post) string {
	var name string
	ownProps(p.item, p.body, func(n *html.Node) bool {
		if !hasProp(n, "author") || isWithin(p.body, n) {
			return false // an author holds no post
		}
		name = propText(n)
		if isItem(n) {
			name = ""
			ownProps(n, nil, func(m *html.Node) bool {
				if hasProp(m, "name") {
					name = propText(m)
				}
				return name != ""
			})
			if name == "" {
				name = collapse(textOf(n))
			}
		}
		return name != ""
	})
	if len(name) > maxAuthor {
		return ""
	}
	return name
}

// propText returns the value of the property n: its content attribute,
// or its text.
func propText(n *html.Node) string {
	if v, ok := lookupAttr(n, "content"); ok {
		return collapse(v)
	}
	return collapse(textOf(n))
}

// postDate returns when the post was written, as the page shows it (the
// text of its first <time>), else the date of its datePublished or
// dateCreated property; or "".
func postDate(p post) string {
	var date string
	ownProps(p.item, p.body, func(n *html.Node) bool {
		if n.DataAtom == atom.Time && !isItem(n) {
			date = collapse(textOf(n))
		}
		return date != ""
	})
	if date != "" && len(date) <= maxAuthor {
		return date
	}
	date = ""
	ownProps(p.item, p.body, func(n *html.Node) bool {
		if hasProp(n, "datePublished", "dateCreated") {
			date = attr(n, "datetime")
			if date == "" {
				date = propText(n)
			}
		}
		return date != ""
	})
	if isISODate(date) {
		return date[:10] // the time of day is noise here
	}
	if len(date) > maxAuthor {
		return ""
	}
	return date
}

// isISODate reports whether s starts with a date as YYYY-MM-DD.
func isISODate(s string) bool {
	if len(s) < 10 {
		return false
	}
	for i := 0; i < 10; i++ {
		switch {
		case i == 4 || i == 7:
			if s[i] != '-' {
				return false
			}
		case s[i] < '0' || s[i] > '9':
			return false
		}
	}
	return true
}

// threadOf returns the thread that posts make: for each, a line with its
// author (bold) and date, then its body. author is the first post's
// author, or else opener, the thread's author.
func threadOf(posts []post, opener string) (thread *html.Node, author string) {
	thread = &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
	said := map[string]bool{}
	for i, p := range posts {
		who, when := postAuthor(p), postDate(p)
		if i == 0 {
			if who == "" && len(opener) <= maxAuthor {
				who = opener
			}
			author = who
		}
		box := &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
		if who != "" || when != "" {
			line := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
			if who != "" {
				b := &html.Node{Type: html.ElementNode, DataAtom: atom.Strong, Data: "strong"}
				b.AppendChild(&html.Node{Type: html.TextNode, Data: who})
				line.AppendChild(b)
			}
			switch {
			case who != "" && when != "":
				line.AppendChild(&html.Node{Type: html.TextNode, Data: " — " + when})
			case when != "":
				line.AppendChild(&html.Node{Type: html.TextNode, Data: when})
			}
			box.AppendChild(line)
		}
		body := cloneTree(p.body)
		if i > 0 {
			dropQuotes(body, said)
		}
		for _, w := range strings.Fields(strings.ToLower(who + " " + textOf(body))) {
			said[w] = true
		}
		box.AppendChild(body)
		thread.AppendChild(box)
	}
	fixLazyImages(thread)
	return thread, author
}

// minQuote is the fewest words that dropQuotes takes for a quote.
const minQuote = 3

// dropQuotes removes from a post's body the quotes of earlier posts (in
// their own place already): a <blockquote> whose words were nearly all
// said before (said holds the words of the posts and their authors),
// with the line before it that introduces it ("user:").
func dropQuotes(body *html.Node, said map[string]bool) {
	var quotes []*html.Node
	removeWhere(body, func(n *html.Node) bool {
		if n.DataAtom != atom.Blockquote {
			return false
		}
		words := strings.Fields(strings.ToLower(textOf(n)))
		known := 0
		for _, w := range words {
			if said[w] {
				known++
			}
		}
		// Its title ("user said:") and a link to expand it may be
		// new words.
		if known < minQuote || (len(words)-known)*10 > len(words)+30 {
			return false
		}
		quote := n
		for p := quote.Parent; p != nil && p != body; p = p.Parent {
			all, q := collapse(textOf(p)), collapse(textOf(quote))
			title := strings.TrimSpace(strings.TrimSuffix(all, q))
			if !strings.HasSuffix(all, q) || len(title) > maxAuthor || !strings.HasSuffix(title, ":") {
				break // p holds more than the quote and its title
			}
			quote = p
		}
		quotes = append(quotes, quote)
		return false // a quote in it goes with it
	})
	for _, q := range quotes {
		if q.Parent != nil {
			q.Parent.RemoveChild(q)
		}
	}
}

// forumThread returns the thread that doc holds (see findPosts; its
// JSON-LD scripts may name it one), or nil: one of two posts or more in
// the page, else one of a post or more in a <noscript>, with author the
// first post's author. doc is left as it was.
func forumThread(doc *html.Node, jsonLD []string) (thread *html.Node, author string) {
	isThread, opener := linkedThread(jsonLD)
	if posts := findPosts(doc, isThread); len(posts) >= 2 {
		return threadOf(posts, opener)
	}
	var found []post
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.DataAtom == atom.Noscript {
			if posts := noscriptPosts(n, isThread); len(posts) > 0 {
				found = posts
				return true
			}
			return false
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(doc)
	if found == nil {
		return nil, ""
	}
	return threadOf(found, opener)
}

// noscriptPosts returns the posts that the <noscript> n holds, as text
// that is markup to a browser with scripting off.
func noscriptPosts(n *html.Node, isThread bool) []post {
	src := textOf(n)
	if !strings.Contains(src, "itemprop") {
		return nil
	}
	body := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	nodes, err := html.ParseFragment(strings.NewReader(src), body)
	if err != nil {
		return nil // nested deeper than x/net/html parses
	}
	for _, c := range nodes {
		body.AppendChild(c)
	}
	return findPosts(body, isThread)
}
