package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/internal/testpages"
	"github.com/insert-from-url/insert-from-url/strip"
)

// TestShowsText: reading mode prints the page rather than an article that
// shows no text (0095 of wcxb-dev chose such an element).
func TestShowsText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{`<div><figure><img src="a.png" alt="a"></figure></div>`, false},
		{`<div><p style="display:none">Hidden.</p><script>x()</script></div>`, false},
		{`<div><p>Text.</p></div>`, true},
	} {
		doc, err := html.Parse(strings.NewReader(c.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := showsText(doc, strip.Options{Format: strip.FormatText, HTML: true, NoImageText: true}); got != c.want {
			t.Errorf("showsText(%q) = %v", c.in, got)
		}
	}
}

// TestDocumentBaseAndTitle drives Open and Write as the command does: the
// page's <base> is applied once and its title is the same on every path,
// and the caller's options are left as they were.
func TestDocumentBaseAndTitle(t *testing.T) {
	page := `<html><head><title>Bridge vote | News</title><meta property="og:title" content="Bridge vote"><base href="sub/"></head>` +
		`<body><p>See <a href="x.html">the vote</a>, which the council held today after a long debate about the bridge.</p></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer srv.Close()
	want := "(" + srv.URL + "/a/sub/x.html)"
	run := func(o Options) string {
		t.Helper()
		o.Input = srv.URL + "/a/page.html"
		before := o
		src, err := Open(context.Background(), &o, Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Body.Close()
		var out bytes.Buffer
		if _, err := Write(context.Background(), &out, src, &o, Hooks{}, false); err != nil {
			t.Fatal(err)
		}
		if o.Format != before.Format || o.BaseLevel != before.BaseLevel || o.Links != before.Links {
			t.Errorf("Write changed its options: %+v", o)
		}
		return out.String()
	}
	for _, o := range []Options{
		{Format: strip.FormatMarkdown},
		{Format: strip.FormatMarkdown, Select: []string{"body"}},
		{Format: strip.FormatMarkdown, Readable: true},
		{Format: strip.FormatMarkdown, Metadata: true},
	} {
		if got := run(o); !strings.Contains(got, want) {
			t.Errorf("%+v: %q, want a link %s", o, got, want)
		}
	}
	for _, o := range []Options{
		{Format: strip.FormatTitle},
		{Format: strip.FormatTitle, Metadata: true},
		{Format: strip.FormatTitle, Select: []string{"body"}},
		{Format: strip.FormatTitle, Readable: true},
	} {
		if got := run(o); got != "Bridge vote\n" {
			t.Errorf("%+v: title %q", o, got)
		}
	}
}

// TestNoDevPageEmpty converts every page of ../shared/wcxb-dev whose
// content is in its HTML (when the development pages are there): none may
// convert to nothing, whole page in text or with reading mode in Org.
func TestNoDevPageEmpty(t *testing.T) {
	pages := testpages.Dev(false)
	if len(pages) == 0 || testing.Short() {
		t.Skip("the development pages are not in ../shared")
	}
	skip := testpages.NotInHTML("../..")
	tmp := filepath.Join(t.TempDir(), "page.html")
	var empty []string
	for _, p := range pages {
		id := strings.TrimSuffix(filepath.Base(p), ".html.gz")
		if skip[id] {
			continue
		}
		page, err := testpages.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tmp, page, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, o := range []Options{{Format: strip.FormatText}, {Format: strip.FormatOrg, Readable: true}} {
			o.Input = tmp
			src, err := Open(context.Background(), &o, Hooks{})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			_, err = Write(context.Background(), &out, src, &o, Hooks{}, false)
			src.Body.Close()
			if err != nil {
				t.Errorf("%s: %v", id, err)
			} else if strings.TrimSpace(out.String()) == "" {
				empty = append(empty, fmt.Sprintf("%s (%s, readable %v)", id, o.Format, o.Readable))
			}
		}
	}
	if len(empty) > 0 {
		t.Errorf("%d conversions of the dev pages print nothing: %s", len(empty), strings.Join(empty, ", "))
	}
}

func TestImageLinkDir(t *testing.T) {
	empty, notes := "", "/home/u/notes"
	for _, tc := range []struct {
		dir, output string
		rel         *string
		want        string
	}{
		{"img", "", nil, "img"},
		{"/abs/img", "", nil, "/abs/img"},
		{"notes/img", "notes/page.md", nil, "img"},
		{"img", "notes/page.md", nil, "../img"},
		{"/home/u/notes/data/x", "/tmp/emacs-123", &notes, "data/x"},
		{"/home/u/img", "/tmp/emacs-123", &empty, "/home/u/img"},
		{"img", "-", nil, "img"},
	} {
		if got := ImageLinkDir(tc.dir, tc.output, tc.rel); got != tc.want {
			t.Errorf("ImageLinkDir(%q, %q, %v) = %q, want %q", tc.dir, tc.output, tc.rel, got, tc.want)
		}
	}
}
