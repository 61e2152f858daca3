package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"image/color"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestEncodingLayersExit: a body in more Content-Encoding layers than
// curl's 5 fails with curl's exit 61 and one line, before decoding any.
func TestEncodingLayersExit(t *testing.T) {
	layered := func(n int) http.HandlerFunc {
		body := []byte("<p>deep</p>\n")
		for i := 0; i < n; i++ {
			var b bytes.Buffer
			z := gzip.NewWriter(&b)
			z.Write(body)
			z.Close()
			body = b.Bytes()
		}
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", strings.TrimSuffix(strings.Repeat("gzip, ", n), ", "))
			w.Write(body)
		}
	}
	runCmd(t, serve(t, layered(5)).URL).check(t, 0, "", "<p>deep</p>\n")
	runCmd(t, serve(t, layered(6)).URL).check(t, 61, "6 Content-Encoding layers, more than the 5 that are decoded", "")
	bomb := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", strings.TrimSuffix(strings.Repeat("gzip,", 10000), ","))
		w.Write(make([]byte, 1<<20))
	})
	runCmd(t, "-f", "org", bomb.URL).check(t, 61, "10000 Content-Encoding layers", "")
}

// TestHTTPSDowngradeRefused: an https page that redirects to http fails
// (exit 1, as curl's refused redirect protocols), and the http server is
// never asked.
func TestHTTPSDowngradeRefused(t *testing.T) {
	var asked sync.Map
	plain := serve(t, func(w http.ResponseWriter, r *http.Request) {
		asked.Store(r.URL.Path, true)
		fmt.Fprint(w, "plain\n")
	})
	secure := quietTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/landed", http.StatusFound)
	}))
	runCmd(t, "-k", secure.URL+"/page").check(t, 1, "redirect from https to "+plain.URL+"/landed refused", "")
	if _, ok := asked.Load("/landed"); ok {
		t.Error("the http server was asked")
	}
}

// TestUserHeadersStayHome: -H headers and -u go to the origin they were
// given for: not to the other origin a redirect leads to, nor to the
// images of the page there.
func TestUserHeadersStayHome(t *testing.T) {
	var mu sync.Mutex
	var otherGot []http.Header
	png := encodeImage(t, "png", color.RGBA{1, 2, 3, 255})
	other := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		otherGot = append(otherGot, r.Header.Clone())
		mu.Unlock()
		if r.URL.Path == "/pic.png" {
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<p>moved <img src="/pic.png" alt="pic"></p>`)
	})
	first := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/page.html", http.StatusFound)
	})
	dir := t.TempDir()
	r := runCmd(t, "-f", "org", "--images", filepath.Join(dir, "img"), "-o", filepath.Join(dir, "page.org"),
		"-H", "X-Api-Key: secret-key", "-H", "Cookie: s=secret", "-H", "Authorization: Bearer secret", "-u", "me:pw",
		first.URL+"/page.html")
	r.check(t, 0, "", "")
	mu.Lock()
	defer mu.Unlock()
	if len(otherGot) != 2 {
		t.Fatalf("the other origin got %d requests, want the page and its image", len(otherGot))
	}
	for i, h := range otherGot {
		for _, name := range []string{"X-Api-Key", "Cookie", "Authorization"} {
			if v := h.Get(name); v != "" {
				t.Errorf("request %d to the other origin had %s: %q", i, name, v)
			}
		}
	}
}

// TestLocalImageNotRegular: a local page whose images are a FIFO, a
// directory and a device converts at once, each of them left as a link
// with a warning and nothing stored; its real image is copied.
func TestLocalImageNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.png")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	os.Mkdir(filepath.Join(dir, "dir.png"), 0o777)
	os.WriteFile(filepath.Join(dir, "real.png"), encodeImage(t, "png", color.RGBA{4, 5, 6, 255}), 0o644)
	page := filepath.Join(dir, "page.html")
	os.WriteFile(page, []byte(`<p><img src="fifo.png" alt="fifo"> <img src="dir.png" alt="dir">
<img src="`+os.DevNull+`" alt="null"> <img src="real.png" alt="real"></p>`), 0o644)
	imgDir := filepath.Join(dir, "img")
	done := make(chan result, 1)
	go func() { done <- runCmd(t, "-f", "org", "--images", imgDir, page) }()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute): // only when broken
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		<-done
		t.Fatal("the conversion hung on the FIFO")
	}
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"not a regular file (a FIFO): " + fifo, "not a regular file (a directory): " + filepath.Join(dir, "dir.png"), "not a regular file (a character device): " + os.DevNull} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no warning %q in %q", want, r.stderr)
		}
	}
	if n := strings.Count(r.stderr, "\n"); n != 3 {
		t.Errorf("%d warnings, want 3: %q", n, r.stderr)
	}
	if entries, _ := os.ReadDir(imgDir); len(entries) != 1 {
		t.Errorf("images folder holds %v, want the real image alone", entries)
	}
}

// TestStdinIsRemote: a page piped in is from the network unless --local
// says otherwise: no file: link, and no local image copied.
func TestStdinIsRemote(t *testing.T) {
	dir := t.TempDir()
	pic := filepath.Join(dir, "pic.png")
	os.WriteFile(pic, encodeImage(t, "png", color.RGBA{7, 8, 9, 255}), 0o644)
	page := `<p><a href="file:///etc/passwd">passwords</a> <img src="file://` + pic + `" alt="pic"> <a href="https://example.org/">web</a></p>`
	for _, c := range []struct {
		name     string
		args     []string
		fileLink bool
		copied   int
	}{
		{"remote", nil, false, 0},
		{"local", []string{"--local"}, true, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			imgDir := filepath.Join(t.TempDir(), "img")
			args := append(append([]string{"-f", "org", "--images", imgDir}, c.args...), "-")
			r := runWith(t, strings.NewReader(page), nil, args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := strings.Contains(r.stdout, "[[file:"); got != c.fileLink {
				t.Errorf("file: link %v, want %v:\n%s", got, c.fileLink, r.stdout)
			}
			if !strings.Contains(r.stdout, "[[https://example.org/][web]]") {
				t.Errorf("the https link is gone:\n%s", r.stdout)
			}
			if entries, _ := os.ReadDir(imgDir); len(entries) != c.copied {
				t.Errorf("images folder holds %v, want %d files", entries, c.copied)
			}
		})
	}
	runWith(t, strings.NewReader(page), nil, "--local", "http://127.0.0.1:1/").check(t, 2, "--local is for stdin (-)", "")
}
