package fetch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// gzipLayers compresses b n times, as a server that sends
// "Content-Encoding: gzip, gzip, …" does.
func gzipLayers(b []byte, n int) []byte {
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	for i := 0; i < n; i++ {
		buf.Reset()
		z.Reset(&buf)
		z.Write(b)
		z.Close()
		b = append([]byte(nil), buf.Bytes()...)
	}
	return b
}

// TestEncodingLayers sends bodies of stacked gzip layers: up to
// MaxEncodings are undone, more fail as a bad encoding before any decoder
// is made, however many the header names.
func TestEncodingLayers(t *testing.T) {
	const page = "<p>layered</p>\n"
	cases := []struct {
		name   string
		header []string // Content-Encoding values
		body   []byte
		ok     bool
	}{
		{"one", []string{"gzip"}, gzipLayers([]byte(page), 1), true},
		{"five", []string{"gzip, gzip, gzip", "gzip, gzip"}, gzipLayers([]byte(page), 5), true},
		{"five and identity", []string{"identity, gzip, gzip, gzip, gzip, gzip, identity"}, gzipLayers([]byte(page), 5), true},
		{"six", []string{"gzip, gzip, gzip, gzip, gzip, gzip"}, gzipLayers([]byte(page), 6), false},
		{"six in headers", []string{"gzip", "gzip", "gzip", "gzip", "gzip", "gzip"}, gzipLayers([]byte(page), 6), false},
		{"ten thousand", []string{strings.Repeat("gzip,", 9999) + "gzip"}, gzipLayers([]byte(page), 50), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Encoding"] = c.header
				w.Write(c.body)
			}))
			defer s.Close()
			resp, err := Open(context.Background(), s.URL, nil, Options{})
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				got, err := io.ReadAll(resp.Body)
				if err != nil || string(got) != page {
					t.Errorf("body %q, %v", got, err)
				}
				return
			}
			if err == nil {
				got, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				t.Fatalf("no error: decoded %d bytes (%v)", len(got), rerr)
			}
			var fe *Error
			if !errors.As(err, &fe) || fe.Kind != KindEncoding {
				t.Fatalf("error %v, want KindEncoding", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "Content-Encoding layers, more than the 5") || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

// TestDecodersLazy checks that a stack of decoders costs nothing before its
// body is read: each allocates its buffers and window on its first Read.
func TestDecodersLazy(t *testing.T) {
	layers := []string{"br, zstd, deflate, br, zstd"}
	decompress(strings.NewReader(""), layers) // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 10
	for i := 0; i < n; i++ {
		_, closeFn, err := decompress(strings.NewReader(""), layers)
		if err != nil {
			t.Fatal(err)
		}
		closeFn()
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 8<<10 {
		t.Errorf("a stack of 5 decoders allocates %d bytes before a byte is read", per)
	}
}

// headerRecorder serves "ok" and keeps the headers of each request.
type headerRecorder struct {
	mu   sync.Mutex
	got  []http.Header
	next func(w http.ResponseWriter, r *http.Request) bool // true: answered
}

func (h *headerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.got = append(h.got, r.Header.Clone())
	h.mu.Unlock()
	if h.next != nil && h.next(w, r) {
		return
	}
	io.WriteString(w, "ok")
}

func (h *headerRecorder) headers() []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.got...)
}

// userHeaders are secrets given with -H, and a User-Agent of the user's.
var userHeaders = http.Header{
	"X-Api-Key":     {"secret-key"},
	"Authorization": {"Bearer secret-token"},
	"Cookie":        {"session=secret"},
	"User-Agent":    {"mine/1"},
	"Accept":        {""}, // a removal
}

func checkNoUserHeaders(t *testing.T, where string, h http.Header, o Options) {
	t.Helper()
	for _, name := range []string{"X-Api-Key", "Authorization", "Cookie"} {
		if v := h.Get(name); v != "" {
			t.Errorf("%s received %s: %q", where, name, v)
		}
	}
	if ua := h.Get("User-Agent"); ua != o.UserAgent {
		t.Errorf("%s received User-Agent %q, want the default %q", where, ua, o.UserAgent)
	}
	if ae := h.Get("Accept-Encoding"); ae != AcceptEncoding {
		t.Errorf("%s received Accept-Encoding %q", where, ae)
	}
}

