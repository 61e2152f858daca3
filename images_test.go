package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insert-from-url/insert-from-url/internal/exitcode"
)

func encodeImage(t *testing.T, kind string, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for x := 0; x < 3; x++ {
		for y := 0; y < 2; y++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	var err error
	switch kind {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	case "gif":
		err = gif.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageSite is a page of images, served with everything that can go wrong
// with them, and a second server on another port that an image redirects
// to and that records the requests it gets.
type imageSite struct {
	page, other *httptest.Server
	files       map[string][]byte // path → bytes served as an image

	mu       sync.Mutex
	otherGot []http.Header
	hits     map[string]int
}

func newImageSite(t *testing.T) *imageSite {
	t.Helper()
	s := &imageSite{files: map[string][]byte{
		"/red.png":   encodeImage(t, "png", color.RGBA{255, 0, 0, 255}),
		"/blue.jpg":  encodeImage(t, "jpeg", color.RGBA{0, 0, 255, 255}),
		"/green.gif": encodeImage(t, "gif", color.RGBA{0, 255, 0, 255}),
		"/yellow":    encodeImage(t, "png", color.RGBA{255, 255, 0, 255}), // no extension
	}, hits: map[string]int{}}
	s.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.otherGot = append(s.otherGot, r.Header.Clone())
		s.mu.Unlock()
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(s.files["/blue.jpg"])
	}))
	t.Cleanup(s.other.Close)
	data := base64.StdEncoding.EncodeToString(encodeImage(t, "png", color.RGBA{0, 0, 0, 255}))
	html := `<html><head><title>Pictures</title></head><body><article><h1>Pictures</h1>
<p>Red: <img src="red.png" alt="red"> again: <img src="/red.png" alt="red again"></p>
<p>Blue: <img src="blue.jpg" alt="blue"> green: <img src="green.gif" alt="green"> yellow: <img src="yellow" alt="yellow"></p>
<p>Data: <img src="data:image/png;base64,` + data + `" alt="black"></p>
<p>Vector: <img src="logo.svg" alt="svg"> missing: <img src="missing.png" alt="missing"></p>
<p>Huge: <img src="huge.png" alt="huge"> fake: <img src="fake.png" alt="fake"></p>
<p>Moved: <a href="/elsewhere"><img src="moved.jpg" alt="moved"></a></p>
</article></body></html>`
	s.page = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		switch p := r.URL.Path; {
		case p == "/page.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, html)
		case s.files[p] != nil:
			w.Header().Set("Content-Type", http.DetectContentType(s.files[p]))
			w.Write(s.files[p])
		case p == "/logo.svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
		case p == "/huge.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(s.files["/red.png"])
			w.Write(make([]byte, 200<<10))
		case p == "/fake.png":
			w.Header().Set("Content-Type", "image/png")
			fmt.Fprint(w, "<!DOCTYPE html><html><body>Not found, but 200</body></html>")
		case p == "/moved.jpg":
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "secret"})
			http.Redirect(w, r, s.other.URL+"/blue.jpg", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.page.Close)
	return s
}

var localImage = regexp.MustCompile(`(?:file:)?([^\s()\[\]]*/)?([0-9a-f]{20}\.(?:png|jpg|gif))`)

// TestImagesStored runs --images on the page of every kind of image, in
// Markdown and Org, and checks the files, the links, the warnings and what
// the other port received.
func TestImagesStored(t *testing.T) {
	for _, format := range []string{"markdown", "org"} {
		t.Run(format, func(t *testing.T) {
			s := newImageSite(t)
			dir := t.TempDir()
			out := filepath.Join(dir, "notes", "page."+format)
			os.MkdirAll(filepath.Dir(out), 0o777)
			imgDir := filepath.Join(dir, "notes", "img")
			r := runCmd(t, "-f", format, "--images", imgDir, "--max-size", "100K", "-o", out,
				"-H", "Cookie: mine=1", "-u", "me:pw", s.page.URL+"/page.html")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			body, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			text := string(body)

			// Every local link opens the bytes of the image it stands for.
			want := map[string][]byte{
				"red": s.files["/red.png"], "red again": s.files["/red.png"], "blue": s.files["/blue.jpg"],
				"green": s.files["/green.gif"], "yellow": s.files["/yellow"], "moved": s.files["/blue.jpg"],
			}
			links := localImage.FindAllStringSubmatch(text, -1)
			if len(links) != len(want)+1 { // and the data: image
				t.Errorf("%d local images, want %d:\n%s", len(links), len(want)+1, text)
			}
			for _, l := range links {
				if l[1] != "img/" {
					t.Errorf("link %q is not relative to the output's folder", l[0])
				}
				got, err := os.ReadFile(filepath.Join(imgDir, l[2]))
				if err != nil {
					t.Errorf("link %q: %v", l[0], err)
				}
				if !bytes.HasPrefix(got, []byte("\x89PNG")) && !bytes.HasPrefix(got, []byte("\xff\xd8")) && !bytes.HasPrefix(got, []byte("GIF8")) {
					t.Errorf("%s is not an image", l[2])
				}
			}
			for alt, data := range want {
				name := imageName(t, imgDir, data)
				if !strings.Contains(text, "img/"+name) {
					t.Errorf("image %q (%s) is not linked locally:\n%s", alt, name, text)
				}
			}
			// Stored once each: red twice, blue through two URLs.
			entries, _ := os.ReadDir(imgDir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			sort.Strings(names)
			if len(names) != 5 {
				t.Errorf("files %v, want 5 (red, blue, green, yellow, black)", names)
			}
			// Failures keep their remote links, one warning each.
			for _, remote := range []string{"/logo.svg", "/missing.png", "/huge.png", "/fake.png"} {
				if !strings.Contains(text, s.page.URL+remote) {
					t.Errorf("%s lost its remote link:\n%s", remote, text)
				}
				if n := strings.Count(r.stderr, s.page.URL+remote); n != 1 {
					t.Errorf("%d warnings for %s, want 1:\n%s", n, remote, r.stderr)
				}
			}
			if n := strings.Count(r.stderr, "\n"); n != 4 {
				t.Errorf("%d warning lines, want 4:\n%s", n, r.stderr)
			}
			// The other origin got none of the page's credentials, nor
			// the cookie the redirect set.
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.otherGot) != 1 {
				t.Fatalf("other port got %d requests, want 1", len(s.otherGot))
			}
			for _, h := range []string{"Cookie", "Authorization", "Referer"} {
				if v := s.otherGot[0].Get(h); v != "" {
					t.Errorf("other port received %s: %q", h, v)
				}
			}
			if s.hits["/red.png"] != 1 {
				t.Errorf("red.png fetched %d times, want 1", s.hits["/red.png"])
			}
		})
	}
}

