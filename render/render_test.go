package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insert-from-url/insert-from-url/fetch"
)

// needBrowser skips a test when there is no browser, and says why; in CI,
// which installs one, a missing browser fails instead.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := FindBrowser(""); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have a browser: %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
}

// scriptedSite serves pages whose text exists only once their scripts
// have run, and records what its other origin receives.
type scriptedSite struct {
	srv, other *httptest.Server
	mu         sync.Mutex
	got        map[string]http.Header // path → request headers
}

func newScriptedSite(t *testing.T) *scriptedSite {
	s := &scriptedSite{got: map[string]http.Header{}}
	record := func(r *http.Request) {
		s.mu.Lock()
		s.got[r.Host+r.URL.Path] = r.Header.Clone()
		s.mu.Unlock()
	}
	s.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"text": "Text from the other origin."}`)
	}))
	t.Cleanup(s.other.Close)
	pages := map[string]string{
		"/fetch.html": `<html><head><title>Fetched</title></head><body><div id="app">Loading…</div><script>
fetch("/data.json").then(r => r.json()).then(j => { document.getElementById("app").innerHTML = "<h1>" + j.title + "</h1><p>" + j.text + "</p>"; });
</script></body></html>`,
		"/timer.html": `<html><body><div id="app"></div><script>
setTimeout(() => { document.getElementById("app").innerHTML = "<p>Text after a timer.</p>"; }, 300);
</script></body></html>`,
		"/shadow.html": `<html><body><my-card><span slot="name">Slotted name.</span></my-card><script>
customElements.define("my-card", class extends HTMLElement {
  constructor() { super(); this.attachShadow({mode: "open"}).innerHTML = "<h2>Shadow heading</h2><p>Shadow text. <slot name=\"name\"></slot></p>"; }
});
</script></body></html>`,
		"/router.html": `<html><body><nav><a href="/route/a">A</a></nav><main id="view"></main><script>
const routes = {"/route/a": "<h1>Route A</h1><p>Routed text.</p>"};
history.pushState({}, "", "/route/a");
document.getElementById("view").innerHTML = routes[location.pathname];
</script></body></html>`,
		"/forever.html": `<html><body><p id="n">0</p><script>
let n = 0; setInterval(() => { document.getElementById("n").textContent = ++n; }, 100);
</script></body></html>`,
		"/away.html":    `<html><body><p>Leaving.</p><script>setTimeout(() => location.replace("/landing.html"), 100);</script></body></html>`,
		"/landing.html": `<html><head><title>Landing</title></head><body><p>Landed here.</p></body></html>`,
		"/cross.html": `<html><body><div id="app"></div><script>
