package readable

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/internal/testpages"
	"github.com/insert-from-url/insert-from-url/strip"
)

func corpusPage(b *testing.B) []byte {
	b.Helper()
	name := os.Getenv("INSERT_FROM_URL_CORPUS")
	if name == "" {
		name = testpages.Corpus("node-http.html")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkReadable is --readable -f text: parse, extract, convert.
// Compare with BenchmarkPlainText in the same run: the target is within 3x.
func BenchmarkReadable(b *testing.B) {
	in := corpusPage(b)
	b.SetBytes(int64(len(in)))
	for i := 0; i < b.N; i++ {
		doc, err := html.Parse(bytes.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		node, _, err := Article(doc, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := strip.ConvertNodes(io.Discard, []*html.Node{node}, strip.Options{Format: strip.FormatText, HTML: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlainText is -f text on the same page, streaming.
func BenchmarkPlainText(b *testing.B) {
	in := corpusPage(b)
	b.SetBytes(int64(len(in)))
	for i := 0; i < b.N; i++ {
		if err := strip.Convert(io.Discard, bytes.NewReader(in), strip.Options{Format: strip.FormatText, HTML: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadableArticle and BenchmarkPlainTextArticle compare the two
// on a news-article page of the synthetic corpus, the kind of page reading
// mode is for.
func BenchmarkReadableArticle(b *testing.B) {
	p, _ := page(0)
	b.SetBytes(int64(len(p)))
	for i := 0; i < b.N; i++ {
		doc, _ := html.Parse(strings.NewReader(p))
		node, _, err := Article(doc, nil)
		if err != nil {
			b.Fatal(err)
		}
		strip.ConvertNodes(io.Discard, []*html.Node{node}, strip.Options{Format: strip.FormatText, HTML: true})
	}
}

func BenchmarkPlainTextArticle(b *testing.B) {
	p, _ := page(0)
	b.SetBytes(int64(len(p)))
	for i := 0; i < b.N; i++ {
		strip.Convert(io.Discard, strings.NewReader(p), strip.Options{Format: strip.FormatText, HTML: true})
	}
}

// BenchmarkReadableNested is a page of 240 nested elements named as a
// byline and as share buttons, each with a long heading: a page where
// measuring each element's subtree anew would take time quadratic in its
// depth (5 s before the walks were bounded; 0.17 s after, whole process).
func BenchmarkReadableNested(b *testing.B) {
	text := "<p>" + strings.Repeat("word, ", 2000) + "</p>"
	page := "<html><body>" + strings.Repeat(`<div class="author share-box"><h2 class=x>`+text+`</h2>`, 240) +
		strings.Repeat(text, 50) + strings.Repeat("</div>", 240)
	b.SetBytes(int64(len(page)))
	for i := 0; i < b.N; i++ {
		doc, err := Parse(strings.NewReader(page))
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Article(doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}
