package readable

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/internal/testpages"
	"github.com/insert-from-url/insert-from-url/strip"

	"github.com/insert-from-url/insert-from-url/internal/fidelity"
)

// para is a paragraph that scores: long, with commas.
const para = "<p>The council met on Tuesday, after a long debate, and voted on the river bridge, whose repairs will cost the city more than it planned.</p>\n"

func articleText(t testing.TB, n *html.Node) string {
	t.Helper()
	if n == nil {
		return ""
	}
	var b bytes.Buffer
	if err := strip.ConvertNodes(&b, []*html.Node{n}, strip.Options{Format: strip.FormatText, HTML: true, Links: strip.LinksNone}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestExtract(t *testing.T) {
	story := strings.Repeat(para, 5)
	cases := []struct {
		name, page   string
		want, absent []string
		byline       string
		paragraphs   int // <p>s in the article, if not 0
	}{
		{"the container with the paragraphs",
			`<div id=menu-bar><a href=/a>Home</a> <a href=/b>World</a></div><div class=story><h2>Repairs</h2>` + story + `</div><div class=sidebar><p>Other news, many of them, and more.</p></div>`,
			[]string{"Repairs", "The council met"}, []string{"Home", "Other news"}, "", 0},
		{"a div of text is a paragraph",
			`<div class=post>` + strings.Repeat(`<div>The council met on Tuesday, after a long debate, and voted on the river bridge, whose repairs will cost more.</div>`, 5) + `</div><div><a href=/x>Link one</a></div>`,
			[]string{"The council met"}, []string{"Link one"}, "", 5},
		{"text between blocks and after two <br>s is paragraphs",
			`<div class=post>First run of text, with commas, long enough to score on its own, surely.<br><br>Second run of text, with commas, long enough to score on its own, surely.<p>A paragraph of its own, with commas, long enough to count as text.</p>` + story + `</div>`,
			[]string{"First run", "Second run", "A paragraph"}, nil, "", 8},
		{"the byline is taken and skipped",
			`<article><p class=byline>By Jane Doe</p>` + story + `</article>`,
			[]string{"The council met"}, []string{"Jane Doe"}, "By Jane Doe", 0},
		{"the byline's name, by itemprop",
			`<article><div class=author-box>Written by <span itemprop=name>Jane Doe</span></div>` + story + `</article>`,
			[]string{"The council met"}, []string{"Written by"}, "Jane Doe", 0},
		{"hidden elements are skipped",
			`<article><p style="display: none">Hidden words here.</p><p hidden>Also hidden.</p><p aria-hidden=true>Hidden too.</p>` + story + `</article>`,
			[]string{"The council met"}, []string{"Hidden words", "Also hidden", "Hidden too"}, "", 0},
		{"the heading that repeats the title is dropped",
			`<article><h1>The bridge vote</h1>` + story + `</article>`,
			[]string{"The council met"}, []string{"The bridge vote"}, "", 0},
		{"forms, buttons and asides are cleaned out",
			`<article>` + story + `<form><input name=q><button>Search the site</button></form><aside>Aside words.</aside></article>`,
			[]string{"The council met"}, []string{"Search the site", "Aside words"}, "", 0},
		{"a layout table of links is cleaned out, a data table stays",
			`<article>` + story + `<table><tr><td><a href=/1>One story elsewhere</a><td><a href=/2>Another story elsewhere</a></table><table><thead><tr><th>Year<th>Cost</thead><tr><td>2024<td>3 M</table></article>`,
			[]string{"The council met", "Year", "2024"}, []string{"One story elsewhere"}, "", 0},
		{"share buttons are cleaned out",
			`<article>` + story + `<div class="share-bar">Share this on Facebook</div></article>`,
			[]string{"The council met"}, []string{"Share this"}, "", 0},
		{"a div of one paragraph is the paragraph, with the div's class",
			`<div class=post>` + strings.Repeat(`<div class="para"><p id=p>The council met on Tuesday, after a long debate, and voted on the river bridge, whose repairs will cost more.</p></div>`, 5) + `</div>`,
			[]string{"The council met"}, nil, "", 5},
		{"a style in a div of text leaves it one paragraph",
			`<div class=post>` + strings.Repeat(`<div>The council met on Tuesday, <style>p{}</style>after a long debate, and voted on the river bridge, whose repairs will cost more.</div>`, 5) + `</div>`,
			[]string{"The council met"}, []string{"p{}"}, "", 5},
		{"a table of one cell is its content",
			`<div class=post><table><tr><td>` + story + `</td></tr></table></div>`,
			[]string{"The council met"}, nil, "", 0},
		{"a short page: later attempts relax the rules",
			`<div class=comment><p>A short note that sits in a box named comment, with commas, and some more words.</p></div>`,
			[]string{"A short note"}, nil, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<html><head><title>The bridge vote</title></head><body>" + c.page))
			if err != nil {
				t.Fatal(err)
			}
			var before, after strings.Builder
			html.Render(&before, doc)
			e, x := extract(doc, "The bridge vote", "", nil)
			// The text as it is in the tree: the converter hides some
			// elements (hidden ones) itself.
			got := collapse(textOf(e.article))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q missing from\n%s", w, got)
				}
			}
			for _, w := range c.absent {
				if strings.Contains(got, w) {
					t.Errorf("%q kept in\n%s", w, got)
				}
			}
			if ps := len(cascadia.QueryAll(e.article, cascadia.MustCompile("p"))); c.paragraphs != 0 && ps != c.paragraphs {
				t.Errorf("%d paragraphs, want %d", ps, c.paragraphs)
			}
			if x.byline != c.byline {
				t.Errorf("byline %q, want %q", x.byline, c.byline)
			}
			// Copies share attributes with the page: adding to a copy's
			// must not change the page.
			for _, n := range cascadia.QueryAll(e.article, cascadia.MustCompile("*")) {
				n.Attr = append(n.Attr, html.Attribute{Key: "data-test", Val: "x"})
			}
			html.Render(&after, doc)
			if after.String() != before.String() {
				t.Errorf("the page was changed")
			}
		})
	}
}