fetch("OTHER/data.json").then(r => r.json()).then(j => { document.getElementById("app").textContent = j.text; });
</script><img src="/own.png"></body></html>`,
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(r)
		switch p := r.URL.Path; {
		case p == "/data.json":
			w.Header().Set("Content-Type", "application/json")
			time.Sleep(200 * time.Millisecond)
			fmt.Fprint(w, `{"title": "Fetched title", "text": "Text from a fetch."}`)
		case p == "/route/a":
			fmt.Fprint(w, pages["/router.html"])
		case pages[p] != "":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, strings.ReplaceAll(pages[p], "OTHER", s.other.URL))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func render(t *testing.T, s *scriptedSite, path string, o Options) (string, *fetch.Response, error) {
	t.Helper()
	u, _ := url.Parse(s.srv.URL + path)
	resp, err := Page(context.Background(), u, o)
	if err != nil {
		return "", nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp, nil
}

// shortTempDir returns a new folder with a short name, as the browser's
// sockets need (t.TempDir's names are too long).
func shortTempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("/tmp", "rt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// checkNothingLeft fails t if a browser process still runs with a profile
// under tmp, or anything is left in tmp.
func checkNothingLeft(t *testing.T, tmp string) {
	t.Helper()
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), "--user-data-dir="+tmp) {
			t.Errorf("a browser process is left: %s", p)
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("left in the temporary folder: %v", entries)
	}
}

func TestScriptedPages(t *testing.T) {
	needBrowser(t)
	tmp := shortTempDir(t)
	t.Setenv("TMPDIR", tmp)
	s := newScriptedSite(t)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/fetch.html", []string{"<h1>Fetched title</h1>", "Text from a fetch."}},
		{"/timer.html", []string{"<p>Text after a timer.</p>"}},
		{"/shadow.html", []string{"<h2>Shadow heading</h2>", "Shadow text. ", "Slotted name."}},
		{"/router.html", []string{"<h1>Route A</h1>", "Routed text."}},
		{"/away.html", []string{"Landed here."}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			html, resp, err := render(t, s, tc.path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("no %q in:\n%s", w, html)
				}
			}
			if strings.Contains(html, "<script") {
				t.Errorf("scripts kept:\n%s", html)
			}
			if resp.StatusCode != 200 || resp.ContentType() != "text/html; charset=utf-8" {
				t.Errorf("status %d, type %q", resp.StatusCode, resp.ContentType())
			}
		})
	}
	if _, resp, err := render(t, s, "/away.html", Options{}); err != nil || !strings.HasSuffix(resp.URL.Path, "/landing.html") {
		t.Errorf("a page that moved on: %v, %v", resp, err)
	}
	if _, resp, err := render(t, s, "/router.html", Options{}); err != nil || resp.URL.Path != "/route/a" {
		t.Errorf("a routed page's URL: %v, %v", resp, err)
	}
	if _, resp, err := render(t, s, "/missing.html", Options{}); err != nil || resp.StatusCode != 404 {
		t.Errorf("a missing page: %v, %v", resp, err)
	}
	checkNothingLeft(t, tmp)
}

// TestNeverSettles: a page that changes forever ends at --max-time, with a
// timeout, and leaves neither a browser nor a profile behind.
func TestNeverSettles(t *testing.T) {
	needBrowser(t)
	tmp := shortTempDir(t)
	t.Setenv("TMPDIR", tmp)
	s := newScriptedSite(t)
	start := time.Now()
	_, _, err := render(t, s, "/forever.html", Options{Fetch: fetch.Options{MaxTime: 2 * time.Second}})
	var fe *fetch.Error
	if !errors.As(err, &fe) || fe.Kind != fetch.KindTimeout {
		t.Errorf("error %v, want a timeout", err)
	}
	if took := time.Since(start); took > 6*time.Second {
		t.Errorf("took %v with --max-time 2", took)
	}
	checkNothingLeft(t, tmp)
}

// TestCredentialsStayHome: -H and -u go to the page's origin, not to
// another origin its scripts call.
func TestCredentialsStayHome(t *testing.T) {
	needBrowser(t)
	s := newScriptedSite(t)
	o := Options{Fetch: fetch.Options{Header: http.Header{"Cookie": {"session=1"}, "X-Token": {"t"}}, User: "me:pw", UserAgent: "tester/1"}}
	html, _, err := render(t, s, "/cross.html", o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, "Text from the other origin.") {
		t.Fatalf("the other origin's text is missing:\n%s", html)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	own := s.got[strings.TrimPrefix(s.srv.URL, "http://")+"/cross.html"]
	if own.Get("Cookie") != "session=1" || own.Get("X-Token") != "t" || !strings.HasPrefix(own.Get("Authorization"), "Basic ") || own.Get("User-Agent") != "tester/1" {
		t.Errorf("the page's own request lacks its headers: %v", own)
	}
	if img := s.got[strings.TrimPrefix(s.srv.URL, "http://")+"/own.png"]; img.Get("X-Token") != "t" {
		t.Errorf("a request to the page's origin lacks its headers: %v", img)
	}
	other := s.got[strings.TrimPrefix(s.other.URL, "http://")+"/data.json"]
	if other == nil {
		t.Fatal("the other origin got no request")
	}
	for _, h := range []string{"Cookie", "X-Token", "Authorization"} {
		if v := other.Get(h); v != "" {
			t.Errorf("the other origin received %s: %q", h, v)
		}
	}
}

func TestNoBrowser(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	u, _ := url.Parse("http://127.0.0.1:1/")
	if _, err := Page(context.Background(), u, Options{}); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("error %v, want ErrNoBrowser", err)
	}
	if _, err := Page(context.Background(), u, Options{Browser: "/no/such/browser"}); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("error %v, want ErrNoBrowser", err)
	}
}
