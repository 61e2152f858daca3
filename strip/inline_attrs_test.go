package strip

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// formatCase is one page and what each format writes of it; html, when
// set, is what goldmark must render of the Markdown (a substring of its
// HTML), which shows the markup means what the page did.
type formatCase struct {
	name          string
	in            string
	md, org, text string
	html          []string
}

// runFormatCases converts each case on both paths, the bytes and the
// parsed tree, and checks every format and the HTML goldmark reads from
// the Markdown.
func runFormatCases(t *testing.T, cases []formatCase) {
	t.Helper()
	base, _ := url.Parse("https://example.com/dir/page.html")
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range []struct {
				format Format
				want   string
			}{{FormatMarkdown, tc.md}, {FormatOrg, tc.org}, {FormatText, tc.text}} {
				opt := Options{Format: f.format, HTML: true, BaseURL: base, Links: LinksInline}
				var fromBytes, fromTree bytes.Buffer
				if err := Convert(&fromBytes, strings.NewReader(tc.in), opt); err != nil {
					t.Fatal(err)
				}
				doc, err := html.Parse(strings.NewReader(tc.in))
				if err != nil {
					t.Fatal(err)
				}
				treeOpt := opt
				treeOpt.BaseURL = htmlx.BaseURL(doc, base)
				if err := ConvertNodes(&fromTree, []*html.Node{doc}, treeOpt); err != nil {
					t.Fatal(err)
				}
				got := strings.TrimSuffix(fromBytes.String(), "\n")
				if got != f.want {
					t.Errorf("%s:\n got %q\nwant %q", f.format, got, f.want)
				}
				if fromTree.String() != fromBytes.String() {
					t.Errorf("%s: the tree path writes %q, the byte path %q", f.format, fromTree.String(), fromBytes.String())
				}
				checkInvariants(t, fromBytes.String())
				if f.format != FormatMarkdown {
					continue
				}
				var rendered bytes.Buffer
				if err := md.Convert(fromBytes.Bytes(), &rendered); err != nil {
					t.Fatal(err)
				}
				for _, h := range tc.html {
					if !strings.Contains(rendered.String(), h) {
						t.Errorf("goldmark reads %q, without %q", rendered.String(), h)
					}
				}
			}
		})
	}
}

// TestLinkTitles: a link's or an image's title is Markdown's link title,
// escaped so that it ends where it should and holds only text. Org has no
// link titles and text no tooltips: both drop it.
func TestLinkTitles(t *testing.T) {
	runFormatCases(t, []formatCase{{
		name: "link",
		in:   `<p><a href="/u" title="T">a</a></p>`,
		md:   `[a](https://example.com/u "T")`,
		org:  `[[https://example.com/u][a]]`,
		text: `a <https://example.com/u>`,
		html: []string{`<a href="https://example.com/u" title="T">a</a>`},
	}, {
		name: "hostile title",
		in:   `<p><a href="/v" title='say "hi") [x](y) \ &amp;amp; <b>*z*</b>'>b</a> after</p>`,
		md:   `[b](https://example.com/v "say \"hi\") [x](y) \\ \&amp; <b>*z*</b>") after`,
		org:  `[[https://example.com/v][b]] after`,
		text: `b <https://example.com/v> after`,
		html: []string{`<a href="https://example.com/v" title="say &quot;hi&quot;) [x](y) \ &amp;amp; &lt;b&gt;*z*&lt;/b&gt;">b</a> after</p>`},
	}, {
		name: "newlines and Org syntax",
		in:   "<p><a href=\"/w\" title=\"one\n\n#+begin_src\n]] [[elisp:x]]\">c</a></p>",
		md:   `[c](https://example.com/w "one #+begin_src ]] [[elisp:x]]")`,
		org:  `[[https://example.com/w][c]]`,
		text: `c <https://example.com/w>`,
		html: []string{`title="one #+begin_src ]] [[elisp:x]]">c</a>`},
	}, {
		name: "a link named by its address",
		in:   `<p><a href="https://example.com/x" title="auto">https://example.com/x</a></p>`,
		md:   `[https://example.com/x](https://example.com/x "auto")`,
		org:  `[[https://example.com/x]]`,
		text: `https://example.com/x`,
		html: []string{`<a href="https://example.com/x" title="auto">https://example.com/x</a>`},
	}, {
		name: "image",
		in:   `<p><img src="/i.png" alt="A" title='img "t"'> <a href="/z" title="lt"><img src="/j.png" alt="J" title="jt"></a></p>`,
		md:   `![A](https://example.com/i.png "img \"t\"") [![J](https://example.com/j.png "jt")](https://example.com/z "lt")`,
		org:  `[[https://example.com/i.png][A]] [[https://example.com/z][J]]`,
		text: `[A] [J] <https://example.com/z>`,
		html: []string{`<img src="https://example.com/i.png" alt="A" title="img &quot;t&quot;">`, `<a href="https://example.com/z" title="lt"><img src="https://example.com/j.png" alt="J" title="jt"></a>`},
	}, {
		name: "in a table",
		in:   `<table><tr><th>h</th><th>i</th></tr><tr><td><a href="/t" title="a|b">t</a></td><td>x</td></tr></table>`,
		md:   "| h                                 | i   |\n| --------------------------------- | --- |\n| [t](https://example.com/t \"a\\|b\") | x   |",
		org:  "| h | i |\n|---+---|\n| [[https://example.com/t][t]] | x |",
		text: "h                          i\n-------------------------  -\nt <https://example.com/t>  x",
		html: []string{`<td><a href="https://example.com/t" title="a|b">t</a></td>`},
	}, {
		name: "reopened after a block",
		in:   `<div><a href="/r" title="again"><p>x</p><p>y</p></a></div>`,
		md:   "[x](https://example.com/r \"again\")\n\n[y](https://example.com/r \"again\")",
		org:  "[[https://example.com/r][x]]\n\n[[https://example.com/r][y]]",
		text: "x <https://example.com/r>\n\ny <https://example.com/r>",
		html: []string{`<p><a href="https://example.com/r" title="again">y</a></p>`},
	}})
}

