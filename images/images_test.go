package images

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insert-from-url/insert-from-url/fetch"
)

// gif1 is a 1×1 GIF.
var gif1 = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

func TestDecodeDataURL(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString(gif1)
	for _, tc := range []struct {
		src  string
		want []byte
		err  string
	}{
		{src: "data:image/gif;base64," + b64, want: gif1},
		{src: "data:image/gif;base64," + strings.TrimRight(b64, "="), want: gif1},         // padding left out
		{src: "data:image/gif;BASE64,\n" + b64[:10] + "\n " + b64[10:], want: gif1},       // wrapped
		{src: "data:image/gif;base64," + strings.ReplaceAll(b64, "=", "%3D"), want: gif1}, // percent-encoded
		{src: "data:image/svg+xml,%3Csvg%3E%3C/svg%3E", want: []byte("<svg></svg>")},      // not base64
		{src: "data:image/gif;base64,!!!", err: "malformed base64"},
		{src: "data:image/gif;base64", err: "malformed"},
		{src: "data:image/gif;base64," + strings.Repeat("A", 5000), err: "over 1000 bytes"},
	} {
		got, err := decodeDataURL(tc.src, 1000)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%.40q: error %v, want %q", tc.src, err, tc.err)
		case tc.err == "" && (err != nil || !bytes.Equal(got, tc.want)):
			t.Errorf("%.40q: %q, %v; want %q", tc.src, got, err, tc.want)
		}
	}
}

func TestImageExt(t *testing.T) {
	for _, tc := range []struct {
		head     string
		declared string
		want     string
		err      string
	}{
		{head: string(gif1), declared: "image/png", want: ".gif"}, // the bytes decide
		{head: "\x89PNG\r\n\x1a\n....", want: ".png"},
		{head: "\xff\xd8\xff\xe0..JFIF", declared: "application/octet-stream", want: ".jpg"},
		{head: "RIFF....WEBPVP8 ", want: ".webp"},
		{head: "\x00\x00\x00\x1cftypavif\x00\x00", want: ".avif"},
		{head: "<svg xmlns=\"http://www.w3.org/2000/svg\">", declared: "image/svg+xml", err: "SVG"},
		{head: "<?xml version=\"1.0\"?><svg>", declared: "text/xml", err: "SVG"},
		{head: "<!DOCTYPE html><html>", declared: "image/png", err: "not an image (text/html, served as image/png)"},
		{head: "just text", err: "not an image (text/plain)"},
	} {
		got, err := imageExt([]byte(tc.head), tc.declared)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.head, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%q: %q, %v; want %q", tc.head, got, err, tc.want)
		}
	}
}

// serveGIFs serves a different GIF at every path (the path's length in
// its last byte but one), counting requests.
func serveGIFs(t *testing.T) (*httptest.Server, *sync.Map) {
	var hits sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := hits.LoadOrStore(r.URL.Path, new(int))
		*n.(*int)++
		b := bytes.Clone(gif1)
		b = append(b, []byte(r.URL.Path)...) // trailing bytes: a distinct file
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestLimits(t *testing.T) {
	srv, _ := serveGIFs(t)
	dir := t.TempDir()
	var warnings []string
	var mu sync.Mutex
	s, err := New(context.Background(), Options{Dir: dir, LinkDir: "img", Client: fetch.NewClient(fetch.Options{}, nil),
		MaxImages: 3, MaxTotal: 2*int64(len(gif1)) + 10,
		Warn: func(w string) { mu.Lock(); warnings = append(warnings, w); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for i := range 5 {
		l, _ := s.Link(fmt.Sprintf("%s/%d", srv.URL, i))
		links = append(links, l)
	}
	s.Close()
	local := 0
	for _, l := range links {
		if strings.HasPrefix(l, "img/") {
			local++
		}
	}
	// Three images allowed, but the total cap stops the third.
	if local != 2 {
		t.Errorf("%d local links, want 2: %q", local, links)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "together") || !strings.Contains(warnings[1], "more than 3 images") {
		t.Errorf("warnings %q", warnings)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files, want 2 (no temporary file left)", len(entries))
	}
}

// TestCloseAndAbort: Close removes what no link used; Abort removes all
// the run stored, but not what was there before.
func TestCloseAndAbort(t *testing.T) {
	srv, hits := serveGIFs(t)
	dir := t.TempDir()
	open := func() *Store {
		s, err := New(context.Background(), Options{Dir: dir, LinkDir: dir, Client: fetch.NewClient(fetch.Options{}, nil)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	s.Prefetch(srv.URL + "/used")
	s.Prefetch(srv.URL + "/unused")
	if _, ok := s.Link(srv.URL + "/used"); !ok {
		t.Fatal("not stored")
	}
	// Prefetch fetches without a Link asking.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if n, _ := hits.Load("/unused"); n != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Prefetch did not fetch")
		}
	}
	s.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files after Close, want the used one", len(entries))
	}
	s = open()
	s.Link(srv.URL + "/used")  // there already
	s.Link(srv.URL + "/other") // new
	s.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files after Abort, want the one from before", len(entries))
	}
}

func FuzzDataURL(f *testing.F) {
	f.Add("data:image/gif;base64," + base64.StdEncoding.EncodeToString(gif1))
	f.Add("data:image/svg+xml,%3Csvg%3E")
	f.Add("data:,")
	f.Fuzz(func(t *testing.T, src string) {
		if !strings.HasPrefix(src, "data:") {
			src = "data:" + src
		}
		b, err := decodeDataURL(src, 1<<20)
		if err == nil && len(b) > len(src) {
			t.Errorf("%d bytes decoded from %d", len(b), len(src))
		}
		if err == nil && len(b) > 0 {
			imageExt(b[:min(len(b), sniffLen)], "")
		}
	})
}

// TestLocalFile: a saved page's images next to it are copied; a missing
// one keeps its link, with the error.
func TestLocalFile(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(src+"/pic.gif", gif1, 0o644)
	dir := t.TempDir()
	var warned []string
	s, err := New(context.Background(), Options{Dir: dir, LinkDir: "img", Local: true, Warn: func(w string) { warned = append(warned, w) }})
	if err != nil {
		t.Fatal(err)
	}
	link, ok := s.Link("file://" + src + "/pic.gif")
	if !ok || !strings.HasSuffix(link, ".gif") {
		t.Errorf("link %q, %v", link, ok)
	}
	if _, ok := s.Link("file://" + src + "/none.gif"); ok || len(warned) != 1 || !strings.Contains(warned[0], "no such file") {
		t.Errorf("missing file: %v, warnings %q", ok, warned)
	}
	s.Close()
}
