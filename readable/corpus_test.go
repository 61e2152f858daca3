package readable

import (
	"fmt"
	"math/rand"
	"strings"
)

// A synthetic corpus: article bodies whose text is known exactly, put into
// page templates full of the boilerplate real sites wrap around articles
// (navigation, cookie banners, share buttons, related links, comments,
// footers). The extraction's word-level F1 against the known body is what
// the tests and bench/readable measure.

var vocabulary = strings.Fields(`the a of to and in is was for on that with as by at from this be are
have has it its an or which their were been more when will would there who about after also can into
city council river research data study team report market water energy school students health hospital
policy court judge vote election company workers prices climate storm village museum history library
bridge train station farmers harvest festival music artist novel science laboratory results experiment
software network engineers security update release version users privacy mountain forest coast island`)

// article is a generated article and its reference text.
type article struct {
	Title, Author, Date string
	HTML                string // the body, as the page shows it
	Text                string // the words a reader reads
}

func sentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[r.Intn(len(vocabulary))]
	}
	s := strings.Join(w, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func paragraph(r *rand.Rand) string {
	var s []string
	for i := 0; i < 3+r.Intn(4); i++ {
		s = append(s, sentence(r, 8+r.Intn(12)))
	}
	return strings.Join(s, " ")
}

func newArticle(seed int64) article {
	r := rand.New(rand.NewSource(seed))
	a := article{
		Title:  strings.TrimSuffix(sentence(r, 6), "."),
		Author: fmt.Sprintf("Author %d", seed),
		Date:   fmt.Sprintf("2024-%02d-%02d", 1+r.Intn(12), 1+r.Intn(28)),
	}
	var h, t strings.Builder
	add := func(html, text string) { h.WriteString(html + "\n"); t.WriteString(text + "\n") }
	for i := 0; i < 4+r.Intn(6); i++ {
		switch r.Intn(7) {
		case 0:
			s := strings.TrimSuffix(sentence(r, 4), ".")
			add("<h2>"+s+"</h2>", s)
		case 1:
			var items []string
			var list strings.Builder
			for j := 0; j < 3; j++ {
				s := sentence(r, 6)
				items = append(items, s)
				list.WriteString("<li>" + s + "</li>")
			}
			add("<ul>"+list.String()+"</ul>", strings.Join(items, "\n"))
		case 2:
			p := paragraph(r)
			words := strings.Fields(p)
			linked := strings.Join(words[:3], " ")
			add("<p><a href=\"/topic/"+words[1]+"\">"+linked+"</a> "+strings.Join(words[3:], " ")+"</p>", p)
		case 3:
			a, b := sentence(r, 3), sentence(r, 3)
			add("<table><tr><th>Item</th><th>Value</th></tr><tr><td>"+a+"</td><td>"+b+"</td></tr></table>", "Item Value "+a+" "+b)
		case 4:
			q := paragraph(r)
			add("<blockquote><p>"+q+"</p></blockquote>", q)
		default:
			p := paragraph(r)
			add("<p>"+p+"</p>", p)
		}
	}
	a.HTML, a.Text = h.String(), t.String() // the body, without the title, as article-extraction benchmarks score it
	return a
}

func links(r *rand.Rand, n int, prefix string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<li><a href="/%s/%d">%s</a></li>`, prefix, i, strings.TrimSuffix(sentence(r, 2+r.Intn(3)), "."))
	}
	return b.String()
}

// templates wrap an article into a whole page.
var templates = []func(a article, r *rand.Rand) string{
	// A news site: <article>, navigation, cookie banner, related stories,
	// comments, footer.
	func(a article, r *rand.Rand) string {
		return `<!DOCTYPE html><html><head><title>` + a.Title + ` | Daily News</title>
<meta property="og:title" content="` + a.Title + `"><meta name="author" content="` + a.Author + `">
<meta property="article:published_time" content="` + a.Date + `T08:00:00Z"><meta property="og:site_name" content="Daily News">
<link rel="canonical" href="https://news.example/story"></head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button> <a href="/privacy">Privacy policy</a></div>
<header><nav><ul>` + links(r, 12, "section") + `</ul></nav></header>
<main><article><h1>` + a.Title + `</h1><p class="byline">By ` + a.Author + ` · ` + a.Date + `</p>
<div class="share"><a href="/share/fb">Share</a> <a href="/share/tw">Tweet</a> <a href="/share/mail">Email</a></div>
` + a.HTML + `</article>
<aside class="related"><h3>Related stories</h3><ul>` + links(r, 6, "story") + `</ul></aside>
<section class="comments"><h3>Comments</h3><div class="comment"><p>` + sentence(r, 9) + `</p></div><div class="comment"><p>` + sentence(r, 7) + `</p></div></section></main>
<footer><ul>` + links(r, 10, "footer") + `</ul><p>Copyright 2024 Daily News. All rights reserved.</p></footer></body></html>`
	},
	// A blog without <article>: content in a div, sidebars on both sides.
	func(a article, r *rand.Rand) string {
		return `<html><head><title>` + a.Title + ` - My Blog</title></head><body>
<div id="top"><a href="/">My Blog</a><ul class="menu">` + links(r, 6, "page") + `</ul></div>
<div id="wrap"><div id="sidebar"><h4>Recent posts</h4><ul>` + links(r, 8, "post") + `</ul><h4>Tags</h4><p>` + sentence(r, 12) + `</p>
<h4>Archives</h4><ul>` + links(r, 12, "archive") + `</ul></div>
<div id="content"><div class="post"><h1 class="post-title">` + a.Title + `</h1><div class="post-meta">Posted by ` + a.Author + `</div>
<div class="post-content entry">` + a.HTML + `</div>
<div class="post-footer"><a href="/tag/x">Tagged</a> <a href="/share">Share this post</a></div></div>
<div class="newsletter"><p>Subscribe to our newsletter for weekly updates!</p><form><input name="email"><button>Subscribe</button></form></div></div></div>
<div id="footer"><p>Powered by a blog engine. Theme by someone.</p></div></body></html>`
	},
	// A layout table, as older sites still have.
	func(a article, r *rand.Rand) string {
		return `<html><head><title>` + a.Title + `</title></head><body><table width="100%"><tr>
<td class="nav" width="20%"><ul>` + links(r, 15, "nav") + `</ul></td>
<td class="main"><h1>` + a.Title + `</h1>` + a.HTML + `</td>
<td class="ads" width="20%"><p>Advertisement</p><ul>` + links(r, 5, "ad") + `</ul></td></tr></table>
<p class="footer">Contact us · Terms · Privacy</p></body></html>`
	},
	// A magazine page with <main>, sections and a newsletter box inside.
	func(a article, r *rand.Rand) string {
		parts := strings.SplitAfter(a.HTML, "\n")
		half := len(parts) / 2
		return `<html><head><title>` + a.Title + `</title><meta name="author" content="` + a.Author + `"></head><body>
<header class="site-header"><a href="/">Magazine</a><nav><ul>` + links(r, 9, "mag") + `</ul></nav></header>
<main><h1>` + a.Title + `</h1><section>` + strings.Join(parts[:half], "") + `</section>
<div class="promo"><p>Get unlimited access for one dollar a month.</p><a href="/subscribe">Subscribe now</a></div>
<section>` + strings.Join(parts[half:], "") + `</section></main>
<div class="recirculation"><h2>Most popular</h2><ol>` + links(r, 10, "popular") + `</ol></div>
<footer><p>` + sentence(r, 10) + `</p></footer></body></html>`
	},
}

// page returns page number i of the corpus and its article.
func page(i int) (string, article) {
	a := newArticle(int64(i))
	r := rand.New(rand.NewSource(int64(i) * 7919))
	return templates[i%len(templates)](a, r), a
}
