package strip

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

var fuzzSeeds = []string{
	"",
	"<p>plain</p>",
	"<ul><li>a<li>b<ol><li>c</ol></ul>",
	"<table><tr><td>a<td>b<tr><td colspan=3>c</table>",
	"<pre>  code\n* line\n#+x</pre>",
	"<a href='x'>[[y]]</a><img src=z alt='a]]'>",
	"<b>*</b>_<i>_</i>`<code>``</code>",
	"<h1>t</h1><h3>u</h3><blockquote>q<blockquote>qq</blockquote></blockquote>",
	"<p>\x00\x01\x1b[31m\u0085\u00ad&shy;&nbsp;</p>",
	"<dl><dt>t<dd>d<dd>e</dl>",
	"<table><tr><td><ul><li><table><tr><td>x</table></ul></table>",
	"<div hidden><p>x</div><p>y",
	"<q>a</q><sup>1</sup><sub>2</sub><del>d</del>",
	"<br><br><br>x<br>",
	"<li>x<td>y<tr>z<caption>c",
	strings.Repeat("<div>", 5000) + "deep",
	"<p>&#0;&#x110000;&#xd800;\xff\xfe</p>",
	"<p>Price: <b>100</b>-<i>200</i> USD</p><p>x<sup>2</sup>+y<sup>3</sup></p>",
	"<ul><li>0<ol><dl>0</dl></ol></li></ul>",
	"<p>\u202eevil\u2066</p>",
	"<p>a\ufeffb &#xFEFF;c</p><pre>\ufeffcode</pre><img alt=\"\ufeffx\" src=a.png>",
	"<table><tr><td><h3>t</h3><td><pre>1\n2</pre><td><pre>code\n x</pre></table>",
	"<a href=u title='\")\\ &amp;amp; |]] [[x'>a</a><img src=i title='t\nu' alt=b>",
	"<table><tr><th align=right>a<th style='text-align:center'>b<tr><td>&lt;r&gt;<td>#</table>",
	"<video src=v.mp4 poster=p.jpg title=']]'>x<a href=y>z</a></video><video><source src=w.webm></video>",
	"<b>a<br>b<br></b><i><br>c<br><br>d</i><a href=u>e<br>f</a><b>g<br><code>h<br>i</code></b>",
}

// FuzzConvert checks the properties every conversion must have, whatever
// the input: no panic, valid UTF-8 without control characters, no trailing
// spaces or double blank lines, one final newline, and an output size linear
// in the input size.
func FuzzConvert(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0), uint8(0))
	}
	pages, _ := filepath.Glob("testdata/*.html")
	for _, p := range pages {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, uint8(1), uint8(40))
		}
	}
	base, _ := url.Parse("https://example.com/a/b.html")
	formats := []Format{FormatText, FormatMarkdown, FormatOrg, FormatTitle}
	f.Fuzz(func(t *testing.T, in []byte, formatIndex, width uint8) {
		format := formats[int(formatIndex)%len(formats)]
		var out bytes.Buffer
		opt := Options{Format: format, HTML: true, BaseURL: base, Width: int(width % 100), BaseLevel: int(width % 3)}
		done := make(chan error, 1)
		go func() { done <- Convert(&out, bytes.NewReader(in), opt) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Convert did not finish in 10s on %q (%+v)", in, opt)
		}
		got := out.String()
		checkOutput(t, got, hasCodeBlock(in))
		if live := liveConstruct(got, format); live != "" {
			t.Errorf("%s output holds %s from the page's text:\n%s", format, live, got)
		}
		if limit := 40*len(in) + 1024; len(got) > limit {
			t.Errorf("%d bytes out for %d in", len(got), len(in))
		}
		if format != FormatTitle && opt.Width > 0 && len(in) < 64<<10 {
			// Wrapping changes no word.
			opt.Width = 0
			var whole bytes.Buffer
			if err := Convert(&whole, bytes.NewReader(in), opt); err != nil {
				t.Fatal(err)
			}
			if q := hasQuote(in); words(got, q) != words(whole.String(), q) {
				t.Errorf("width %d changes words:\nwrapped %q\nwhole   %q", width%100, got, whole.String())
			}
		}
		if format == FormatTitle && strings.Count(got, "\n") > 1 {
			t.Errorf("title on more than one line: %q", got)
		}
	})
}

