package strip

import (
	"bytes"
	"golang.org/x/net/html"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// repeatReader yields prefix, then body count times, then suffix, without
// holding the whole document.
type repeatReader struct {
	parts []string
	count []int
	cur   string
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for r.cur == "" {
		if len(r.parts) == 0 {
			return 0, io.EOF
		}
		if r.count[0] == 0 {
			r.parts, r.count = r.parts[1:], r.count[1:]
			continue
		}
		r.cur = r.parts[0]
		r.count[0]--
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func generated(prefix, body string, n int, suffix string) io.Reader {
	return &repeatReader{parts: []string{prefix, body, suffix}, count: []int{1, n, 1}}
}

// peakHeap converts r and reports the largest heap in use while it ran.
func peakHeap(t *testing.T, r io.Reader, opt Options) uint64 {
	t.Helper()
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	err := Convert(io.Discard, r, opt)
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	return peak.Load()
}

func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("converts 100 MB")
	}
	cases := []struct {
		name string
		r    func() io.Reader
	}{
		{"100 MB of paragraphs", func() io.Reader {
			return generated("<html><body>", "<p>Some <b>bold</b> text with a <a href='/x'>link</a> and <code>code</code>.</p>\n", 100<<20/80, "</body></html>")
		}},
		{"50 MB on one line", func() io.Reader {
			return generated("<p>", "word <i>emphasis</i> ", 50<<20/21, "</p>")
		}},
		{"50 MB without a space", func() io.Reader {
			return generated("<p>", "abcdefgh&nbsp;", 50<<20/14, "</p>")
		}},
		{"50 MB inside one <b>", func() io.Reader {
			return generated("<p><b>", "word word word ", 50<<20/15, "</b></p>")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []Format{FormatText, FormatMarkdown} {
				peak := peakHeap(t, c.r(), Options{Format: f, HTML: true, Links: LinksInline})
				if peak > 32<<20 {
					t.Errorf("%s: heap peaked at %d MB", f, peak>>20)
				}
			}
		})
	}
}

func TestDeepAndTangled(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"100000 nested divs", strings.Repeat("<div>", 100000) + "deep" + strings.Repeat("</div>", 100000) + "<p>after</p>", "deep\n\nafter\n"},
		{"100000 nested lists", strings.Repeat("<ul><li>", 100000) + "x", ""},
		{"table in list in table", "<table><tr><td><ul><li>item<table><tr><td>in</td><td>ner</td></tr></table></li></ul></td><td>b</td></tr></table>", ""},
		{"misnested", "<b><i>a</b>b</i><p>c<table><tr><td>d</p></td></tr></table>", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
				var out bytes.Buffer
				if err := Convert(&out, strings.NewReader(c.in), Options{Format: f, HTML: true}); err != nil {
					t.Fatal(err)
				}
				checkInvariants(t, out.String())
				if c.want != "" && f == FormatText && out.String() != c.want {
					t.Errorf("got %q, want %q", out.String(), c.want)
				}
				for _, word := range []string{"item", "in", "ner", "b", "a", "c", "d", "x"} {
					if strings.Contains(c.in, ">"+word+"<") && !strings.Contains(out.String(), word) {
						t.Errorf("%s: %q lost", f, word)
					}
				}
			}
		})
	}
}

// TestLongTokens converts pages whose one token (a text run, an attribute, a
// comment, a raw-text element) is far past maxTextRun, and checks that the
// output is the output of the same page with that token short.
func TestLongTokens(t *testing.T) {
	const n = 200 << 10
	long := func(unit string) string { return strings.Repeat(unit, n/len(unit)+1) }
	cases := []struct {
		name string
		page func(fill string) string
		unit string // fills the long token
	}{
		{"data URL", func(f string) string { return `<p>a <img src="data:image/png;base64,` + f + `" alt="pic"> b</p>` }, strings.Repeat("QUJD", 100)},
		{"long URL", func(f string) string { return `<p><a href="https://example.com/?q=` + f + `">link</a> after</p>` }, "x"},
		{"inline script", func(f string) string { return "<p>a</p><script>var x='" + f + "';</script><p>b</p>" }, "y"},
		{"JSON data", func(f string) string {
			return `<p>a</p><script type="application/json" id="__NEXT_DATA__">{"k":"` + f + `"}</script><p>b</p>`
		}, `<\/p>`},
		{"style", func(f string) string { return "<style>" + f + "</style><p>b</p>" }, "a{b:c}"},
		{"comment", func(f string) string { return "<p>a<!--" + f + "-->b</p>" }, "<p>x</p>"},
		{"title", func(f string) string { return "<title>" + f + "</title><p>b</p>" }, "t "},
		{"textarea", func(f string) string { return "<p>a<textarea>" + f + "</textarea>b</p>" }, "<p>"},
		{"noscript", func(f string) string { return "<p>a<noscript>" + f + "</noscript>b</p>" }, "<img src=x>"},
		{"attribute on a heading", func(f string) string { return `<h2 data-x="` + f + `">Title</h2><p>text</p>` }, "> <"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
				opt := Options{Format: f, HTML: true}
				var short, got bytes.Buffer
				if err := Convert(&short, strings.NewReader(c.page(c.unit)), opt); err != nil {
					t.Fatal(err)
				}
				if err := Convert(&got, strings.NewReader(c.page(long(c.unit))), opt); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				// A long URL is written out whole: read it back as short.
				g := strings.ReplaceAll(got.String(), long(c.unit), c.unit)
				if g != short.String() {
					t.Errorf("%s: long token gives %.200q, short %q", f, g, short.String())
				}
			}
		})
	}
}

