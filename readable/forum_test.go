package readable

import (
	"bytes"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/strip"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// articleMarkdown runs Article on page (parsed as Parse does) and
// converts what it keeps to Markdown, as --readable -f markdown does.
func articleMarkdown(t *testing.T, page string) (string, Metadata) {
	t.Helper()
	doc, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://forum.example/t/thread/1")
	node, meta, err := Article(doc, base)
	if err != nil {
		t.Fatalf("Article: %v", err)
	}
	var out bytes.Buffer
	if err := strip.ConvertNodes(&out, []*html.Node{node}, strip.Options{Format: strip.FormatMarkdown, HTML: true, BaseURL: base}); err != nil {
		t.Fatal(err)
	}
	return out.String(), meta
}

// TestForumThread: every post of a thread, each after its author, and
// none of the forum's chrome; the golden Markdown is beside each page.
func TestForumThread(t *testing.T) {
	cases := []struct {
		name   string
		author string
		want   []string // in this order
		not    []string
	}{
		{
			name:   "forum-discourse", // the thread in <noscript>
			author: "marta",
			want: []string{
				"**marta** — March 1, 2024, 8:15am", "whistle a full minute",
				"**olek** — March 1, 2024, 9:02am", "Steam pushes through the spout",
				"**marta** — March 2, 2024, 7:40am", "Counting to ten worked",
			},
			not: []string{"Powered by", "Related topics", "Descaling", "Guidelines", "Likes", "Like", "marta:", "Tea Makers Forum"},
		},
		{
			name:   "forum-qa", // a question and its answers
			author: "Rosa",
			want: []string{
				"**Rosa** — asked Nov 2, 2023", "Homemade sourdough",
				"**Jun** — answered Nov 2, 2023", "Plastic traps the moisture",
				"**Amadou**", "A spoonful of honey",
			},
			not: []string{"Which flour", "Linen bags sold", "Hot questions", "Legal"},
		},
		{
			name:   "forum-xenforo", // the thread named in JSON-LD, the first post in no microdata
			author: "Heron Hunter",
			want: []string{
				"**Heron Hunter** — Jun 10, 2024", "I shoot a crop body",
				"**Kestrel** — Jun 10, 2024", "Focus speed matters",
				"**Heron Hunter** — Jun 11, 2024", "The wide zone did it",
			},
			not: []string{"said:", "Click to expand", "Similar threads", "3 people like", "Privacy policy"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata", c.name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			got, meta := articleMarkdown(t, string(page))
			if meta.Author != c.author {
				t.Errorf("author %q, want %q", meta.Author, c.author)
			}
			rest := got
			for _, w := range c.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("missing, or out of order: %q", w)
					continue
				}
				rest = rest[i+len(w):]
			}
			for _, w := range c.not {
				if strings.Contains(got, w) {
					t.Errorf("kept %q", w)
				}
			}
			checkGolden(t, c.name, got)
		})
	}
}

// TestNotAThread: comments marked up on an article, or posts that open
// no thread, leave the article to the scoring.
func TestNotAThread(t *testing.T) {
	article := strings.Repeat("<p>The river rose two metres overnight and the old stone bridge held, as it has since the floods of the last century, while the town watched from the hill.</p>", 4)
	cases := []struct{ name, page, want, not string }{
		{
			name: "comments on a blog post",
			page: `<html><head><title>Flood</title></head><body><article itemscope itemtype="https://schema.org/BlogPosting"><h1>Flood</h1><div itemprop="articleBody">` + article + `</div></article>
<section id="comments"><div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">Ana</span><p itemprop="text">Great photos of the bridge, thanks for sharing them.</p></div>
<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">Bo</span><p itemprop="text">I was there too and saw the water reach the arches.</p></div></section></body></html>`,
			want: "old stone bridge held", not: "Great photos",
		},
		{
			name: "a thread shorter than the article",
			page: `<html><body><main>` + article + `<div itemscope itemtype="https://schema.org/DiscussionForumPosting"><p itemprop="text">Short.</p></div><div itemscope itemtype="https://schema.org/Comment"><p itemprop="text">Also short.</p></div></main></body></html>`,
			want: "old stone bridge held",
		},
	}
	for _, c := range cases {
		got, _ := articleMarkdown(t, c.page)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: lost %q:\n%s", c.name, c.want, got)
		}
		if c.not != "" && strings.Contains(got, c.not) {
			t.Errorf("%s: kept %q:\n%s", c.name, c.not, got)
		}
	}
}

func TestPostDate(t *testing.T) {
	cases := []struct{ item, want string }{
		{`<div itemscope itemtype="x/Comment"><time>May 3, 2024</time><div itemprop="text">t</div></div>`, "May 3, 2024"},
		{`<div itemscope itemtype="x/Comment"><meta itemprop="datePublished" content="2024-05-03T08:45:00Z"><div itemprop="text">t</div></div>`, "2024-05-03"},
		{`<div itemscope itemtype="x/Comment"><div itemprop="text"><time>in the body</time></div></div>`, ""},
		{`<div itemscope itemtype="x/Comment"><div itemscope itemtype="x/Comment"><time>a reply's</time></div><div itemprop="text">t</div></div>`, ""},
	}
	for _, c := range cases {
		nodes, err := html.ParseFragment(strings.NewReader(c.item), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
		if err != nil {
			t.Fatal(err)
		}
		item := nodes[0]
		var body *html.Node
		ownProps(item, nil, func(n *html.Node) bool {
			if hasProp(n, "text") {
				body = n
			}
			return body != nil
		})
		if got := postDate(post{item: item, body: body}); got != c.want {
			t.Errorf("%s: date %q, want %q", c.item, got, c.want)
		}
	}
}

// checkGolden compares got with testdata/NAME.md; -update rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name+".md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}
