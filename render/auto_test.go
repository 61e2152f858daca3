package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insert-from-url/insert-from-url/internal/testpages"
)

func TestNeedsScripts(t *testing.T) {
	for _, tc := range []struct {
		page string
		want bool
	}{
		{`<div id="root"></div><script src="/app.js"></script>`, true},
		{`<div id="app">Loading…</div><noscript>You need to enable JavaScript to run this app.</noscript><script type="module" src="/m.js"></script>`, true},
		{`<head><title>` + strings.Repeat("Long title ", 50) + `</title><script>x()</script></head><body></body>`, true},
		{`<p>` + strings.Repeat("Words of a page served whole. ", 20) + `</p><script src="/analytics.js"></script>`, false},
		{`<div id="root"></div>`, false}, // empty, but nothing would fill it
		{`<div></div><script type="application/json">{"props": {}}</script>`, false},
		{`<div></div><script type="application/ld+json">{}</script>`, false},
	} {
		if got := NeedsScripts([]byte(tc.page)); got != tc.want {
			text, scripts := StaticText([]byte(tc.page))
			t.Errorf("%.60q: %v, want %v (text %d, scripts %d)", tc.page, got, tc.want, text, scripts)
		}
	}
}

// TestStaticPagesNotRendered: no real page of go-readability's test set, nor
// of ../shared/realpages when it is there, would start a browser in auto.
func TestStaticPagesNotRendered(t *testing.T) {
	pages := testpages.Readability()
	shared, _ := filepath.Glob("../../shared/realpages/pages/*.html")
	pages = append(pages, shared...)
	if len(pages) == 0 {
		t.Skip("no real pages")
	}
	least, leastPage := -1, ""
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if NeedsScripts(b) {
			t.Errorf("%s would be rendered", p)
		}
		if text, _ := StaticText(b); least < 0 || text < least {
			least, leastPage = text, p
		}
	}
	t.Logf("%d pages; the least text: %d letters and digits (%s)", len(pages), least, leastPage)
}

func FuzzStaticText(f *testing.F) {
	f.Add([]byte(`<div id="root"></div><script src="/app.js"></script>`))
	f.Add([]byte(`<p>text</p><script type="application/json">{}</script><noscript>x</noscript>`))
	f.Fuzz(func(t *testing.T, page []byte) {
		text, scripts := StaticText(page)
		if text < 0 || text > len(page) || scripts < 0 || scripts > len(page) {
			t.Errorf("text %d, scripts %d from %d bytes", text, scripts, len(page))
		}
	})
}