func checkUserHeaders(t *testing.T, where string, h http.Header) {
	t.Helper()
	for name, v := range userHeaders {
		if got := h.Get(name); got != v[0] {
			t.Errorf("%s received %s %q, want %q", where, name, got, v[0])
		}
	}
}

// TestRedirectDropsUserHeaders follows redirects between two servers on
// 127.0.0.1, another origin each (another port): the headers the user
// gave reach the origin they were given for, on every hop that stays
// there, and never the other one, nor the first once the chain has left it.
func TestRedirectDropsUserHeaders(t *testing.T) {
	other := &headerRecorder{}
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()
	first := &headerRecorder{}
	firstSrv := httptest.NewServer(first)
	defer firstSrv.Close()
	other.next = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/back" {
			http.Redirect(w, r, firstSrv.URL+"/landed", http.StatusFound)
			return true
		}
		return false
	}
	first.next = func(w http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/landed", http.StatusFound)
		case "/away":
			http.Redirect(w, r, otherSrv.URL+"/landed", http.StatusMovedPermanently)
		case "/away-and-back":
			http.Redirect(w, r, otherSrv.URL+"/back", http.StatusFound)
		default:
			return false
		}
		return true
	}
	o := Options{Header: userHeaders, UserAgent: "insert-from-url/test"}
	get := func(path string) {
		t.Helper()
		resp, err := Open(context.Background(), firstSrv.URL+path, nil, o)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}

	get("/same")
	for i, h := range first.headers() {
		checkUserHeaders(t, "the first origin, hop "+string(rune('0'+i)), h)
	}

	get("/away")
	if got := other.headers(); len(got) != 1 {
		t.Fatalf("the other origin got %d requests", len(got))
	} else {
		checkNoUserHeaders(t, "the other origin", got[0], o)
	}

	first.got, other.got = nil, nil
	get("/away-and-back")
	if got := first.headers(); len(got) != 2 {
		t.Fatalf("the first origin got %d requests", len(got))
	} else {
		checkUserHeaders(t, "the first request", got[0])
		checkNoUserHeaders(t, "the first origin after the other", got[1], o)
	}
	checkNoUserHeaders(t, "the other origin", other.headers()[0], o)
}

// TestClientDropsUserHeaders fetches a page's resources from its own
// origin and from another: the user's headers go to the first only.
func TestClientDropsUserHeaders(t *testing.T) {
	page, other := &headerRecorder{}, &headerRecorder{}
	pageSrv, otherSrv := httptest.NewServer(page), httptest.NewServer(other)
	defer pageSrv.Close()
	defer otherSrv.Close()
	pageURL, _ := url.Parse(pageSrv.URL + "/page.html")
	o := Options{Header: userHeaders, User: "me:pw", UserAgent: "insert-from-url/test"}
	c := NewClient(o, pageURL)
	for _, s := range []string{pageSrv.URL + "/a.png", otherSrv.URL + "/b.png"} {
		u, _ := url.Parse(s)
		resp, err := c.Get(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	checkUserHeaders(t, "the page's origin", page.headers()[0])
	h := other.headers()[0]
	checkNoUserHeaders(t, "another origin", h, o)
}

// TestRedirectHTTPSToHTTP: a page served over TLS that redirects to plain
// http is refused, and the plain server is never asked; https to https is
// followed.
func TestRedirectHTTPSToHTTP(t *testing.T) {
	plain := &headerRecorder{}
	plainSrv := httptest.NewServer(plain)
	defer plainSrv.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			http.Redirect(w, r, plainSrv.URL+"/landed", http.StatusFound)
		case "/up":
			http.Redirect(w, r, "/landed", http.StatusFound)
		default:
			io.WriteString(w, "secure")
		}
	}))
	defer tlsSrv.Close()
	o := Options{Insecure: true} // the test server's certificate

	resp, err := Open(context.Background(), tlsSrv.URL+"/up", nil, o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "secure" {
		t.Errorf("https to https: %q", b)
	}

	resp, err = Open(context.Background(), tlsSrv.URL+"/down", nil, o)
	if err == nil {
		resp.Body.Close()
		t.Fatal("the redirect to http was followed")
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Kind != KindRedirectRefused {
		t.Fatalf("error %v, want KindRedirectRefused", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "redirect from https to "+plainSrv.URL+"/landed refused") || strings.ContainsAny(msg, "\r\n") {
		t.Errorf("message %q", msg)
	}
	if n := len(plain.headers()); n != 0 {
		t.Errorf("the http server got %d requests", n)
	}
}
