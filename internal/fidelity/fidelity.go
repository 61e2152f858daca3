// Package fidelity measures how much of a page's structure a conversion
// keeps: the page's visible headings, list items, table cells, code blocks
// and links, and the 4-word shingles of its text, found again in the
// converted output once that is read back (Markdown through a CommonMark
// parser with GFM tables, Org through Org's own HTML export, both rendered
// to HTML and read with the same extractor as the page).
//
// Element texts are compared with white space removed: converters put
// spaces at tag edges differently, and that is not what is measured.
package fidelity

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Kind is a kind of element measured.
type Kind int

// The kinds measured, in the order of a row.
const (
	Headings Kind = iota
	Items
	Cells
	DataCells
	Blocks
	Links
	Shingles
	kinds
)

var kindNames = [kinds]string{"headings", "items", "cells", "datacells", "code", "links", "shingles"}

func (k Kind) String() string { return kindNames[k] }

// Elements are the elements of one document, each kind a multiset of
// normalized texts (link targets for Links).
type Elements [kinds]map[string]int

func newElements() *Elements {
	var e Elements
	for i := range e {
		e[i] = map[string]int{}
	}
	return &e
}

// hidden reports whether an element shows nothing in a browser.
func hidden(n *xhtml.Node) bool {
	switch n.DataAtom {
	case atom.Head, atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Object,
		atom.Svg, atom.Canvas, atom.Audio, atom.Video, atom.Select, atom.Datalist, atom.Textarea,
		atom.Noembed, atom.Noframes, atom.Title, atom.Input:
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			s := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// squeeze removes white space and the invisible zero-width space, soft
// hyphen and zero-width no-break space: the form in which texts compare.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\u2060' || r == '\u00ad' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}

// text returns the visible text of n; skip names elements left out.
func text(n *xhtml.Node, skip func(*xhtml.Node) bool) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch n.Type {
		case xhtml.TextNode:
			b.WriteString(n.Data)
			return
		case xhtml.ElementNode:
			if hidden(n) || skip != nil && skip(n) {
				return
			}
			if n.DataAtom == atom.Br || n.DataAtom == atom.P || n.DataAtom == atom.Div || n.DataAtom == atom.Li {
				b.WriteByte(' ')
			}
			if n.DataAtom == atom.Img {
				// An image's alternative text is its text: Markdown keeps
				// it as an image's, Org as a link's description.
				var alt, src string
				for _, a := range n.Attr {
					switch a.Key {
					case "alt":
						alt = a.Val
					case "src":
						src = a.Val
					}
				}
				if !strings.HasSuffix(src, alt) { // Org's export writes the file name
					b.WriteString(" " + alt + " ")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == xhtml.ElementNode {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return b.String()
}

// isPermalink reports whether n is a heading's permalink mark: a link to a
// place in the page whose text is only symbols (#, ¶, §, 🔗) or nothing. It
// shows on hover and is no part of the heading's words; the converters
// leave it out.
func isPermalink(n *xhtml.Node) bool {
	if n.DataAtom != atom.A {
		return false
	}
	for _, a := range n.Attr {
		if a.Key == "href" && strings.HasPrefix(strings.TrimSpace(a.Val), "#") {
			t := text(n, nil)
			return !strings.ContainsFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
		}
	}
	return false
}

func isList(n *xhtml.Node) bool {
	return n.DataAtom == atom.Ul || n.DataAtom == atom.Ol || n.DataAtom == atom.Dl
}

func isTable(n *xhtml.Node) bool { return n.DataAtom == atom.Table }

// FromHTML reads the visible elements of an HTML document. Links are
// resolved against base; only http, https and mailto links count.
func FromHTML(r io.Reader, base *url.URL) (*Elements, error) {
	doc, err := xhtml.Parse(r)
	if err != nil {
		return nil, err
	}
	e := newElements()
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			if hidden(n) {
				return
			}
			add := func(k Kind, s string) {
				if s = squeeze(s); s != "" {
					e[k][s]++
				}
			}
			switch n.DataAtom {
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				add(Headings, text(n, isPermalink))
			case atom.Li:
				add(Items, text(n, isList))
			case atom.Td, atom.Th:
				add(Cells, text(n, isTable))
				if t := tableOf(n); t != nil && isDataTable(t) {
					add(DataCells, text(n, isTable))
				}
			case atom.Pre:
				add(Blocks, text(n, nil))
			case atom.A:
				for _, a := range n.Attr {
					if a.Key == "href" {
						if u := link(base, a.Val); u != "" && squeeze(text(n, nil)) != "" {
							e[Links][u]++
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	addShingles(e, text(doc, nil))
	return e, nil
}

// tableOf returns the table a cell is in.
func tableOf(n *xhtml.Node) *xhtml.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Table {
			return p
		}
	}
	return nil
}

// isDataTable reports whether a table holds data, by the content that a
// page's layout has and data has not: more than one column, and no
// heading, code block or table inside.
func isDataTable(t *xhtml.Node) bool {
	cols := 0
	data := true
	var walk func(n *xhtml.Node, row int)
	walk = func(n *xhtml.Node, cells int) {
		for c := n.FirstChild; c != nil && data; c = c.NextSibling {
			if c.Type != xhtml.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre:
				data = false
				return
			case atom.Tr:
				n := 0
				for cell := c.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.DataAtom == atom.Td || cell.DataAtom == atom.Th {
						n++
					}
				}
				cols = max(cols, n)
			}
			walk(c, cells)
		}
	}
	walk(t, 0)
	return data && cols > 1
}

// link resolves href and returns it if it is an http, https or mailto URL.
func link(base *url.URL, href string) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	switch u.Scheme {
	case "http", "https", "mailto":
		u.Fragment = ""
		return u.String()
	}
	return ""
}

// FromText reads the shingles of plain text: the only measure that text
// output allows.
func FromText(s string) *Elements {
	e := newElements()
	addShingles(e, s)
	return e
}

// addShingles adds the 4-word shingles of s, words reduced to their letters
// and digits.
func addShingles(e *Elements, s string) {
	var words []string
	for _, w := range strings.Fields(s) {
		w = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, w)
		if w != "" {
			words = append(words, w)
		}
	}
	for i := 0; i+4 <= len(words); i++ {
		e[Shingles][strings.Join(words[i:i+4], " ")]++
	}
}

var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// FromMarkdown reads Markdown back as a CommonMark reader with GFM tables
// does, then measures the HTML it renders.
func FromMarkdown(md []byte, base *url.URL) (*Elements, error) {
	var out bytes.Buffer
	if err := markdown.Convert(md, &out); err != nil {
		return nil, err
	}
	return FromHTML(&out, base)
}

// Score counts the elements of pages found again in their conversions.
type Score struct {
	Found, Total [kinds]int
	Pages        int
}

// Add counts the elements of one page (src) found in its conversion (out).
func (s *Score) Add(src, out *Elements) {
	s.Pages++
	for k := range src {
		for key, n := range src[k] {
			s.Total[k] += n
			s.Found[k] += min(n, out[k][key])
		}
	}
}

// Recall returns the share of the elements of kind k found again.
func (s *Score) Recall(k Kind) float64 {
	if s.Total[k] == 0 {
		return 0
	}
	return float64(s.Found[k]) / float64(s.Total[k])
}

// Header is the header of Row's table.
func Header() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s", "tool")
	for k := Kind(0); k < kinds; k++ {
		fmt.Fprintf(&b, " %9s", k)
	}
	return b.String()
}

// Row formats the recall of every kind; kinds that only is given are
// shown, the others as "-".
func (s *Score) Row(name string, only ...Kind) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s", name)
	for k := Kind(0); k < kinds; k++ {
		shown := len(only) == 0
		for _, o := range only {
			shown = shown || o == k
		}
		if shown {
			fmt.Fprintf(&b, " %9.3f", s.Recall(k))
		} else {
			fmt.Fprintf(&b, " %9s", "-")
		}
	}
	return b.String()
}

// ExportOrg has Emacs export every .org file in dir to a .html file beside
// it, with Org's own HTML export (see org-html.el, whose path is el); a
// file that does not export gets a .err file with the error, and its
// .html has the broken links marked.
func ExportOrg(dir, el string) error {
	c := exec.Command("emacs", "-Q", "--batch", "-l", el, "--eval", fmt.Sprintf("(fidelity-export-dir %q)", dir))
	if out, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("emacs: %v\n%s", err, out)
	}
	return nil
}

// Below returns a line for each kind whose recall is below its floor.
func (s *Score) Below(floors map[Kind]float64) []string {
	var out []string
	for k := Kind(0); k < kinds; k++ {
		if floor, ok := floors[k]; ok && s.Recall(k) < floor-0.0005 {
			out = append(out, fmt.Sprintf("%s: %.3f of the pages' elements found again, below the floor %.3f", k, s.Recall(k), floor))
		}
	}
	return out
}
