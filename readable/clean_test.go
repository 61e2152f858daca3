package readable

import (
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// body is an article's worth of text, so that what the rules meet is
// small next to it.
var body = strings.Repeat("<p>The council met on Tuesday and voted on the river bridge, after a long debate about the costs of repairs.</p>\n", 6)

func TestClean(t *testing.T) {
	cases := []struct {
		name, in string
		gone     []string // texts clean removes
		kept     []string // texts clean keeps
	}{
		{"boilerplate class", body + `<div class="share-buttons">Share on Facebook</div><div class="post_tags">Tags: news</div>`,
			[]string{"Share on Facebook", "Tags: news"}, []string{"river bridge"}},
		{"compound name", body + `<div id="slice-newsletterForm-72">Sign up for our weekly letter</div>`,
			[]string{"Sign up"}, nil},
		{"container with such a class stays", `<div class="comments-enabled">` + body + `</div>`,
			nil, []string{"river bridge"}},
		{"word inside another word stays", body + `<p class="shadow">A shadowed note on the vote.</p>`,
			nil, []string{"shadowed note"}},
		{"label and link", body + `<p>Read also: <a href="/x">The bridge that nobody wanted to pay for</a></p>`,
			[]string{"Read also", "nobody wanted"}, nil},
		{"a paragraph that is one link stays", body + `<p><a href="/report">The full report of the council</a></p>`,
			nil, []string{"full report"}},
		{"lists of links stay", body + `<ul><li><a href="/1">Bug 1 fixed</a></li><li><a href="/2">Bug 2 fixed</a></li></ul>`,
			nil, []string{"Bug 1 fixed"}},
		{"chrome", body + `<form><input value="q"><button>Search the site</button></form><nav>Home About</nav>`,
			[]string{"Search the site", "Home About"}, nil},
		{"link section", body + `<h2>See also</h2><p><a href="/a">Older story about the bridge</a></p><p><a href="/b">Another one</a></p>`,
			[]string{"See also", "Older story"}, nil},
		{"section with text stays", body + `<h2>Costs</h2><p>The repairs cost <a href="/a">two million</a> over ten years, paid by the city.</p>`,
			nil, []string{"Costs", "paid by the city"}},
		{"orphan heading at the end", body + `<h3>More on climate</h3>`,
			[]string{"More on climate"}, nil},
		{"headings and code are never removed", body + `<pre class="share">code</pre>`,
			nil, []string{"code"}},
		{"credit lines", body + `<figure><img src=a.jpg><figcaption>Foto: Jane Doe</figcaption></figure><p>© AFP</p><p><small>Image: GETTY</small></p>` +
			`<p>It rained. <em>(Credit: Clay Doe / Grist)</em></p><p>Titelbild: Max Muster</p>`,
			[]string{"Jane Doe", "AFP", "GETTY", "Clay Doe", "Max Muster"}, []string{"It rained"}},
		{"captions", body + `<figure><img src=a.jpg><figcaption>The bridge at dawn, before the vote.</figcaption></figure>` +
			`<div class="wp-caption"><img src=b.jpg><p class="wp-caption-text">The mayor, speaking.</p></div>` +
			`<figure><picture><img src=c.jpg></picture><span class="description">Repairs in 1998.</span></figure>` +
			`<p>Photos of the vote were not allowed, the clerk said.</p>`,
			[]string{"The bridge at dawn", "The mayor", "Repairs in 1998"}, []string{"Photos of the vote"}},
		{"a figure that is a story's header stays", `<figure><img src=a.jpg><h1>Bridge</h1><div>The council decides in March.</div></figure>` + body,
			nil, []string{"decides in March"}},
		{"teasers", body + `<div class="x"><h3><a href="/other">Flood warnings for the weekend</a></h3><p>Rain is expected.</p></div>` +
			`<ul><li><h4><a href="https://news.example/b">Bridge tolls rise</a></h4></li></ul>`,
			[]string{"Flood warnings", "Rain is expected", "Bridge tolls"}, nil},
		{"a section with a heading anchor stays", body + `<section><h2><a href="#costs">Costs</a></h2><p>Two million.</p></section>`,
			nil, []string{"Costs", "Two million"}},
		{"a front page's cards are its content", body + strings.Repeat(`<div><h3><a href="/story">Flood warnings for the weekend</a></h3><p>Rain is expected across the valley, the forecasters said today.</p></div>`, 12),
			nil, []string{"Flood warnings", "Rain is expected"}},
		{"date lines", body + `<p>23.10.2018</p><div><span>2021-05-04 14:30</span></div><p><small>3:59 PM</small></p>`,
			[]string{"23.10.2018", "2021-05-04", "3:59"}, nil},
		{"a date in a sentence stays", body + `<p>On 23.10.2018 the bridge opened.</p><p>2018</p>`,
			nil, []string{"23.10.2018 the bridge", "2018"}},
		{"embedded post", body + `<blockquote class="embed"><p><a href="/other">Training on the new helicopter has begun</a></p></blockquote><blockquote>A quotation, with <a href="/x">a link</a> in it, stays.</blockquote>`,
			[]string{"new helicopter"}, []string{"A quotation"}},
		{"numbered captions", body + `<p><em>Abbildung 4: The weak layer.</em></p><p>Fig. 2. The river in 1990.</p><p>Table 1: Costs by year</p><p>Figure 3 shows the costs, which rose every year since the vote.</p>`,
			[]string{"weak layer", "river in 1990"}, []string{"Table 1", "Figure 3 shows"}},
		{"a quotation in a figure stays", body + `<figure><blockquote>We will build it.</blockquote><div>The mayor, in 1990</div></figure>`,
			nil, []string{"We will build it", "The mayor, in 1990"}},
		{"a gallery's captions are its story", strings.Repeat(`<figure><img src=a.jpg><figcaption>A costume for the party: a bowler hat, a black skirt and a red bow tie.</figcaption></figure>`, 8) + body,
			nil, []string{"bowler hat"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<body><div id=art>" + c.in + "</div></body>"))
			if err != nil {
				t.Fatal(err)
			}
			art := doc.LastChild.LastChild.FirstChild // html > body > div
			clean(art, cleanRules)
			got := textOf(art)
			for _, g := range c.gone {
				if strings.Contains(got, g) {
					t.Errorf("%q kept", g)
				}
			}
			for _, k := range append(c.kept, "river bridge") {
				if !strings.Contains(got, k) {
					t.Errorf("%q removed", k)
				}
			}
		})
	}
}

func TestCascadeCandidate(t *testing.T) {
	long := strings.Repeat("The council voted on the bridge again. ", 8)
	cases := []struct{ name, page, want string }{
		{"articleBody first", `<article><p>` + long + `</p></article><div itemprop="articleBody" id=want><p>` + long + `</p></div>`, "want"},
		{"teasers mark nothing", `<article><p>` + long + `</p></article><article><p>` + long + `</p></article><div class="entry-content" id=want><p>` + long + `</p></div>`, "want"},
		{"boilerplate is not the article", `<article class="comments"><p>` + long + `</p></article><main id=want><p>` + long + `</p></main>`, "want"},
		{"too little text", `<article><p>Short.</p></article>`, ""},
	}
	for _, c := range cases {
		doc, err := html.Parse(strings.NewReader(c.page))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if n, _ := cascadeCandidate(doc); n != nil {
			got = attr(n, "id")
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestChoose(t *testing.T) {
	parse := func(s string) *html.Node {
		doc, err := html.Parse(strings.NewReader("<div>" + s + "</div>"))
		if err != nil {
			t.Fatal(err)
		}
		return doc.LastChild.LastChild.FirstChild
	}
	story := strings.Repeat("The council voted on the river bridge after a long debate. ", 6)
	login := parse("<p>This e-mail address has no account, or the password is wrong. Please try again later.</p>")
	marked := parse("<p>" + story + "</p>")
	for _, body := range []bool{false, true} {
		if got := choose(extracted{article: login}, marked, body); textOf(got) != textOf(marked) || got == marked {
			t.Errorf("readability's stray pick was kept, or the page's tree was handed out: %q", textOf(got))
		}
		bigger := parse("<p>" + story + story + "</p>")
		if got := choose(extracted{article: bigger}, marked, body); got != bigger {
			t.Errorf("readability's longer article was replaced")
		}
	}
	inside := parse("<p>" + story[:120] + "</p>")
	if got := choose(extracted{article: inside}, marked, false); got != inside {
		t.Errorf("readability's article inside a marked <article> was replaced")
	}
	if got := choose(extracted{article: inside}, marked, true); textOf(got) != textOf(marked) {
		t.Errorf("readability's part of the marked body was kept: %q", textOf(got))
	}
	most := parse("<p>" + story[:len(story)*9/10] + "</p>")
	if got := choose(extracted{article: most}, marked, true); got != most {
		t.Errorf("readability's article, most of the marked body, was replaced")
	}
}

func TestAddLead(t *testing.T) {
	const desc = "The city will rebuild the river bridge by 2030, the council decided on Tuesday."
	story := strings.Repeat("<p>The council met on Tuesday and voted on the river bridge, after a long debate.</p>", 4)
	cases := []struct {
		name, page string
		lead       bool
	}{
		{"lead in the header", `<header><h1>Bridge</h1><p class=x>` + desc + `</p><span>By Jane Doe</span></header><div id=body>` + story + `</div>`, true},
		{"lead already in the article", `<div id=body><p>` + desc + `</p>` + story + `</div>`, false},
		{"description far from the body", `<p>` + desc + `</p>` + strings.Repeat("<p>Other stories of the week, and more of them, in a list.</p>", 20) + `<div id=body>` + story + `</div>`, false},
		{"related links between lead and body", `<p>` + desc + `</p><ul>` + strings.Repeat(`<li><a href="/x">Other stories of the week, and more of them, in a list.</a></li>`, 30) + `</ul><div id=body>` + story + `</div>`, true},
		{"lead named so", `<h1>Bridge</h1><div class="article-lead">` + desc + `</div><div id=body>` + story + `</div>`, true},
		{"lead after the title", `<header><p class=x>` + desc + `</p></header><div id=body><h1>Bridge</h1>` + story + `</div>`, true},
		{"subtitle in a heading group", `<hgroup><h1>Bridge</h1><h2>` + desc + `</h2></hgroup><div id=body>` + story + `</div>`, true},
		{"description after the body", `<div id=body>` + story + `</div><p>` + desc + `</p>`, false},
		{"description in a link", `<a href=/x>` + desc + `</a><div id=body>` + story + `</div>`, false},
		{"named so, but a video", `<div class="lead-video"><figure><iframe src="https://v.example/1"></iframe><figcaption>` + desc + `</figcaption></figure></div><div id=body>` + story + `</div>`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<body>" + c.page + "</body>"))
			if err != nil {
				t.Fatal(err)
			}
			body, err := Select(doc, []string{"#body"})
			if err != nil || len(body) != 1 {
				t.Fatal(err)
			}
			art := cloneTree(body[0]) // readability's article is a copy
			d := desc
			if strings.Contains(c.name, "named") || strings.Contains(c.name, "heading group") || strings.Contains(c.name, "video") {
				d = "" // no description: found by its name
			}
			addLead(doc, art, d)
			got := collapse(textOf(art))
			if n := strings.Count(got, desc); n != map[bool]int{true: 1, false: strings.Count(collapse(textOf(body[0])), desc)}[c.lead] {
				t.Errorf("lead %d times in %q", n, got)
			}
			got = strings.TrimPrefix(got, "Bridge")
			if c.lead && !strings.HasPrefix(got, desc) {
				t.Errorf("lead not first, after the title if any: %q", got)
			}
		})
	}
}

func TestHasCollapsedPrefix(t *testing.T) {
	cases := []struct {
		s, prefix string
		want      bool
	}{
		{"The city will", "The city", true},
		{"\n  The \t city\n will", "The city will", true},
		{"\u00a0The\u00a0city", "The city", true}, // collapse treats no-break spaces as spaces
		{"The city", "The city will", false},
		{"The cityscape", "The city will", false},
		{"Thecity", "The city", false},
		{"Die Stadt", "Die Stadt", true},
		{"", "", true},
	}
	for _, c := range cases {
		if got := hasCollapsedPrefix(c.s, c.prefix); got != c.want {
			t.Errorf("hasCollapsedPrefix(%q, %q) = %v", c.s, c.prefix, got)
		}
		if c.want && !strings.HasPrefix(collapse(c.s), c.prefix) {
			t.Errorf("%q: collapse disagrees", c.s)
		}
	}
}

func TestPlacement(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(`<main id=c><div id=a><p id=a1>x</p></div><p id=b>y</p></main><aside id=d><p id=d1>z</p></aside>`))
	if err != nil {
		t.Fatal(err)
	}
	byID := func(id string) *html.Node {
		return cascadia.Query(doc, cascadia.MustCompile("#"+id))
	}
	c := byID("c")
	cases := []struct {
		name          string
		sources       []string
		inside, apart bool
	}{
		{"inside", []string{"a", "b"}, true, false},
		{"c itself", []string{"c"}, true, false},
		{"apart", []string{"d", "d1"}, false, true},
		{"mixed", []string{"a", "d"}, false, false},
		{"holding c", []string{"c", "d"}, false, false},
	}
	for _, k := range cases {
		var sources []*html.Node
		for _, id := range k.sources {
			sources = append(sources, byID(id))
		}
		if in, ap := placement(sources, c); in != k.inside || ap != k.apart {
			t.Errorf("%s: inside %v apart %v, want %v %v", k.name, in, ap, k.inside, k.apart)
		}
	}
	if in, ap := placement([]*html.Node{c.Parent}, c); in || ap {
		t.Errorf("a source holding c: inside %v apart %v, want neither", in, ap)
	}
}