// TestLongText converts text runs far past maxTextRun without a space: every
// character comes out, in order.
func TestLongText(t *testing.T) {
	const n = 200 << 10
	cases := []struct{ name, unit, want string }{
		{"no-break spaces", "&nbsp;", "\u00a0"},
		{"letters", "abc", "abc"},
		{"references", "&amp;&lt;", "&<"},
		{"accents", "é", "é"},
	}
	for _, c := range cases {
		for _, width := range []int{0, 72} {
			in := "<p>[" + strings.Repeat(c.unit, n/len(c.unit)) + "]</p>"
			var out bytes.Buffer
			if err := Convert(&out, strings.NewReader(in), Options{Format: FormatMarkdown, HTML: true, Width: width}); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			want := `\[` + strings.Repeat(c.want, n/len(c.unit)) + `\]`
			got := strings.Trim(strings.NewReplacer(`\&`, "&", `\<`, "<").Replace(out.String()), "\n")
			if got != want {
				t.Errorf("%s, width %d: %d bytes out, want %d", c.name, width, len(got), len(want))
			}
		}
	}
}

// TestTablesBounded converts tables of hostile shapes: the output stays
// within the fuzz bound, 40 times the input and 1 KiB.
func TestTablesBounded(t *testing.T) {
	var wideCell, manyColumns, spans strings.Builder
	wideCell.WriteString("<table><tr><td>" + strings.Repeat("word ", 400) + "</td><td>b</td></tr>")
	for i := 0; i < 20000; i++ {
		wideCell.WriteString("<tr><td>a</td><td>b</td></tr>")
	}
	manyColumns.WriteString("<table><tr>" + strings.Repeat("<td>x", 3000))
	for i := 0; i < 3000; i++ {
		manyColumns.WriteString("<tr><td>y")
	}
	spans.WriteString("<table>")
	for i := 0; i < 300; i++ {
		spans.WriteString("<tr>" + strings.Repeat("<td colspan=1000>x", 20))
	}
	for _, in := range []string{wideCell.String(), manyColumns.String(), spans.String()} {
		for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
			var out bytes.Buffer
			if err := Convert(&out, strings.NewReader(in), Options{Format: f, HTML: true}); err != nil {
				t.Fatal(err)
			}
			if limit := 40*len(in) + 1024; out.Len() > limit {
				t.Errorf("%s: %d bytes out of %d in (%.50q)", f, out.Len(), len(in), in)
			}
		}
	}
}

// TestNoImageText checks that NoImageText leaves images out of text,
// inside links too, and only in text.
func TestNoImageText(t *testing.T) {
	const page = `<p>A <img src="a.png" alt="photo"> and <a href="/x"><img src="i.png" alt="icon"></a> end.</p>`
	convert := func(f Format) string {
		var out strings.Builder
		if err := Convert(&out, strings.NewReader(page), Options{Format: f, HTML: true, Links: LinksNone, NoImageText: true, Local: true}); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if got := convert(FormatText); got != "A and end.\n" {
		t.Errorf("text: %q", got)
	}
	if got := convert(FormatMarkdown); !strings.Contains(got, "![photo](a.png)") {
		t.Errorf("markdown lost its image: %q", got)
	}
}

// TestByteOrderMarkInText: a U+FEFF in mid-text (a byte-order mark pasted
// along, or written as a reference) is invisible, and is dropped.
func TestByteOrderMarkInText(t *testing.T) {
	in := "<p>a\ufeffb &#xFEFF;c</p><pre>\ufeffcode</pre>"
	for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
		var out bytes.Buffer
		if err := Convert(&out, strings.NewReader(in), Options{Format: f, HTML: true}); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(out.String(), 0xfeff) || !strings.Contains(out.String(), "ab c") || !strings.Contains(out.String(), "code") {
			t.Errorf("%s: %q", f, out.String())
		}
	}
}

