package readable

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/strip"

	"github.com/insert-from-url/insert-from-url/internal/fidelity"
)

// extractText runs Article and converts the result to text, as
// insert-from-url --readable -f text does.
func extractText(t testing.TB, page string) (string, Metadata, error) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://site.example/a/page.html")
	node, meta, err := Article(doc, base)
	if err != nil {
		return "", meta, err
	}
	var out bytes.Buffer
	if err := strip.ConvertNodes(&out, []*html.Node{node}, strip.Options{Format: strip.FormatText, HTML: true, Links: strip.LinksNone, BaseURL: base}); err != nil {
		t.Fatal(err)
	}
	return out.String(), meta, nil
}

func TestArticleCorpus(t *testing.T) {
	const pages = 40
	total := 0.0
	for i := 0; i < pages; i++ {
		p, a := page(i)
		got, _, err := extractText(t, p)
		if err != nil {
			t.Errorf("page %d: %v", i, err)
			continue
		}
		f1 := fidelity.WordF1(got, a.Text)
		total += f1
		if f1 < 0.8 {
			t.Errorf("page %d (template %d): F1 %.3f\n--- got\n%s\n--- want\n%s", i, i%len(templates), f1, got, a.Text)
		}
	}
	mean := total / pages
	t.Logf("mean word F1 over %d synthetic pages: %.3f", pages, mean)
	if mean < 0.95 {
		t.Errorf("mean F1 %.3f, want at least 0.95", mean)
	}
}

func TestArticleMetadata(t *testing.T) {
	p, a := page(0) // the news template declares everything
	_, m, err := extractText(t, p)
	if err != nil {
		t.Fatal(err)
	}
	want := Metadata{Title: a.Title, Author: a.Author, Site: "Daily News", Date: a.Date, URL: "https://news.example/story", Type: TypeArticle}
	if m != want {
		t.Errorf("metadata %+v, want %+v", m, want)
	}
}

func TestNoArticle(t *testing.T) {
	for _, p := range []string{"", "<html><body><nav><a href=/>Home</a></nav></body></html>", "<p>Too short.</p>"} {
		if _, _, err := extractText(t, p); !errors.Is(err, ErrNoArticle) {
			t.Errorf("%q: err %v, want ErrNoArticle", p, err)
		}
	}
}

func TestSelect(t *testing.T) {
	doc, _ := html.Parse(strings.NewReader(`<div class="a" id="x"><p class="b">one</p></div><p class="b">two</p><span id="y">three</span>`))
	cases := []struct {
		sel  []string
		want string
	}{
		{[]string{".b"}, "one|two"},
		{[]string{"#y", ".b"}, "one|two|three"},
		{[]string{"#y, div"}, "one|three"},
		{[]string{".a", "p"}, "one|two"},
		{[]string{"table"}, ""},
	}
	for _, c := range cases {
		nodes, err := Select(doc, c.sel)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range nodes {
			got = append(got, collapse(textOf(n)))
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("Select(%q) = %q, want %q", c.sel, got, c.want)
		}
	}
	var se *SelectorError
	if _, err := Select(doc, []string{"p["}); !errors.As(err, &se) {
		t.Errorf("invalid selector: %v", err)
	}
	if err := CheckSelectors([]string{"div > p:nth-child(2n+1)", "a[href^=http]"}); err != nil {
		t.Error(err)
	}
}

// FuzzArticle: extraction never panics, and what it keeps converts.
func FuzzArticle(f *testing.F) {
	for i := 0; i < len(templates); i++ {
		p, _ := page(i)
		f.Add(p)
	}
	f.Add("<article><p>x</article></p><main>")
	f.Add(`<noscript><a itemscope itemtype="DiscussionForumPosting"><a00 itemprop="author">00<b itemprop="text">0000000000000`)
	for _, name := range []string{"forum-discourse", "forum-qa", "forum-xenforo", "listing-grid", "service-sections", "product-tabs"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name+".html")); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		doc, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		var before strings.Builder
		html.Render(&before, doc)
		node, _, err := Article(doc, nil)
		if err == nil && node == nil {
			t.Fatal("no node and no error")
		}
		var after strings.Builder
		html.Render(&after, doc)
		if after.String() != before.String() {
			t.Fatal("Article changed the page")
		}
		// The article holds the page's own text, nothing else: its
		// text nodes, or for a thread (whose posts a <noscript> may
		// hold as markup, and which adds a line of author and date to
		// each), the words of its text, decoded, and the dash.
		texts := map[string]bool{}
		var page strings.Builder
		var all string
		var scripts []string
		var walk func(n *html.Node, add bool)
		walk = func(n *html.Node, add bool) {
			if n.Type == html.TextNode {
				switch {
				case add:
					texts[n.Data] = true
					page.WriteString(html.UnescapeString(n.Data))
					page.WriteByte(' ')
					if p := n.Parent; p != nil && isLinkedData(p) {
						scripts = append(scripts, n.Data)
					}
				case texts[n.Data]:
				default:
					for _, w := range strings.Fields(n.Data) {
						if w != "—" && !strings.Contains(all, w) {
							t.Fatalf("text not in the page: %q", n.Data)
						}
					}
				}
			}
			if n.Type == html.ElementNode && add {
				for _, at := range n.Attr { // an author's name, a date
					page.WriteString(at.Val + " " + html.UnescapeString(at.Val) + " ")
				}
				// A name is the text of its element, run together.
				page.WriteString(textOf(n) + " ")
				if n.DataAtom == atom.Noscript {
					body := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
					nodes, _ := html.ParseFragment(strings.NewReader(textOf(n)), body)
					for _, c := range nodes {
						body.AppendChild(c)
					}
					removeWhere(body, func(e *html.Node) bool {
						page.WriteString(textOf(e) + " ")
						return false
					})
					page.WriteString(textOf(body) + " ")
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, add)
			}
		}
		walk(doc, true)
		_, opener := linkedThread(scripts)
		all = strings.ReplaceAll(page.String()+" "+opener, "\x00", "")
		if node != nil {
			walk(node, false)
		}
	})
}

