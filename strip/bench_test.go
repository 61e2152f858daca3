package strip

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/insert-from-url/insert-from-url/internal/testpages"
	"golang.org/x/net/html"
)

// corpus returns the committed real documents, concatenated, or the file
// named by $INSERT_FROM_URL_CORPUS (e.g. the 8.4 MB nodejs-api-all.html).
func corpus(b *testing.B) []byte {
	b.Helper()
	files, _ := filepath.Glob(testpages.Corpus("*.html"))
	if f := os.Getenv("INSERT_FROM_URL_CORPUS"); f != "" {
		files = []string{f}
	}
	var all []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, data...)
	}
	if len(all) == 0 {
		b.Fatal("no corpus")
	}
	return all
}

func benchmarkFormat(b *testing.B, f Format) {
	in := corpus(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Convert(io.Discard, bytes.NewReader(in), Options{Format: f, HTML: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkText(b *testing.B)     { benchmarkFormat(b, FormatText) }
func BenchmarkMarkdown(b *testing.B) { benchmarkFormat(b, FormatMarkdown) }
func BenchmarkOrg(b *testing.B)      { benchmarkFormat(b, FormatOrg) }

// BenchmarkTokenizer is the floor: x/net/html's tokenizer alone.
func BenchmarkTokenizer(b *testing.B) {
	in := corpus(b)
	b.SetBytes(int64(len(in)))
	for i := 0; i < b.N; i++ {
		z := html.NewTokenizer(bytes.NewReader(in))
		for z.Next() != html.ErrorToken {
		}
	}
}

// BenchmarkDeepNesting and BenchmarkLongLine would show quadratic behaviour
// as a time per byte that grows with the size.
func BenchmarkDeepNesting(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		in := strings.Repeat("<div>", n) + "text" + strings.Repeat("</div>", n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for i := 0; i < b.N; i++ {
				Convert(io.Discard, strings.NewReader(in), Options{Format: FormatMarkdown, HTML: true})
			}
		})
	}
}

func BenchmarkLongLine(b *testing.B) {
	for _, n := range []int{1 << 16, 1 << 22} {
		in := "<p>" + strings.Repeat("word <b>bold</b> ", n/17)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for i := 0; i < b.N; i++ {
				Convert(io.Discard, strings.NewReader(in), Options{Format: FormatText, HTML: true, Width: 72})
			}
		})
	}
}
