package elisp

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insert-from-url/insert-from-url/strip"
)

// payload is what a hostile page wants Emacs to run: it writes the file
// $IFU_MARKER.
const (
	payload      = `(write-region "x" nil (getenv "IFU_MARKER"))`
	shellPayload = `touch "$IFU_MARKER"`
)

// attacks are hostile pages' bodies: each construct Org, the agenda, the
// table editor, Babel, the exporter or Emacs's file-local variables would
// act on, whole and split by the markup a page can put in the middle of it
// (<i></i>, comments, spans).
var attacks = map[string]string{
	"diary-sexp":       `<p>%%` + payload + `</p><p>%<i></i>%` + payload + `</p><p>%<!-- -->%` + payload + `</p>`,
	"sexp-timestamp":   `<p>See <%%` + payload + `> and &lt;%<i></i>%` + payload + `&gt; and &lt;%%` + payload + `&gt;</p>`,
	"pre-sexp":         `<pre>%%` + payload + "\n&lt;%%" + payload + "&gt;</pre><pre class=\"language-python\">%%" + payload + `</pre>`,
	"table-formula":    `<table><tr><th>a</th><th>b</th></tr><tr><td>:='` + payload + `</td><td>=` + `'` + payload + `</td></tr><tr><td>:<i></i>='` + payload + `</td><td><b>x</b></td></tr></table>`,
	"split-link":       `<p>[<span>[elisp</span>:` + payload + `][Read more]]</p><p>[<!-- -->[shell<!-- -->:` + shellPayload + `][Download]]</p><p>[<i></i>[elisp:` + payload + `]]</p>`,
	"plain-link":       `<p>+elisp:` + payload + ` x+elisp:` + payload + ` —elisp:` + payload + ` ’elisp:` + payload + ` “shell:ls” «file:/etc/passwd» <span>elisp</span>:` + payload + ` &lt;elisp:` + payload + `&gt; <b>shell</b>:ls</p>`,
	"macro":            `<p>{<i></i>{<i></i>{input-file}}} and {{{keyword(x)}}}</p>`,
	"targets":          `<p>&lt;&lt;&lt;Emacs&gt;&gt;&gt; and &lt;<i></i>&lt;target&gt;&gt; and &lt;&lt;t2&gt;&gt;</p>`,
	"export-snippet":   `<p>@<i></i>@html:&lt;img src=x onerror=alert(1)&gt;@<i></i>@ and @@html:&lt;b onerror=alert(2)&gt;@@</p>`,
	"footnote":         `<p>x [fn::inline [[elisp:` + payload + `]]] and [fn<i></i>::y] and [fn:1]</p>`,
	"latex":            `<p>\foo{&lt;script&gt;alert(1)&lt;/script&gt;} and \(alert(2)\) and \[x\] and $&lt;b onerror=alert(3)&gt;$ and $$alert(4)$$ and $a$. and \<i></i>(x\) and $x<i></i>$.</p>`,
	"src-language":     `<pre class="language-server">x</pre><pre class="language-cua">y</pre><pre class="lang-viper">z</pre><pre class="language-python">ok</pre>`,
	"local-variables":  `<p>Local Variables:</p><p>eval: ` + payload + `</p><p>End:</p><pre>Local Variables:` + "\neval: " + payload + "\nEnd:\n" + `</pre><p>Local <i>Variables</i>:</p><p>eval: ` + payload + `</p><p>End:</p>`,
	"mode-line":        `<p>-*- eval: ` + payload + ` -*-</p>`,
	"headings":         `<h2>TODO Buy milk :ARCHIVE:</h2><p>x</p><h2>COMMENT hidden</h2><p>y</p><h3>Notes :noexport:</h3><p>z</p><h2>DONE <i>x</i></h2><p>w</p>`,
	"line-start":       `<p>*<i></i> TODO heading</p><p>#<i></i>+begin_src emacs-lisp</p><p>#+call: foo()</p><p>: fixed</p><p>:PROPERTIES:</p><p>SCHEDULED: &lt;2026-12-03 Thu&gt;</p><p>CLOCK: [2026-12-01 Tue 10:00]</p>`,
	"timestamps":       `<p>&lt;2026-12-02 Wed&gt; and &lt;<i></i>2026-12-03 Thu&gt; and &lt;2026-12-04 Fri 10:00&gt;--&lt;2026-12-05 Sat&gt;</p>`,
	"inline-babel":     `<p>x src_elisp{` + payload + `} and src<i></i>_sh[:results none]{` + shellPayload + `} and call_foo() and <b>call</b>_bar()</p>`,
	"link-description": `<p><a href="https://x.example/">a]]b [[elisp:` + payload + `][c</a> and <a href="https://x.example/2">x]</a>[elisp:` + payload + `]]</p>`,
	"in-list":          `<ul><li>[<i></i>[elisp:` + payload + `][x]]</li><li>%<i></i>%` + payload + `</li></ul><blockquote><p>[<b></b>[shell:` + shellPayload + `][y]]</p></blockquote>`,
	"in-table":         `<table><tr><td>[<i></i>[elisp:` + payload + `][x]]</td><td>&lt;%<i></i>%` + payload + `&gt;</td></tr><tr><td>{{<i></i>{x}}}</td><td>@<i></i>@html:&lt;b onerror=alert(5)&gt;@@</td></tr></table>`,
	"image-alt":        `<p><img src="https://x.example/i.png" alt="[[elisp:` + payload + `][x]] %%` + payload + `"> <a href="https://x.example/"><img src="https://x.example/j.png" alt="]] [[elisp:` + payload + `]"></a></p>`,
	"mathml":           `<p><math><semantics><mi>x</mi><annotation encoding="application/x-tex">x &lt;img src=x onerror=alert(6)&gt;</annotation></semantics></math> and <math><semantics><mi>y</mi><annotation encoding="application/x-tex">\alpha</annotation></semantics></math></p>`,
	"code-span":        `<p><code>&lt;%%` + payload + `&gt;</code> and <code>Local Variables:</code></p>`,
	// Bypasses found in review (see the report): each one still live.
	"code-tilde-equals":  `<p>x <code>~= src_elisp{` + payload + `} {{{input-file}}} @@html:&lt;b onerror=alert(7)&gt;@@</code> y</p><p><code>#+call: foo() ~=</code></p>`,
	"code-in-link":       `<p><a href="https://x.example/">a <code>b]] src_elisp{` + payload + `} c</code> d</a></p>`,
	"code-emphasis":      `<p>a *x <code>y* src_elisp{` + payload + `} z</code> w</p><p>a $x <code>y$ @@html:&lt;b onerror=alert(8)&gt;@@ z</code> w</p>`,
	"code-unicode-space": `<p>x&#x1680;<code>src_elisp{` + payload + `}</code> y and x <code>{{{input-file}}}</code>&#x2028;y</p>`,
	"code-spill":         `<p><code>` + strings.Repeat("word ", 14000) + `src_elisp{` + payload + `}</code></p>`,
	"caption-line-start": `<table><caption>#+call: foo()</caption><tr><td>x</td></tr></table><table><caption>#+include: "/etc/passwd"</caption></table>`,
	"caption-src-block":  `<table><caption>#+begin_src sh :exports results :results silent</caption></table><p>` + shellPayload + `</p><pre class="language-python">print(1)</pre>`,
	"mathml-tex": `<table><tr><td>a</td><td><math><semantics><mi>x</mi><annotation encoding="application/x-tex">x|:='` + payload + `</annotation></semantics></math></td></tr><tr><td>b</td><td>c</td></tr></table>` +
		`<p>$&lt;img src=x onerror=alert(9)&gt; <math><semantics><mi>x</mi><annotation encoding="application/x-tex">a$ b</annotation></semantics></math></p>` +
		`<p><a href="https://x.example/">the <math><semantics><mi>x</mi><annotation encoding="application/x-tex">a]] src_elisp{` + payload + `} b</annotation></semantics></math></a></p>` +
		`<p><math><semantics><mi>x</mi><annotation encoding="application/x-tex">\href{javascript:alert(10)}{click}</annotation></semantics></math></p>`,
	"mathml-local-variables":     `<p><math><semantics><mi>x</mi><annotation encoding="application/x-tex">Local Variables:</annotation></semantics></math><br><math><semantics><mi>x</mi><annotation encoding="application/x-tex">eval: ` + payload + `</annotation></semantics></math><br><math><semantics><mi>x</mi><annotation encoding="application/x-tex">End:</annotation></semantics></math><br>tail</p>`,
	"dollar-unicode":             `<p>$&lt;img src=x onerror=alert(11)&gt;&nbsp;$ and $&lt;b onerror=alert(12)&gt;$— and $$&lt;i onerror=alert(13)&gt; $$z</p>`,
	"cell-lines-local-variables": `<table><tr><td>a</td><td>Local<br>Variables:</td></tr><tr><td>a</td><td>eval: ` + payload + `</td></tr><tr><td>a</td><td>End:</td></tr></table>`,
	"call-subscript":             `<p>call<sub>x</sub>(y)</p>`,
	"clock-split":                `<p>CLOCK<i></i>: [2026-12-01 Tue 10:00]--[2026-12-01 Tue 11:00] =&gt;  1:00</p>`,
	"image-alt-local-variables":  `<p><img alt="Local Variables:" src="https://x.example/a.png"><br><img alt="eval: ` + strings.ReplaceAll(payload, `"`, "&quot;") + `" src="https://x.example/a.png"><br><img alt="End:" src="https://x.example/a.png"><br>tail</p>`,
	"link-text-local-variables":  `<p><a href="https://x.example/Local Variables:">https://x.example/Local Variables:</a><br><a href="https://x.example/eval: ` + strings.ReplaceAll(payload, `"`, "&quot;") + `">https://x.example/eval: ` + payload + `</a><br><a href="https://x.example/End:">https://x.example/End:</a><br>tail</p>`,
}