// imageName returns the name in dir of the file holding data.
func imageName(t *testing.T, dir string, data []byte) string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if b, _ := os.ReadFile(filepath.Join(dir, e.Name())); bytes.Equal(b, data) {
			return e.Name()
		}
	}
	t.Errorf("no file in %s holds the image", dir)
	return "(none)"
}

// TestImagesReused runs the same page twice into one folder: the second run
// writes nothing new and links the same files.
func TestImagesReused(t *testing.T) {
	s := newImageSite(t)
	dir := t.TempDir()
	first := runCmd(t, "-f", "org", "--images", dir, s.page.URL+"/page.html")
	stat := map[string]os.FileInfo{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		stat[e.Name()], _ = e.Info()
	}
	second := runCmd(t, "-f", "org", "--images", dir, s.page.URL+"/page.html")
	if first.code != 0 || second.code != 0 || first.stdout != second.stdout {
		t.Fatalf("runs differ: %d %d\n%s\n%s", first.code, second.code, first.stdout, second.stdout)
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != len(stat) {
		t.Errorf("%d files after the second run, %d before", len(entries), len(stat))
	}
	for _, e := range entries {
		info, _ := e.Info()
		if before := stat[e.Name()]; before == nil || !info.ModTime().Equal(before.ModTime()) {
			t.Errorf("%s written again", e.Name())
		}
	}
	if !strings.Contains(first.stdout, "[[file:"+filepath.ToSlash(dir)+"/") {
		t.Errorf("links do not name the folder as given:\n%s", first.stdout)
	}
}

// TestImagesOnlyKept: with --readable, only the article's images are
// stored, and a failed run leaves neither files nor output behind.
func TestImagesOnlyKept(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page.html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><body><nav><img src="/nav.png" alt="logo"></nav><article><h1>Title</h1>`+
				strings.Repeat("<p>Words of the article, long enough to be an article by any measure. </p>", 20)+
				`<p><img src="/in.png" alt="in"></p></article></body></html>`)
		case "/in.png", "/nav.png":
			w.Write(encodeImage(t, "png", color.RGBA{1, 2, byte(len(r.URL.Path)), 255}))
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	r := runCmd(t, "--readable", "-f", "markdown", "--images", dir, srv.URL+"/page.html")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || !strings.Contains(r.stdout, entries[0].Name()) {
		t.Errorf("files %v, want the article's image alone, linked:\n%s", entries, r.stdout)
	}

	// A folder that cannot be made is a write error, with no output.
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, nil, 0o644)
	runCmd(t, "-f", "org", "--images", blocker, srv.URL+"/page.html").check(t, exitcode.Write, "cannot create the images folder", "")

	// --images needs Markdown or Org.
	runCmd(t, "-f", "text", "--images", dir, srv.URL+"/page.html").check(t, exitcode.Usage, "--images works with", "")
}

// TestImagesInterrupted: a run stopped by a signal while an image is still
// downloading removes the images it had stored, and writes no output.
func TestImagesInterrupted(t *testing.T) {
	stored := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page.html":
			fmt.Fprint(w, `<p><img src="/fast.png" alt="a"> <img src="/slow.png" alt="b"></p>`)
		case "/fast.png":
			w.Write(encodeImage(t, "png", color.RGBA{9, 9, 9, 255}))
			stored <- struct{}{}
		case "/slow.png":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "page.md")
	imgDir := filepath.Join(dir, "img")
	var stdout bytes.Buffer
	cmd, stderr := startChild(t, strings.NewReader(""), &stdout, "-f", "markdown", "--images", imgDir, "-o", out, srv.URL+"/page.html")
	select {
	case <-stored:
	case <-time.After(5 * time.Second):
		t.Fatal("the first image was never fetched")
	}
	// Wait for the file to be in place before the signal.
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if entries, _ := os.ReadDir(imgDir); len(entries) == 1 && !strings.HasPrefix(entries[0].Name(), ".") {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 143 {
		t.Errorf("exit %v, want 143 (stderr %q)", err, stderr)
	}
	if entries, _ := os.ReadDir(imgDir); len(entries) != 0 {
		t.Errorf("files left in the images folder: %v", entries)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		b, _ := os.ReadFile(out)
		t.Errorf("output written: %v %q %q", err, b, stderr)
	}
}
