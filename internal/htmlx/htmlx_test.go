package htmlx

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestBase(t *testing.T) {
	page, _ := url.Parse("https://example.com/a/page.html")
	for _, c := range []struct {
		doc  *url.URL
		href string
		want string
	}{
		{page, "sub/", "https://example.com/a/sub/"},
		{page, " \t/root/\n", "https://example.com/root/"},
		{page, "https://other.org/x/", "https://other.org/x/"},
		{page, "", "https://example.com/a/page.html"},
		{nil, "sub/", ""}, // stdin from the network: a relative base leads nowhere
		{nil, "https://other.org/", "https://other.org/"},
	} {
		got := Base(c.doc, c.href)
		if s := ""; got != nil {
			s = got.String()
			if s != c.want {
				t.Errorf("Base(%v, %q) = %s, want %s", c.doc, c.href, s, c.want)
			}
		} else if c.want != "" {
			t.Errorf("Base(%v, %q) = nil, want %s", c.doc, c.href, c.want)
		}
	}
}

// TestBaseURLOnce: the first <base> with an href counts, and applying it
// is the same whether the page streams or is parsed.
func TestBaseURLOnce(t *testing.T) {
	page, _ := url.Parse("https://example.com/a/page.html")
	doc, _ := html.Parse(strings.NewReader(`<head><base target="_top"><base href="sub/"><base href="other/"></head><p>x`))
	if got := BaseURL(doc, page).String(); got != "https://example.com/a/sub/" {
		t.Errorf("BaseURL = %s", got)
	}
	doc, _ = html.Parse(strings.NewReader(`<svg><base href="https://evil.example/"></svg><template><base href="https://evil2.example/"></template><p>x`))
	if got := BaseURL(doc, page); got != page {
		t.Errorf("a <base> in SVG or a template counted: %v", got)
	}
	doc, _ = html.Parse(strings.NewReader(`<p>no base`))
	if got := BaseURL(doc, page); got != page {
		t.Errorf("BaseURL without <base> = %v", got)
	}
}

func TestResolveAndAllow(t *testing.T) {
	base, _ := url.Parse("https://example.com/a/")
	for _, c := range []struct {
		href, want string
		remote     bool // allowed from a remote page
	}{
		{"x.html", "https://example.com/a/x.html", true},
		{"javascript:alert(1)", "", false},
		{" JavaScript:void(0)", "", false},
		{"mailto:a@b.c", "mailto:a@b.c", true},
		{"file:///etc/passwd", "file:///etc/passwd", false},
		{"data:text/html,<b>", "", false},
		{"a b.html", "https://example.com/a/a%20b.html", true},
	} {
		got := ResolveURL(base, c.href)
		if got != c.want {
			t.Errorf("ResolveURL(%q) = %q, want %q", c.href, got, c.want)
		}
		if got != "" && LinkAllowed(got, false) != c.remote {
			t.Errorf("LinkAllowed(%q, remote) = %v", got, !c.remote)
		}
	}
	if !LinkAllowed("notes/x.org", true) || LinkAllowed("notes/x.org", false) {
		t.Error("a relative link is a local page's, not a remote one's")
	}
}

func TestStyleHides(t *testing.T) {
	for style, want := range map[string]bool{
		"display:none":                 true,
		"color: red; DISPLAY : None":   true,
		"visibility:hidden !important": true,
		"visibility: collapse":         true,
		"--menu-display: none":         false,
		"display:block":                false,
		"background:url(none.png)":     false,
		"overflow:hidden":              false,
	} {
		if got := StyleHides(style); got != want {
			t.Errorf("StyleHides(%q) = %v", style, got)
		}
	}
}

func TestVoid(t *testing.T) {
	for _, a := range []atom.Atom{atom.Br, atom.Img, atom.Keygen, atom.Wbr, atom.Source} {
		if !Void(a) {
			t.Errorf("%s is void", a)
		}
	}
	for _, a := range []atom.Atom{atom.P, atom.Div, atom.Script, 0} {
		if Void(a) {
			t.Errorf("%s is not void", a)
		}
	}
}