// TestColumnAlignment: align and text-align on the cells of the first row
// give Markdown's delimiter row its colons; text pads the cells of such a
// column on the side the page does; Org writes no cookie row (see
// orgSyntax.tableLines), and a page's cell that would read as one, or as
// a special column's mark, is kept text.
func TestColumnAlignment(t *testing.T) {
	runFormatCases(t, []formatCase{{
		name: "header row",
		in: `<table><tr><th align="left">Name</th><th style="color: red; TEXT-ALIGN: Center !important">Mid</th><th align=right style="color:red">Price</th><th>None</th></tr>` +
			`<tr><td>apple</td><td>x</td><td>1.50</td><td>n</td></tr><tr><td>banana split</td><td>yy</td><td>12.00</td><td>n</td></tr></table>`,
		md: "| Name         | Mid | Price | None |\n| :----------- | :-: | ----: | ---- |\n| apple        | x   | 1.50  | n    |\n| banana split | yy  | 12.00 | n    |",
		org: "| Name         | Mid | Price | None |\n|--------------+-----+-------+------|\n" +
			"| apple        | x   | 1.50  | n    |\n| banana split | yy  | 12.00 | n    |",
		text: "Name          Mid  Price  None\n------------  ---  -----  ----\napple          x    1.50  n\nbanana split  yy   12.00  n",
		html: []string{`<th style="text-align:left">Name</th>`, `<th style="text-align:center">Mid</th>`, `<td style="text-align:right">12.00</td>`, "<th>None</th>"},
	}, {
		name: "style overrides align; a span aligns its columns",
		in:   `<table><tr><td align="left" style="text-align:right" colspan="2">ab</td><td align="justify">c</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>`,
		md:   "| ab  |     | c   |\n| --: | --: | --- |\n| 1   | 2   | 3   |",
		org:  "| ab |   | c |\n| 1  | 2 | 3 |",
		text: "  ab  c\n1  2  3",
		html: []string{`<th style="text-align:right">ab</th>`, `<td style="text-align:right">2</td>`},
	}, {
		name: "a page's cells that read as Org's own",
		in:   `<table><tr><td>#</td><td>&lt;r&gt;</td><td>&lt;l10&gt;</td></tr><tr><td>!</td><td>&lt;&gt;</td><td>x</td></tr></table>`,
		md:   "| #   | \\<r> | \\<l10> |\n| --- | ---- | ------ |\n| !   | <>   | x      |",
		org:  "| \u200b# | \u200b<r> | \u200b<l10> |\n| \u200b! | \u200b<>  | x     |",
		text: "#  <r>  <l10>\n!  <>   x",
	}})
}

// TestVideo: a video is a link to it, under the same URL policy as the
// page's links; its poster, when it has one, is the link's image (a
// thumbnail that plays it), else the link reads "video" or its title. Its
// fallback content, which a browser that plays it does not show, is not.
func TestVideo(t *testing.T) {
	runFormatCases(t, []formatCase{{
		name: "src and poster",
		in:   `<p>Watch: <video src="/v.mp4" poster="/p.jpg" controls>Your browser <a href="/dl">cannot</a></video> now.</p>`,
		md:   `Watch: [![video](https://example.com/p.jpg)](https://example.com/v.mp4) now.`,
		org:  `Watch: [[https://example.com/v.mp4][video]] now.`,
		text: `Watch: video <https://example.com/v.mp4> now.`,
		html: []string{`<a href="https://example.com/v.mp4"><img src="https://example.com/p.jpg" alt="video"></a>`},
	}, {
		name: "the first source with an address",
		in:   `<video controls><source type="video/webm"><source src="a.webm"><source src="/b.mp4">fallback</video>`,
		md:   `[video](https://example.com/dir/a.webm)`,
		org:  `[[https://example.com/dir/a.webm][video]]`,
		text: `video <https://example.com/dir/a.webm>`,
	}, {
		name: "no link the page may make",
		in:   `<p>a <video src="javascript:alert(1)" poster="/p.jpg"></video><video src="blob:x"></video><video src="#t"></video><a href="/x">in <video src="/l.mp4"></video>link</a> <code>c<video src="/c.mp4"></video></code></p>`,
		md:   "a [in link](https://example.com/x) `c`",
		org:  "a [[https://example.com/x][in link]] ~c~",
		text: "a in link <https://example.com/x> c",
	}, {
		name: "a hostile title, a data: poster",
		in:   `<figure><video src="/t.mp4" title='A "clip" ]] [[elisp:x]] *b*' poster="data:image/gif;base64,R0l"></video></figure>`,
		md:   `[A "clip" \]\] \[\[elisp:x\]\] \*b\*](https://example.com/t.mp4)`,
		org:  "[[https://example.com/t.mp4][A \"clip\" ]\u200b] [\u200b[elisp\u200b:x]\u200b] *b*\u2060]]",
		text: `A "clip" ]] [[elisp:x]] *b* <https://example.com/t.mp4>`,
	}, {
		name: "hidden",
		in:   `<div hidden><video src="/h.mp4"></video></div><video src="/s.mp4" style="display:none"></video><p>end</p>`,
		md:   `end`,
		org:  `end`,
		text: `end`,
	}})
}