// metadataAttack is a page whose metadata carries the payload.
const metadataAttack = `<html><head><title>Nice [[elisp:` + payload + `][article]] %%` + payload + `</title>
<meta name="author" content="%%` + payload + ` &lt;2026-12-02 Wed&gt;">
<meta property="og:site_name" content="&lt;%%` + payload + `&gt;">
<link rel="canonical" href="elisp:` + payload + `">
</head><body><article><h1>Heading</h1>` + longText + `</article></body></html>`

const longText = `<p>This is a long paragraph of ordinary text, with commas, so that reading mode takes it for an article, and it goes on, and on, for a while, as real articles do, with more words.</p><p>And another paragraph, also long enough, with commas, words, and sentences, so that the article is the body.</p>`

// TestHostilePagesRunNothing converts hostile pages in every format and
// mode, then does with each note what a user does (agenda, tables, saved
// file, HTML export, all questions off): the payload must never run, and
// Org's parser must find nothing live that the page wrote.
func TestHostilePagesRunNothing(t *testing.T) {
	emacs(t)
	bin := buildProgram(t)
	dir := t.TempDir()
	pages := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	all := map[string]string{"metadata": metadataAttack}
	for name, body := range attacks {
		all[name] = `<html><head><title>T</title></head><body><article><h1>Heading</h1>` + longText + body + longText + `</article></body></html>`
		// In-process, with and without wrapping, in every format.
		for _, f := range []strip.Format{strip.FormatOrg, strip.FormatMarkdown, strip.FormatText} {
			for _, width := range []int{0, 24} {
				var out bytes.Buffer
				if err := strip.Convert(&out, strings.NewReader(all[name]), strip.Options{Format: f, HTML: true, Width: width}); err != nil {
					t.Fatal(err)
				}
				write(fmt.Sprintf("%s-w%d.%s", name, width, map[strip.Format]string{strip.FormatOrg: "org", strip.FormatMarkdown: "md", strip.FormatText: "txt"}[f]), out.Bytes())
			}
		}
	}
	// Through the program, in its modes.
	modes := map[string][]string{
		"plain":    {"-f", "org"},
		"readable": {"-f", "org", "--readable"},
		"select":   {"-f", "org", "--select", "article"},
		"metadata": {"-f", "org", "--metadata"},
		"article":  {"-f", "org", "--readable", "--metadata", "--base-level", "1"},
	}
	for name, page := range all {
		path := filepath.Join(pages, name+".html")
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		for mode, args := range modes {
			cmd := exec.Command(bin, append(args, path)...)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %s: %v", mode, name, err)
			}
			write(name+"-"+mode+".org", out)
		}
	}
	marker := filepath.Join(t.TempDir(), "ran")
	abs, _ := filepath.Abs(dir)
	// A prompt the payload raises would wait for input: a time limit
	// makes it a failure instead (the old converter's output hung here).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, emacs(t), "-Q", "--batch", "-L", ".", "-l", "test/insert-from-url-attack.el",
		"--eval", fmt.Sprintf("(ifu-attack-check %q)", abs))
	cmd.Env = append(os.Environ(), "IFU_MARKER="+marker)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("emacs: %v\n%s", err, out)
	}
	got := string(out)
	var live []string
	for _, l := range strings.Split(got, "\n") {
		if strings.Contains(l, ": ") && !strings.HasPrefix(l, "Loading") {
			live = append(live, l)
		}
	}
	if len(live) > 0 {
		t.Errorf("%d live constructs from page text:\n%s", len(live), strings.Join(live, "\n"))
	}
}
