package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/insert-from-url/insert-from-url/internal/exitcode"
	"github.com/insert-from-url/insert-from-url/render"
)

// needBrowser skips a test when there is no browser, and says why; in CI,
// which installs one, a missing browser fails instead.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := render.FindBrowser(""); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have a browser: %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
}

// shortTempDir is a TMPDIR short enough for the browser's socket names.
func shortTempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("/tmp", "rt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func renderSite(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var scripts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/shell.html":
			fmt.Fprint(w, `<html><head><title>Shell</title></head><body><div id="root"></div><script src="/app.js"></script></body></html>`)
		case "/static.html":
			fmt.Fprint(w, `<html><body><h1>Static</h1><p>`+strings.Repeat("A page served whole, with its words in the HTML. ", 10)+`</p><script src="/app.js"></script></body></html>`)
		case "/app.js":
			scripts.Add(1)
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `document.getElementById("root").innerHTML = "<h1>Built</h1><p>Text built by a <em>script</em>.</p>";`)
		case "/forever.html":
			fmt.Fprint(w, `<p id="n">0</p><script>let n = 0; setInterval(() => { document.getElementById("n").textContent = ++n; }, 50);</script>`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &scripts
}

func TestRender(t *testing.T) {
	needBrowser(t)
	t.Setenv("TMPDIR", shortTempDir(t))
	srv, scripts := renderSite(t)
	for _, format := range []string{"text", "markdown", "org"} {
		r := runCmd(t, "--render", "-f", format, srv.URL+"/shell.html")
		if r.code != 0 || !strings.Contains(r.stdout, "Built") || !strings.Contains(r.stdout, "script") {
			t.Errorf("--render -f %s: exit %d, %q, %q", format, r.code, r.stdout, r.stderr)
		}
	}
	r := runCmd(t, "--render=auto", "--metadata", "-f", "markdown", srv.URL+"/shell.html")
	if r.code != 0 || !strings.Contains(r.stdout, `title: "Shell"`) || !strings.Contains(r.stdout, "# Built") {
		t.Errorf("auto on a shell: exit %d, %q, %q", r.code, r.stdout, r.stderr)
	}
	before := scripts.Load()
	r = runCmd(t, "--render=auto", "-f", "text", srv.URL+"/static.html")
	if r.code != 0 || !strings.Contains(r.stdout, "Static") || scripts.Load() != before {
		t.Errorf("auto on a static page: exit %d, %d script requests: a browser ran", r.code, scripts.Load()-before)
	}
	if entries, _ := os.ReadDir(os.Getenv("TMPDIR")); len(entries) > 0 {
		t.Errorf("left in the temporary folder: %v", entries)
	}
}

func TestRenderErrors(t *testing.T) {
	srv, _ := renderSite(t)
	t.Run("no browser", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		runCmd(t, "--render", srv.URL+"/shell.html").check(t, exitcode.Browser, "install Chromium", "")
		runCmd(t, "--render", "--browser", "/no/such/chromium", srv.URL+"/shell.html").check(t, exitcode.Browser, "no browser", "")
	})
	file := filepath.Join(t.TempDir(), "page.html")
	os.WriteFile(file, []byte("<p>x</p>"), 0o644)
	runCmd(t, "--render", file).check(t, exitcode.Usage, "not files or stdin", "")
	runCmd(t, "--render=sometimes", srv.URL).check(t, exitcode.Usage, "--render must be", "")
	runCmd(t, "--browser", "chromium", srv.URL).check(t, exitcode.Usage, "--browser needs --render", "")
}

// TestRenderTimeoutAndSignal: a page that never settles ends at --max-time
// with exit 28; Ctrl-C during a render exits 130. Neither leaves a browser
// process or a profile behind.
func TestRenderTimeoutAndSignal(t *testing.T) {
	needBrowser(t)
	srv, _ := renderSite(t)
	tmp := shortTempDir(t)
	t.Setenv("TMPDIR", tmp)
	start := time.Now()
	runCmd(t, "--render", "--max-time", "2", srv.URL+"/forever.html").check(t, exitcode.Timeout, "did not settle", "")
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("--max-time 2 took %v", took)
	}
	checkNoBrowserLeft(t, tmp)

	var stdout bytes.Buffer
	cmd, stderr := startChild(t, strings.NewReader(""), &stdout, "--render", srv.URL+"/forever.html")
	time.Sleep(1500 * time.Millisecond) // the browser is up and loading
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("exit %v, want 130 (stderr %q)", err, stderr)
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout %q", stdout.String())
	}
	checkNoBrowserLeft(t, tmp)
}

func checkNoBrowserLeft(t *testing.T, tmp string) {
	t.Helper()
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(tmp)) {
			t.Errorf("a browser process is left: %s %q", p, bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("left in the temporary folder: %v", entries)
	}
}
