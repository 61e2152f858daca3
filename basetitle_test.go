package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// basePage has a relative <base> and a title that og:title shortens; the
// article variant has enough text for reading mode to find one.
const basePage = `<html><head><title>Bridge vote | News</title><meta property="og:title" content="Bridge vote">
<base href="sub/"></head><body><p>See <a href="x.html">the vote</a>, which the council held today after a long debate about the cost of the bridge and its place in the town. <img src="i.png" alt="a bridge"></p>%s</body></html>`

// TestOneBaseOneTitle: every path (stream, --select, --images, reading mode
// and its fallback to the whole page) resolves a relative <base> once, and
// every path gives the page the same title.
func TestOneBaseOneTitle(t *testing.T) {
	article := strings.Repeat("<p>The council voted on the bridge today, and the long debate about its cost, its design and its place in the town ended with a clear result.</p>", 6)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a/page.html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(strings.Replace(basePage, "%s", "", 1)))
		case "/a/article.html":
			w.Header().Set("Content-Type", "text/html")
			page := strings.Replace(basePage, "<body><p>See", "<body><article><p>See", 1)
			w.Write([]byte(strings.Replace(page, "%s", article+"</article>", 1)))
		case "/a/sub/i.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n"))
		default:
			http.NotFound(w, r)
		}
	})
	wantLink := srv.URL + "/a/sub/x.html"
	for _, page := range []string{"/a/page.html", "/a/article.html"} {
		u := srv.URL + page
		for _, args := range [][]string{
			{"-f", "markdown"},
			{"-f", "markdown", "--select", "body"},
			{"-f", "markdown", "--readable"},
			{"-f", "markdown", "--metadata"},
			{"-f", "markdown", "--images", filepath.Join(t.TempDir(), "img")},
		} {
			r := runCmd(t, append(args, "-s", u)...)
			if r.code != 0 || !strings.Contains(r.stdout, "("+wantLink+")") || strings.Contains(r.stdout, "sub/sub") {
				t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want a link to %s", page, args, r.code, r.stdout, r.stderr, wantLink)
			}
			if strings.Contains(r.stderr, "image not stored") {
				t.Errorf("%s %v: %s", page, args, r.stderr)
			}
		}
		for _, args := range [][]string{
			{"-f", "title"},
			{"-f", "title", "--metadata"},
			{"-f", "title", "--select", "body"},
			{"-f", "title", "--readable"},
		} {
			if r := runCmd(t, append(args, "-s", u)...); r.stdout != "Bridge vote\n" {
				t.Errorf("%s %v: title %q (stderr %q), want the same on every path", page, args, r.stdout, r.stderr)
			}
		}
	}
	// A local file: the same rules, against the file's own URL.
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a"), 0o755)
	file := filepath.Join(dir, "a", "page.html")
	os.WriteFile(file, []byte(strings.Replace(basePage, "%s", "", 1)), 0o644)
	for _, args := range [][]string{{"-f", "markdown"}, {"-f", "markdown", "--select", "body"}, {"-f", "markdown", "--readable"}} {
		r := runCmd(t, append(args, file)...)
		if want := "(file://" + filepath.ToSlash(filepath.Join(dir, "a", "sub", "x.html")) + ")"; !strings.Contains(r.stdout, want) {
			t.Errorf("file %v: %q, want %s", args, r.stdout, want)
		}
	}
}
