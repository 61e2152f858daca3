package strip

import (
	"bufio"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// ConvertNodes writes the HTML elements nodes (and all under them), in
// order, to w in opt.Format, as Convert would write the page they were
// parsed from: the same converter, fed from the tree instead of the
// tokenizer, so that a page narrowed down by reading mode or a selector is
// parsed once. Relative links resolve against opt.BaseURL, the base of the
// nodes' document with its <base> applied (htmlx.BaseURL): a <base> among
// the nodes is not read again.
func ConvertNodes(w io.Writer, nodes []*html.Node, opt Options) error {
	if opt.Format == "" || opt.Format == FormatRaw {
		bw := bufio.NewWriter(w)
		if opt.BaseURL != nil {
			// So that the HTML's relative links still lead where they did.
			bw.WriteString(`<base href="` + html.EscapeString(opt.BaseURL.String()) + `">`)
		}
		for _, n := range nodes {
			if err := html.Render(bw, n); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	if opt.Format == FormatTitle {
		var b strings.Builder
		for _, n := range nodes {
			html.Render(&b, n)
		}
		return Convert(w, strings.NewReader(b.String()), Options{Format: FormatTitle, HTML: true})
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	c := newConverter(bw, nil, opt)
	c.sawBase = true // opt.BaseURL is the nodes' base, <base> applied
	err := c.runTokens(newNodeStream(nodes, opt.Scripted))
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// newNodeStream walks nodes; scripted is as for newTokenStream.
func newNodeStream(nodes []*html.Node, scripted bool) *tokenStream {
	s := newStream()
	go s.produceNodes(nodes, scripted)
	return s
}

// produceNodes walks nodes and hands the converter the tokens the
// tokenizer would have made of them: a start tag written out (the
// converter reads a tag's attributes from its bytes), unescaped text, an
// end tag.
func (s *tokenStream) produceNodes(nodes []*html.Node, scripted bool) {
	bt := &batcher{s: s}
	if !bt.get() {
		return
	}
	var tag []byte
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			return bt.add(html.TextToken, []byte(n.Data))
		case html.ElementNode:
			tag = appendStartTag(tag[:0], n)
			if !bt.add(html.StartTagToken, tag) {
				return false
			}
			if htmlx.Void(n.DataAtom) {
				return true
			}
			if n.DataAtom == atom.Noscript && !scripted && n.FirstChild != nil && n.FirstChild == n.LastChild && n.FirstChild.Type == html.TextNode {
				// Parsed as a browser that runs scripts parses it, as
				// raw text: tokenized here as the stream path does.
				if !bt.addTokens(n.FirstChild.Data) {
					return false
				}
				tag = append(append(append(tag[:0], "</"...), n.Data...), '>')
				return bt.add(html.EndTagToken, tag)
			}
		case html.DocumentNode:
		default:
			return true // comments and doctypes show nothing
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		if n.Type == html.ElementNode {
			tag = append(append(append(tag[:0], "</"...), n.Data...), '>')
			return bt.add(html.EndTagToken, tag)
		}
		return true
	}
	for _, n := range nodes {
		if !walk(n) {
			return
		}
	}
	bt.end(io.EOF)
}

// appendStartTag appends n's start tag, attributes escaped, to b.
func appendStartTag(b []byte, n *html.Node) []byte {
	b = append(append(b, '<'), n.Data...)
	for _, a := range n.Attr {
		b = append(append(append(b, ' '), a.Key...), `="`...)
		b = append(b, html.EscapeString(a.Val)...)
		b = append(b, '"')
	}
	return append(b, '>')
}

// addTokens adds the tokens of the markup src, as the stream path's
// tokenizer makes them, with <noscript> read as markup.
func (bt *batcher) addTokens(src string) bool {
	z := html.NewTokenizer(strings.NewReader(src))
	states := tokenizerState{noscriptMarkup: true}
	var name []byte
	open := 0 // <noscript>s src opens and leaves open
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			// A <noscript> inside: the parser ended the raw text at its
			// end tag and dropped the outer one, so close both here.
			for ; open > 0; open-- {
				if !bt.add(html.EndTagToken, []byte("</noscript>")) {
					return false
				}
			}
			return true
		case html.TextToken:
			if !bt.add(tt, z.Text()) {
				return false
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			raw := z.Raw()
			name = appendTagName(name[:0], raw)
			states.after(z, tt, name)
			switch {
			case string(name) != "noscript":
			case tt == html.StartTagToken:
				open++
			case tt == html.EndTagToken && open > 0:
				open--
			}
			if !bt.add(tt, raw) {
				return false
			}
		}
	}
}