// TestBreakInSpan: a <br> inside a link or emphasis is a hard line break
// in Markdown (CommonMark holds one there) and a line break in text; in
// Org, inside an emphasis that spans one newline only, and a space in a
// link's description, which holds none. No span starts or ends with one:
// a break at its edge goes outside it, so no backslash is left before a
// closing marker and no marker stands alone at the start of a line.
func TestBreakInSpan(t *testing.T) {
	runFormatCases(t, []formatCase{{
		name: "emphasis and link",
		in:   `<p>x <strong>a<br>b</strong> y <a href="/u">c <br> d</a> z <em>e<br><br>f</em>.</p>`,
		md:   "x **a\\\nb** y [c\\\nd](https://example.com/u) z *e\\\nf*.",
		org:  "x *a\nb* y [[https://example.com/u][c d]] z /e\nf/.",
		text: "x a\nb y c\nd <https://example.com/u> z e\nf.",
		html: []string{"x <strong>a<br>\nb</strong> y <a href=\"https://example.com/u\">c<br>\nd</a> z <em>e<br>\nf</em>."},
	}, {
		name: "at the edges",
		in:   `<p><strong>g<br></strong>h <em><br>i</em> j <a href="/v"><br>k<br></a>l</p>`,
		md:   "**g**\\\nh \\\n*i* j \\\n[k](https://example.com/v)\\\nl",
		org:  "*g*\nh\n/i/ j\n[[https://example.com/v][k]]\nl",
		text: "g\nh\ni j\nk <https://example.com/v>\nl",
		html: []string{"<strong>g</strong><br>\nh <br>\n<em>i</em> j <br>\n<a href=\"https://example.com/v\">k</a><br>\nl"},
	}, {
		name: "two breaks in an Org emphasis",
		in:   `<p><b>one<br>two<br>three</b> <b>k<br><i>l</i></b> <b>p <a href="/w">q<br>r</a></b></p>`,
		md:   "**one\\\ntwo\\\nthree** **k\\\n*l*** **p [q\\\nr](https://example.com/w)**",
		org:  "*one two three* *k\nl* *p [[https://example.com/w][q r]]*",
		text: "one\ntwo\nthree k\nl p q\nr <https://example.com/w>",
		html: []string{"<strong>one<br>\ntwo<br>\nthree</strong> <strong>k<br>\n<em>l</em></strong> <strong>p <a href=\"https://example.com/w\">q<br>\nr</a></strong>"},
	}, {
		name: "what a new line starts with",
		in:   `<p><b>a<br># b</b> <i>c<br>- d</i> <b>e<br>* f</b> <b>g<br><code>h<br>i</code></b></p>`,
		md:   "**a\\\n\\# b** *c\\\n\\- d* **e\\\n\\* f** **g\\\n`h i`**",
		org:  "*a\n\u200b# b* /c\n\u200b- d/ *e\n\u200b* f* *g\nh i*", // no Org marker is read before another's end (orgPost)
		text: "a\n# b c\n- d e\n* f g\nh i",
		html: []string{"<strong>a<br>\n# b</strong> <em>c<br>\n- d</em> <strong>e<br>\n* f</strong> <strong>g<br>\n<code>h i</code></strong>"},
	}, {
		name: "heading, table cell, list item",
		in:   `<h2>Head <b>a<br>b</b></h2><table><tr><th>h</th><th>i</th></tr><tr><td><b>a<br>b</b></td><td>x</td></tr></table><ul><li><b>in<br>item</b></li></ul>`,
		md:   "## Head **a b**\n\n| h          | i   |\n| ---------- | --- |\n| **a<br>b** | x   |\n\n- **in\\\n  item**",
		org:  "** Head *a b*\n\n| h     | i |\n|-------+---|\n| *a b* | x |\n\n- *in\n  item*",
		text: "Head a b\n--------\n\nh  i\n-  -\na  x\nb\n\n• in\n  item",
		html: []string{"<h2>Head <strong>a b</strong></h2>", "<td><strong>a<br>b</strong></td>", "<li><strong>in<br>\nitem</strong></li>"},
	}})
}
