package strip

import (
	"bytes"
	"net/url"
	"os"
	"testing"

	"github.com/insert-from-url/insert-from-url/internal/fidelity"
)

// fidelityFloors are the shares of go-readability's 134 real pages'
// headings, list items, table cells, code blocks, links and 4-word
// shingles that the Markdown output keeps (see internal/fidelity). They can
// only rise: a change that loses structure on real pages fails here.
var fidelityFloors = map[fidelity.Kind]float64{
	fidelity.Headings:  0.999,
	fidelity.Items:     0.951,
	fidelity.Cells:     0.817,
	fidelity.DataCells: 0.897,
	fidelity.Blocks:    1.000,
	fidelity.Links:     0.893,
	fidelity.Shingles:  0.990,
}

func TestFidelityFloors(t *testing.T) {
	if testing.Short() {
		t.Skip("converts 134 pages")
	}
	base, _ := url.Parse("http://fakehost/test/page.html")
	score := &fidelity.Score{}
	for _, page := range realPages(t) {
		in, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := Convert(&out, bytes.NewReader(in), Options{Format: FormatMarkdown, HTML: true, BaseURL: base, Links: LinksNone}); err != nil {
			t.Fatal(err)
		}
		src, err := fidelity.FromHTML(bytes.NewReader(in), base)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fidelity.FromMarkdown(out.Bytes(), base)
		if err != nil {
			t.Fatal(err)
		}
		score.Add(src, got)
	}
	t.Log("\n" + fidelity.Header() + "\n" + score.Row("markdown"))
	for _, msg := range score.Below(fidelityFloors) {
		t.Error(msg)
	}
}