// TestRemoteWithoutBaseLinksNoFile checks that a remote page read without a
// base URL (stdin) gets no relative links: Org and markdown-mode would open
// them as local files.
func TestRemoteWithoutBaseLinksNoFile(t *testing.T) {
	const page = `<p><a href="/etc/passwd">passwd</a> <a href="notes.org">notes</a> <img src="/etc/hostname" alt="host"> <a href="https://ok.example/">ok</a></p>`
	for _, f := range []Format{FormatMarkdown, FormatOrg} {
		var out strings.Builder
		if err := Convert(&out, strings.NewReader(page), Options{Format: f, HTML: true}); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, bad := range []string{"/etc/passwd", "notes.org", "/etc/hostname"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s links %s: %q", f, bad, got)
			}
		}
		if !strings.Contains(got, "https://ok.example/") {
			t.Errorf("%s lost the web link: %q", f, got)
		}
	}
}

// TestBodyAsTheParserReadsIt checks the pages that a stream once printed
// nothing of: a head left open, content before or in a later <head>, and a
// thread served in <noscript> (Discourse); the tree path gives the same.
func TestBodyAsTheParserReadsIt(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<html><head><title>x</title> <body><p>hello</p>`, "hello\n"},
		{`<p>one</p><head><p>two</p>`, "one\n\ntwo\n"},
		{`<head>text</head>`, "text\n"},
		{`<head><meta charset=utf-8><noscript><link rel=x></noscript><title>t</title><script>x()</script></head><p>ok</p>`, "ok\n"},
		{`<head><template><p>no</p></template></head><p>yes</p>`, "yes\n"},
		{`<body><noscript><div class="post"><p>First <b>post</b>.</p></div><div class="post"><p>A reply.</p></div></noscript></body>`, "First post.\n\nA reply.\n"},
		{`<p>x</p><noscript><img src="https://x.example/pixel.gif"></noscript><noscript>&lt;img src="https://x.example/p"&gt;</noscript>`, "x\n"},
		// A pixel in the head's <noscript>, which the body's content ends.
		{`<head><noscript><img src="https://t.example/p"></noscript></head><body><p>Hello</p>`, "Hello\n"},
		// A <noscript> in a <noscript>: the tree closes both.
		{`<noscript><noscript>a</noscript></noscript><p>text <b>more</b></p>`, "a\n\ntext more\n"},
		// React's streamed rendering: the segment a script would move.
		{`<main><template id="B:0"></template></main><div hidden id="S:0"><p>Streamed.</p></div><div hidden id="menu"><p>Menu</p></div>`, "Streamed.\n"},
	} {
		var out strings.Builder
		if err := Convert(&out, strings.NewReader(c.in), Options{Format: FormatText, HTML: true}); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("%q: stream gives %q, want %q", c.in, out.String(), c.want)
		}
		doc, err := html.Parse(strings.NewReader(c.in))
		if err != nil {
			t.Fatal(err)
		}
		var tree strings.Builder
		if err := ConvertNodes(&tree, []*html.Node{doc}, Options{Format: FormatText, HTML: true}); err != nil {
			t.Fatal(err)
		}
		if tree.String() != c.want {
			t.Errorf("%q: tree gives %q, want %q", c.in, tree.String(), c.want)
		}
	}
	// With the scripts run, <noscript> is hidden, as that browser hid it.
	var out strings.Builder
	if err := Convert(&out, strings.NewReader(`<p>a</p><noscript><p>Enable JavaScript</p></noscript>`), Options{Format: FormatText, HTML: true, Scripted: true}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a\n" {
		t.Errorf("scripted: %q", out.String())
	}
}

// TestNoModeLine checks the first-line paths a review found: a heading in
// text, a link written as its address, the metadata's URL.
func TestNoModeLine(t *testing.T) {
	for _, in := range []string{
		`<h1>-*- eval: (kill-emacs) -*-</h1>`,
		`<p><a href="https://x.example/-*-eval:(kill-emacs)-*-">https://x.example/-*-eval:(kill-emacs)-*-</a></p>`,
		`<p><img alt="-*- eval: (kill-emacs) -*-" src="https://x.example/a.png"></p>`,
	} {
		for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
			var out strings.Builder
			if err := Convert(&out, strings.NewReader(in), Options{Format: f, HTML: true}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "-*-") {
				t.Errorf("%s: %q gives a mode line: %q", f, in, out.String())
			}
		}
	}
	for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
		var out strings.Builder
		if _, err := WriteMetadata(&out, Metadata{URL: "https://x.example/-*-eval:(kill-emacs)-*-"}, Options{Format: f}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "-*-") {
			t.Errorf("%s metadata: %q", f, out.String())
		}
	}
}

// TestPlainTeX checks that only plain TeX becomes an Org fragment: no
// command that reads files or links, however spelt.
func TestPlainTeX(t *testing.T) {
	for tex, want := range map[string]bool{
		`x^2 + \alpha`: true, `\frac{a}{b}`: true,
		`x^^5cinput{/etc/passwd}`: false, `\InputIfFileExists{/etc/passwd}{}{}`: false,
		`\href{javascript:alert(1)}{x}`: false, `a|b`: false, `a$b`: false, `x <b>`: false,
	} {
		if got := plainTeX(tex); got != want {
			t.Errorf("plainTeX(%q) = %v", tex, got)
		}
	}
}
