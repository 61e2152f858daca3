package readable

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
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
			checkGolden(t, c.name, got)
		})
	}
}

// TestSectionedMain: a service page's <main> of four headed sections is
// kept whole when the extraction kept one of them, but not on a page
// that says it is an article.
func TestSectionedMain(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "service-sections.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ogType string
		whole  bool
	}{{"website", true}, {"article", false}} {
		doc, err := Parse(strings.NewReader(strings.Replace(string(page), `content="website"`, `content="`+c.ogType+`"`, 1)))
		if err != nil {
			t.Fatal(err)
		}
		var found *html.Node
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.DataAtom == atom.Section && attr(n, "class") == "features" {
				found = n
			}
			for k := n.FirstChild; k != nil; k = k.NextSibling {
				walk(k)
			}
		}
		walk(doc)
		m := sectionedMain(doc, found, nil)
		if (m != nil) != c.whole {
			t.Fatalf("og:type %s: sectionedMain = %v, want whole main %v", c.ogType, m, c.whole)
		}
		if m == nil {
			continue
		}
		got := textOf(m)
		for _, w := range []string{"Descaling for offices", "What we do", "Pricing", "Questions", "taste test"} {
			if !strings.Contains(got, w) {
				t.Errorf("missing %q", w)
			}
		}
		if strings.Contains(got, "Get started") {
			t.Errorf("kept the subnav")
		}
	}
}

// TestProductDescription: a product page whose description tab is
// empty, filled by scripts, gets the description of its JSON-LD.
func TestProductDescription(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "product-tabs.html"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := articleMarkdown(t, string(page))
	if !strings.Contains(got, "A two-litre stovetop kettle of brushed stainless steel that sings") {
		t.Errorf("no description from the JSON-LD:\n%s", got)
	}
	if strings.Count(got, "sings when the water boils") != 1 {
		t.Errorf("description not there once:\n%s", got)
	}
}

// TestProductDescriptionMarkup: a JSON-LD description that holds HTML is read
// as HTML, so no tag shows as text.
func TestProductDescriptionMarkup(t *testing.T) {
	n := descriptionNode("<p>Brushed <b>steel</b> &amp; copper.</p><ul><li>2 l</li></ul>")
	if got := textOf(n); got != "Brushed steel & copper.2 l" {
		t.Errorf("text %q", got)
	}
	if n := descriptionNode("Plain text, no markup."); n.DataAtom != atom.P || n.FirstChild.Data != "Plain text, no markup." {
		t.Errorf("plain description: %+v", n)
	}
}