func TestParseDeep(t *testing.T) {
	cases := []struct{ in, text string }{
		{strings.Repeat("<div>", 100000) + "deep text" + strings.Repeat("</div>", 100000), "deep text"},
		{strings.Repeat("<table><tr><td>", 3000) + "cell", "cell"},
		{strings.Repeat("<b><i>", 2000) + "inline", "inline"},
	}
	for _, c := range cases {
		doc, err := Parse(strings.NewReader(c.in))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		if got := collapse(textOf(doc)); got != c.text {
			t.Errorf("text %q, want %q", trunc(got), c.text)
		}
	}
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

func TestReadHead(t *testing.T) {
	page := `<html><head><title>T</title><meta name="author" content="A"></head><body>` + strings.Repeat("<p>body text</p>", 20000) + `</body></html>`
	// One byte at a time, so that the mark straddles reads.
	head, whole, err := ReadHead(iotest.OneByteReader(strings.NewReader(page)))
	if err != nil {
		t.Fatal(err)
	}
	if len(head) > 200 || !strings.Contains(string(head), "</head") {
		t.Errorf("head is %d bytes: %.80q", len(head), head)
	}
	all, _ := io.ReadAll(whole)
	if string(all) != page {
		t.Errorf("the page read back differs: %d bytes of %d", len(all), len(page))
	}
	doc, _ := html.Parse(bytes.NewReader(head))
	if m := PageMetadata(doc, nil); m.Title != "T" || m.Author != "A" {
		t.Errorf("metadata from the head: %+v", m)
	}
	short := "<p>no head at all"
	head, whole, _ = ReadHead(strings.NewReader(short))
	if all, _ := io.ReadAll(whole); string(head) != short || string(all) != short {
		t.Errorf("short page: head %q, page %q", head, all)
	}
}

func TestPageMetadataStrayHead(t *testing.T) {
	// An <iframe> in the head starts the body: what follows it lands at
	// the body's top level, and is still the page's metadata; a <meta>
	// deeper in the body is not.
	page := `<html><head><iframe src="x"></iframe><title>The title</title><meta name="author" content="Jane Doe"></head>` +
		`<body><p>Text.<div><meta property="og:site_name" content="Not the site"></div>`
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if m := PageMetadata(doc, nil); m.Title != "The title" || m.Author != "Jane Doe" || m.Site != "" {
		t.Errorf("got %+v", m)
	}
}

func TestArticleTitleFallbacks(t *testing.T) {
	story := strings.Repeat("<p>The council met on Tuesday, after a long debate, and voted on the river bridge.</p>", 8)
	cases := []struct{ name, page, want string }{
		{"the <title>", `<title>The title</title><h1>The heading</h1>` + story, "The title"},
		{"JSON-LD's headline", `<script type="application/ld+json">{"@type": "NewsArticle", "headline": "The headline"}</script><h1>The heading</h1>` + story, "The headline"},
		{"the only <h1>", `<h1>The  heading</h1>` + story, "The heading"},
		{"not one of two <h1>s", `<h1>One</h1><h1>Two</h1>` + story, ""},
	}
	for _, c := range cases {
		_, meta, err := extractText(t, c.page)
		if err != nil {
			t.Fatal(err)
		}
		if meta.Title != c.want {
			t.Errorf("%s: title %q, want %q", c.name, meta.Title, c.want)
		}
	}
}
