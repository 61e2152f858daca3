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
		if t := titleOfNodes(nodes); t != "" {
			_, err := io.WriteString(w, t+"\n")
			return err
		}
		return nil
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	c := newConverter(bw, nil, opt)
	c.sawBase = true // opt.BaseURL is the nodes' base, <base> applied
	err := c.runTokens(newNodeWalker(nodes, opt.Scripted))
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// nodeWalker hands the converter the tokens of nodes, walked in document
// order a batch at a time, in the caller's goroutine: a text, a start tag
// that carries its element (the converter reads the attributes from it),
// an end tag. Nothing is written out to be parsed again, but for the raw
// text the parser keeps in a <noscript> (see addTokens).
type nodeWalker struct {
	roots    []*html.Node
	open     []*html.Node // elements entered and not yet ended, innermost last
	at       *html.Node   // the node to visit, or nil: end the innermost one
	scripted bool
	b        *tokenBatch
	ended    bool
}

func newNodeWalker(nodes []*html.Node, scripted bool) *nodeWalker {
	return &nodeWalker{roots: nodes, scripted: scripted, b: &tokenBatch{buf: make([]byte, 0, 4<<10)}}
}

func (w *nodeWalker) release(*tokenBatch) {}
func (w *nodeWalker) close()              {}

// add appends a token; a batch may run over its size by one <noscript>'s
// tokens, which the tree holds in memory already.
func (w *nodeWalker) add(tt html.TokenType, parts ...[]byte) bool {
	w.b.append(tt, parts...)
	return true
}

func (w *nodeWalker) tag(tt html.TokenType, n *html.Node) {
	b := w.b
	start := len(b.buf)
	if tt == html.EndTagToken {
		b.buf = append(b.buf, "</"...)
	} else {
		b.buf = append(b.buf, '<')
	}
	b.buf = append(append(b.buf, n.Data...), '>')
	t := token{tt: tt, start: start, end: len(b.buf)}
	if tt != html.EndTagToken {
		t.node = n
	}
	b.toks = append(b.toks, t)
}

// advance moves past n: to its next sibling, or, for a root, to the end.
func (w *nodeWalker) advance(n *html.Node) {
	if len(w.open) == 0 {
		w.at = nil // the next root
		return
	}
	w.at = n.NextSibling
}

func (w *nodeWalker) next() *tokenBatch {
	b := w.b
	b.toks, b.buf, b.err = b.toks[:0], b.buf[:0], nil
	for len(b.toks) < batchTokens && len(b.buf) < batchBytes {
		n := w.at
		switch {
		case n == nil && len(w.open) > 0:
			n = w.open[len(w.open)-1]
			w.open = w.open[:len(w.open)-1]
			if n.Type == html.ElementNode {
				w.tag(html.EndTagToken, n)
			}
			w.advance(n)
			continue
		case n == nil && len(w.roots) > 0:
			w.at, w.roots = w.roots[0], w.roots[1:]
			continue
		case n == nil:
			b.err = io.EOF
			return b
		}
		switch n.Type {
		case html.TextNode:
			start := len(b.buf)
			b.buf = append(b.buf, n.Data...)
			b.toks = append(b.toks, token{tt: html.TextToken, start: start, end: len(b.buf)})
		case html.ElementNode:
			w.tag(html.StartTagToken, n)
			if htmlx.Void(n.DataAtom) {
				break
			}
			if n.DataAtom == atom.Noscript && !w.scripted && n.FirstChild != nil && n.FirstChild == n.LastChild && n.FirstChild.Type == html.TextNode {
				// Parsed as a browser that runs scripts parses it, as
				// raw text: tokenized here as the stream path does.
				addTokens(w, n.FirstChild.Data)
				w.tag(html.EndTagToken, n)
				break
			}
			w.open = append(w.open, n)
			w.at = n.FirstChild
			continue
		case html.DocumentNode:
			w.open = append(w.open, n)
			w.at = n.FirstChild
			continue
		}
		w.advance(n) // comments and doctypes show nothing
	}
	return b
}

// addTokens adds the tokens of the markup src to bt, as the stream path's
// tokenizer makes them, with <noscript> read as markup.
func addTokens(bt tokenAdder, src string) bool {
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