// liveConstruct returns what in the output of format the editor would act
// on although the converter never writes it itself, or "": in every format
// file-local variables and a "-*-" mode line; in Org, a link to anything
// but http, https and mailto, an agenda sexp, an active timestamp, an
// inline footnote, and a line-start keyword other than a block's. It holds
// inside code blocks and spans too, where Org reads no markup but Emacs and
// the agenda still read these.
func liveConstruct(out string, f Format) string {
	lower := strings.ToLower(out)
	switch {
	case strings.Contains(lower, "local variables:"):
		return "a Local Variables: block"
	case strings.Contains(out, "-*-"):
		return "a -*- line"
	case f != FormatOrg:
		return ""
	case strings.Contains(out, "%%("):
		return "an agenda sexp"
	case strings.Contains(lower, "[fn:"):
		return "a footnote"
	}
	for i := strings.Index(out, "<"); i >= 0 && i+1 < len(out); i = nextIndex(out, i, "<") {
		if c := out[i+1]; c >= '0' && c <= '9' {
			return "an active timestamp " + out[i:min(len(out), i+20)]
		}
	}
	inBlock := false
	for _, l := range strings.Split(out, "\n") {
		t := strings.ToLower(strings.TrimLeft(l, " "))
		switch {
		case strings.HasPrefix(t, "#+begin_"):
			inBlock = true
			continue
		case strings.HasPrefix(t, "#+end_"):
			inBlock = false
			continue
		case inBlock:
			continue
		case strings.HasPrefix(t, "#+caption: "):
			// A table's caption: the converter's own keyword.
		case strings.HasPrefix(t, "#+"):
			return "a keyword line " + l
		}
		for i := strings.Index(l, "[["); i >= 0; i = nextIndex(l, i, "[[") {
			target := l[i+2:]
			if strings.HasPrefix(target, "[") {
				continue // "[[[u]]": Org reads the link from the next "["
			}
			if !strings.HasPrefix(target, "http:") && !strings.HasPrefix(target, "https:") && !strings.HasPrefix(target, "mailto:") {
				return "a link " + l[i:min(len(l), i+30)]
			}
		}
	}
	return ""
}

func nextIndex(s string, i int, sub string) int {
	j := strings.Index(s[i+1:], sub)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// FuzzConvertNodes checks ConvertNodes on the tree x/net/html parses from
// any input: the properties of FuzzConvert, for the first element under
// <body> and for the whole document.
func FuzzConvertNodes(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0))
	}
	base, _ := url.Parse("https://example.com/a/b.html")
	formats := []Format{FormatText, FormatMarkdown, FormatOrg, FormatTitle, FormatRaw}
	f.Fuzz(func(t *testing.T, in []byte, formatIndex uint8) {
		doc, err := xhtml.Parse(bytes.NewReader(in))
		if err != nil {
			return // too deep for x/net/html: readable.Parse flattens those
		}
		nodes := []*xhtml.Node{doc}
		if body := findBody(doc); body != nil && body.FirstChild != nil {
			nodes = append(nodes, body.FirstChild)
		}
		format := formats[int(formatIndex)%len(formats)]
		var out bytes.Buffer
		if err := ConvertNodes(&out, nodes, Options{Format: format, HTML: true, BaseURL: base}); err != nil {
			t.Fatalf("ConvertNodes: %v", err)
		}
		if format == FormatRaw {
			return
		}
		got := out.String()
		checkOutput(t, got, hasCodeBlock(in))
		if format != FormatTitle {
			// The tree written out is well-formed HTML, which the stream
			// path must read as the parser built it.
			var page, again, tree bytes.Buffer
			if err := ConvertNodes(&tree, []*xhtml.Node{doc}, Options{Format: format, HTML: true, BaseURL: htmlx.BaseURL(doc, base)}); err != nil {
				t.Fatal(err)
			}
			got := tree.String()
			if err := xhtml.Render(&page, doc); err == nil {
				if err := Convert(&again, bytes.NewReader(page.Bytes()), Options{Format: format, HTML: true, BaseURL: base}); err != nil {
					t.Fatal(err)
				}
				if wellFormed(page.String()) && again.String() != got {
					t.Errorf("the stream path reads the tree written out differently:\n%s", diffLines(got, again.String()))
				}
			}
		}
		if limit := 2 * (40*len(in) + 1024); len(got) > limit { // the document and a part of it
			t.Errorf("%d bytes out for %d in", len(got), len(in))
		}
	})
}

func findBody(n *xhtml.Node) *xhtml.Node {
	if n.Type == xhtml.ElementNode && n.Data == "body" {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if b := findBody(c); b != nil {
			return b
		}
	}
	return nil
}

// wellFormed reports whether a page written out from a tree reads back as
// the same tree: x/net/html writes what it cannot round-trip (foreign
// content, raw text holding markup, a <p> around a table…) as it is.
func wellFormed(page string) bool {
	doc, err := xhtml.Parse(strings.NewReader(page))
	if err != nil {
		return false
	}
	var again strings.Builder
	return xhtml.Render(&again, doc) == nil && again.String() == page
}