func TestExtractImages(t *testing.T) {
	story := strings.Repeat(para, 5)
	cases := []struct {
		name, page string
		want       []string // the images' sources, in order
	}{
		{"a <noscript> after a lazy image replaces it",
			`<img src="data:image/gif;base64,R0lGOD" data-src="/small.jpg"><noscript><img src="/big.jpg" alt="pic"></noscript>`,
			[]string{"/big.jpg"}},
		{"a <noscript> alone is its image",
			`<div class="lazy"><noscript>
				<img src="/only.jpg">
			</noscript></div>`,
			[]string{"/only.jpg"}},
		{"a placeholder without source is dropped",
			`<img class="placeholder"><noscript><img src="/real.jpg"></noscript>`,
			[]string{"/real.jpg"}},
		{"a tracking pixel in a <noscript> is not",
			`<noscript><img src="/t.gif" width="1" height="1"></noscript>`,
			nil},
		{"a <noscript> with more than an image is not",
			`<noscript><img src="/a.jpg"> Enable JavaScript</noscript>`,
			nil},
		{"a figure without a picture takes the image its attribute names",
			`<figure itemid="https://img.example/photo.jpg"><figcaption>A caption</figcaption></figure>`,
			[]string{"https://img.example/photo.jpg"}},
		{"a lazy image takes the source a loader keeps",
			`<img class="lazyload" src="/blank.gif" data-full="/full.png">`,
			[]string{"/full.png"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(`<body><article>` + story + c.page + story + `</article>`))
			if err != nil {
				t.Fatal(err)
			}
			var before strings.Builder
			html.Render(&before, doc)
			e, _ := extract(doc, "", "", nil)
			var got []string
			for _, img := range cascadia.QueryAll(e.article, cascadia.MustCompile("img")) {
				got = append(got, attr(img, "src"))
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("images %q, want %q", got, c.want)
			}
			var after strings.Builder
			html.Render(&after, doc)
			if after.String() != before.String() {
				t.Errorf("the page was changed")
			}
		})
	}
}

