package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// batchServer serves /N.html pages titled "Page N"; /slow.html answers
// after the others, /gone.html is a 404. It records the most requests it
// had at once.
func batchServer(t *testing.T) (url string, maxBusy *atomic.Int32) {
	var busy atomic.Int32
	maxBusy = &atomic.Int32{}
	var mu sync.Mutex
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := busy.Add(1)
		defer busy.Add(-1)
		mu.Lock()
		if n > maxBusy.Load() {
			maxBusy.Store(n)
		}
		mu.Unlock()
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".html")
		switch name {
		case "gone":
			http.NotFound(w, r)
			return
		case "slow":
			time.Sleep(300 * time.Millisecond)
		default:
			time.Sleep(30 * time.Millisecond)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<title>Page %s</title><h1>Heading %s</h1><p>Text of %s.</p>", name, name, name)
	})
	return srv.URL, maxBusy
}

// TestBatchOrder: pages come out in input order whatever finishes first,
// each after its own metadata, and a failure is its page's alone.
func TestBatchOrder(t *testing.T) {
	u, maxBusy := batchServer(t)
	r := runCmd(t, "-f", "markdown", "--parallel", "4", u+"/slow.html", u+"/1.html", u+"/gone.html", u+"/2.html", u+"/3.html", u+"/4.html")
	if r.code != 22 {
		t.Errorf("exit %d, want 22 (the failed page's)", r.code)
	}
	if !strings.Contains(r.stderr, "HTTP 404") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr %q, want the 404's line alone", r.stderr)
	}
	var order []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "title: ") {
			order = append(order, l)
		}
	}
	want := []string{`title: "Page slow"`, `title: "Page 1"`, `title: "Page 2"`, `title: "Page 3"`, `title: "Page 4"`}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("pages in the order %q, want %q\n%s", order, want, r.stdout)
	}
	if m := maxBusy.Load(); m > 2 {
		t.Errorf("%d requests at once to one host, want at most 2", m)
	}
	// Org: one entry a page.
	r = runCmd(t, "-f", "org", u+"/1.html", u+"/2.html")
	if r.code != 0 || strings.Count(r.stdout, "\n* Page") != 1 || !strings.HasPrefix(r.stdout, "* Page 1\n:PROPERTIES:\n:URL: ") || !strings.Contains(r.stdout, "\n** Heading 2\n") {
		t.Errorf("Org batch: exit %d\n%s", r.code, r.stdout)
	}
}

// TestBatchJSON: one record a line for every input, failures included.
func TestBatchJSON(t *testing.T) {
	u, _ := batchServer(t)
	dir := t.TempDir()
	list := filepath.Join(dir, "list.txt")
	os.WriteFile(list, []byte("# reading list\n"+u+"/1.html\n\n"+u+"/gone.html\nhttp://127.0.0.1:1/refused\n"), 0o644)
	r := runCmd(t, "-f", "text", "--json", "--input-file", list)
	if r.code != 7 {
		t.Errorf("exit %d, want 7 (the last failure's)", r.code)
	}
	if r.stderr != "" {
		t.Errorf("stderr %q: with --json, errors are in the records", r.stderr)
	}
	type record struct {
		Input, URL, Title, Format, Content string
		Status                             int
		Warnings                           []string
		Error                              *struct {
			ExitCode      int `json:"exit_code"`
			Kind, Message string
		}
	}
	var recs []record
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var rec record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		recs = append(recs, rec)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3:\n%s", len(recs), r.stdout)
	}
	if r := recs[0]; r.Input != u+"/1.html" || r.Title != "Page 1" || r.Status != 200 || r.Format != "text" || !strings.Contains(r.Content, "Text of 1.") || r.Error != nil {
		t.Errorf("record 1: %+v", r)
	}
	if r := recs[1]; r.Error == nil || r.Error.ExitCode != 22 || r.Error.Kind != "http" || r.Status != 404 || r.Content != "" {
		t.Errorf("record 2: %+v", r)
	}
	if r := recs[2]; r.Error == nil || r.Error.ExitCode != 7 || r.Error.Kind != "connect" || r.Error.Message == "" {
		t.Errorf("record 3: %+v", r)
	}
	// The list from stdin; stdin then is no page.
	runWith(t, strings.NewReader(u+"/1.html\n"), nil, "-f", "title", "--input-file", "-").check(t, 0, "", "Page 1\n")
	runWith(t, strings.NewReader("-\n"), nil, "--input-file", "-", "-").check(t, 2, "cannot be a page too", "")
	runCmd(t, "--input-file", filepath.Join(dir, "missing")).check(t, 37, "cannot read the input list", "")
}

// TestBatchOutputDir: a file a page, named from its title, numbered when
// taken, never outside the folder, and nothing replaced.
func TestBatchOutputDir(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/evil":
			fmt.Fprint(w, "<title>../../etc/passwd</title><p>x</p>")
		case "/dot":
			fmt.Fprint(w, "<title>.bashrc</title><p>y</p>")
		case "/none":
			fmt.Fprint(w, "<p>no title</p>")
		default:
			fmt.Fprint(w, "<title>Café — Menu</title><p>z</p>")
		}
	})
	dir := t.TempDir()
	out := filepath.Join(dir, "notes")
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "café-menu.md"), []byte("mine\n"), 0o644)
	r := runCmd(t, "-f", "markdown", "--output-dir", out, srv.URL+"/evil", srv.URL+"/dot", srv.URL+"/none", srv.URL+"/a", srv.URL+"/b")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	got := strings.Join(names, " ")
	if want := "127-0-0-1-"; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, " bashrc.md café-menu-2.md café-menu-3.md café-menu.md etc-passwd.md") {
		t.Errorf("files %q", got)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "café-menu.md")); string(b) != "mine\n" {
		t.Errorf("a file already there was replaced: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "etc")); err == nil {
		t.Error("a page wrote outside the folder")
	}
	runCmd(t, "--output-dir", out, "-o", filepath.Join(dir, "x"), srv.URL+"/a").check(t, 2, "not with --json, -o or -f title", "")
}

// TestBatchWriteOut: -w after each page, failures too, with %{json}.
func TestBatchWriteOut(t *testing.T) {
	u, _ := batchServer(t)
	r := runCmd(t, "-f", "title", "-w", `%{stderr}%{exitcode} %{http_code} %{title}\n`, u+"/1.html", u+"/gone.html")
	if r.stdout != "Page 1\n" || !strings.Contains(r.stderr, "0 200 Page 1\n22 404 \n") || r.code != 22 {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
