// Command readable measures article extraction: the word F1 of
// insert-from-url's --readable text against reference article bodies, next
// to go-readability alone. Pages come from folders holding source.html and
// expected.html (the layout of go-readability's and Readability.js's test
// pages), given as arguments:
//
//	go run ./bench/readable $(go env GOMODCACHE)/codeberg.org/readeck/go-readability/v2@v2.1.3/test-pages/*/
package main

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/strip"
)

func text(n *html.Node, base *url.URL) string {
	if n == nil {
		return ""
	}
	var h, out bytes.Buffer
	readable.Render(&h, []*html.Node{n}, base)
	strip.Convert(&out, &h, strip.Options{Format: strip.FormatText, HTML: true, Links: strip.LinksNone})
	return out.String()
}

func main() {
	base, _ := url.Parse("http://fakehost/test/page.html")
	type score struct {
		name     string
		ours, ra float64
	}
	var scores []score
	for _, dir := range os.Args[1:] {
		src, err1 := os.ReadFile(filepath.Join(dir, "source.html"))
		exp, err2 := os.ReadFile(filepath.Join(dir, "expected.html"))
		if err1 != nil || err2 != nil {
			continue
		}
		want := text(must(html.Parse(bytes.NewReader(exp))), base)
		doc := must(html.Parse(bytes.NewReader(src)))
		node, _, _ := readable.Article(doc, base)
		ours := readable.WordF1(text(node, base), want)
		var ra float64
		if art, err := readability.FromDocument(must(html.Parse(bytes.NewReader(src))), base); err == nil {
			ra = readable.WordF1(text(art.Node, base), want)
		}
		scores = append(scores, score{filepath.Base(filepath.Clean(dir)), ours, ra})
	}
	sort.Slice(scores, func(i, j int) bool { return scores[i].ours-scores[i].ra < scores[j].ours-scores[j].ra })
	var sumOurs, sumRA float64
	for _, s := range scores {
		sumOurs += s.ours
		sumRA += s.ra
		if s.ours != s.ra {
			fmt.Printf("%-40s insert-from-url %.3f  go-readability %.3f\n", s.name, s.ours, s.ra)
		}
	}
	n := float64(len(scores))
	fmt.Printf("%d pages: mean word F1 insert-from-url --readable %.3f, go-readability alone %.3f\n", len(scores), sumOurs/n, sumRA/n)
}

func must(n *html.Node, err error) *html.Node {
	if err != nil {
		panic(err)
	}
	return n
}
