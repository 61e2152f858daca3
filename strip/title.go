package strip

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// titleReader finds a page's title as its tokens or nodes go by: <title>,
// else og:title, else the first h1 (without its scripts and styles). The
// stream path (writeTitle) and the tree path (titleOfNodes) feed it alike.
type titleReader struct {
	title, ogTitle, h1  strings.Builder
	inTitle, inH1, done bool
	h1Done              bool
	skip                int
}

func (t *titleReader) text(b []byte) {
	switch {
	case t.inTitle:
		t.title.Write(b)
	case t.inH1 && t.skip == 0:
		t.h1.Write(b)
	}
}

// start takes a start tag; meta gives a <meta>'s property (or name) and
// content. HTML ignores the slash of <title/> or <script/>: each is open.
func (t *titleReader) start(a atom.Atom, meta func() (prop, content string)) {
	switch a {
	case atom.Title:
		t.inTitle = true
	case atom.H1:
		t.inH1 = !t.h1Done
	case atom.Script, atom.Style, atom.Template:
		if t.inH1 {
			t.skip++
		}
	case atom.Meta:
		if prop, content := meta(); strings.ToLower(prop) == "og:title" && t.ogTitle.Len() == 0 {
			t.ogTitle.WriteString(content)
		}
	}
}

// end takes an end tag and reports whether the title is known: a <title>
// with text ends the search.
func (t *titleReader) end(a atom.Atom) bool {
	switch a {
	case atom.Title:
		t.inTitle = false
		return collapseSpace(t.title.String()) != ""
	case atom.H1:
		if t.inH1 {
			t.inH1, t.h1Done = false, true
		}
	case atom.Script, atom.Style, atom.Template:
		if t.skip > 0 {
			t.skip--
		}
	}
	return false
}

// result is the title found, on one line, or "".
func (t *titleReader) result() string {
	for _, s := range []string{t.title.String(), t.ogTitle.String(), t.h1.String()} {
		if s = collapseSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// writeTitle writes the page's title on one line (see titleReader). It
// stops reading once <title> is found.
func writeTitle(w *bufio.Writer, r io.Reader) error {
	z := html.NewTokenizer(r)
	var t titleReader
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return err
			}
			return writeLine(w, t.result())
		case html.TextToken:
			t.text(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			t.start(atom.Lookup(name), func() (prop, content string) {
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "property", "name":
						prop = string(v)
					case "content":
						content = string(v)
					}
				}
				return prop, content
			})
		case html.EndTagToken:
			name, _ := z.TagName()
			if t.end(atom.Lookup(name)) {
				return writeLine(w, t.result())
			}
		}
	}
}

// titleOfNodes is the title of the page nodes come from, read as
// writeTitle reads it.
func titleOfNodes(nodes []*html.Node) string {
	var t titleReader
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			t.text([]byte(n.Data))
			return false
		case html.ElementNode:
			t.start(n.DataAtom, func() (prop, content string) {
				for _, a := range n.Attr {
					switch a.Key {
					case "property", "name":
						prop = a.Val
					case "content":
						content = a.Val
					}
				}
				return prop, content
			})
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return n.Type == html.ElementNode && t.end(n.DataAtom)
	}
	for _, n := range nodes {
		if walk(n) {
			break
		}
	}
	return t.result()
}

func writeLine(w *bufio.Writer, s string) error {
	if s != "" {
		w.WriteString(s + "\n")
	}
	return nil
}
