package readable

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListing: every card of a grid beside a facet panel, and none of
// the facets, the pagination or the site's menu; the golden Markdown is
// beside the page.
func TestListing(t *testing.T) {
	cases := []struct {
		name string
		want []string // in this order
		not  []string
	}{
		{
			name: "listing-grid",
			want: []string{"Stovetop and electric kettles", "The Whistler", "€39.00", "Gooseneck Pour-Over", "Enamel Classic", "Clear Glass Kettle", "Travel Kettle", "€29.00"},
			not:  []string{"Stainless steel", "Next page", "About us", "Harbour Street"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata", c.name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := articleMarkdown(t, string(page))
			at := 0
			for _, w := range c.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Errorf("missing, or out of order: %q", w)
					continue
				}
				at += i + len(w)
			}
			for _, w := range c.not {
				if strings.Contains(got, w) {
					t.Errorf("kept %q", w)
				}
			}
			golden := filepath.Join("testdata", c.name+".md")
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
		})
	}
}