func TestExtractKnownAuthor(t *testing.T) {
	// An element named for its author, holding a name by itemprop, is a
	// byline to Readability, even when it holds the story: a page whose
	// author its metadata gives has no byline to look for.
	page := `<body><article class="post displayed_author"><span itemprop="name">The Paper</span>` + strings.Repeat(para, 5) + `</article>`
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	e, x := extract(doc, "", "Jane Doe", nil)
	if got := collapse(textOf(e.article)); !strings.Contains(got, "The council met") {
		t.Errorf("the story was taken for a byline: %q", got)
	}
	if x.byline != "Jane Doe" {
		t.Errorf("byline %q", x.byline)
	}
}

func TestExtractDeepPage(t *testing.T) {
	// Measures are gathered in one walk: a deep page takes as long as a
	// flat one of its size, and the article is found in it.
	page := strings.Repeat("<div>", maxNesting-10) + strings.Repeat(para, 5) + strings.Repeat("</div>", maxNesting-10)
	doc, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := extract(doc, "", "", nil)
	if got := articleText(t, e.article); !strings.Contains(got, "The council met") {
		t.Errorf("article lost in a deep page: %q", got)
	}
}

func TestReadLinkedData(t *testing.T) {
	scripts := []string{
		`not json`,
		`{"@type": "WebSite", "name": "Site"}`,
		`<![CDATA[{"@graph": [{"@type": "WebPage"}, {"@type": ["NewsArticle"], "headline": " The  bridge ", "author": [{"name": "Jane Doe"}, "John Roe"], "datePublished": "2024-05-04T10:00:00Z", "publisher": {"name": "The Paper"}, "description": "The council voted."}]}]]>`,
	}
	want := linkedData{Title: "The bridge", Author: "Jane Doe, John Roe", Site: "The Paper", Date: "2024-05-04", Description: "The council voted."}
	if got := readLinkedData(scripts); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := readLinkedData([]string{`[[[[[[[[{"@type": "Article", "headline": "deep"}]]]]]]]]`}); got.Title != "" {
		t.Errorf("read past the depth limit: %+v", got)
	}
}

// TestExtractAgreesWithReadability compares our extractor's articles with
// go-readability's, whose scoring it follows, on go-readability's test
// pages (real pages, in the module cache of every checkout); and Article's
// metadata with what go-readability finds.
func TestExtractAgreesWithReadability(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts 130 pages twice")
	}
	pages := testpages.Readability()
	if len(pages) == 0 {
		t.Skip("no test pages")
	}
	total, low := 0.0, 0
	var found, lost [4]int // title, author, date, site
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		parser := readability.NewParser()
		theirs, err := parser.ParseDocument(doc, nil)
		if err != nil {
			continue
		}
		e, _ := extract(doc, theirs.Title(), PageMetadata(doc, nil).Author, nil)
		f1 := fidelity.WordF1(articleText(t, e.article), articleText(t, theirs.Node))
		_, meta, _ := Article(doc, nil)
		date, _ := theirs.PublishedTime()
		for i, has := range [4][2]bool{
			{theirs.Title() != "", meta.Title != ""},
			{strings.TrimSpace(theirs.Byline()) != "", meta.Author != ""},
			{!date.IsZero(), meta.Date != ""},
			{theirs.SiteName() != "", meta.Site != ""},
		} {
			if has[0] {
				found[i]++
				if !has[1] {
					lost[i]++
					t.Logf("%s: metadata field %d that go-readability finds is missing", filepath.Base(filepath.Dir(p)), i)
				}
			}
		}
		total += f1
		if f1 < 0.9 {
			low++
			t.Logf("%s: word F1 %.3f against go-readability", filepath.Base(filepath.Dir(p)), f1)
		}
	}
	mean := total / float64(len(pages))
	t.Logf("mean word F1 against go-readability over %d pages: %.3f; %d under 0.9", len(pages), mean, low)
	if mean < 0.97 || low > 5 {
		t.Errorf("our extractor strays from go-readability's scoring: mean %.3f, %d pages under 0.9", mean, low)
	}
	t.Logf("title, author, date, site found by go-readability on %v pages, missing in ours on %v", found, lost)
	for i := range lost {
		if lost[i] > 2 {
			t.Errorf("metadata field %d: go-readability finds it on %d pages, we miss it on %d", i, found[i], lost[i])
		}
	}
}
