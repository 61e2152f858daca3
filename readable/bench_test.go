package readable

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/strip"
)

func corpusPage(b *testing.B) []byte {
	b.Helper()
	name := os.Getenv("INSERT_FROM_URL_CORPUS")
	if name == "" {
		name = filepath.Join("..", "strip", "testdata", "corpus", "node-http.html")
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
