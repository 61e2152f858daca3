package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insert-from-url/insert-from-url/readable"
)

// shortBody is a server whose body ends before its Content-Length: every
// run against it fails with exit 18 after writing part of the body.
func shortBody(t *testing.T) string {
	return rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"+strings.Repeat("x", 50))
	})
}

// TestStdoutAppend checks that `>> log` keeps what log held when the run
// fails, and appends when it succeeds.
func TestStdoutAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	os.WriteFile(path, []byte("keep\n"), 0o644)
	open := func() *os.File {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	if r := runWith(t, nil, open(), shortBody(t)); r.code != 18 {
		t.Errorf("code %d, stderr %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep\n" {
		t.Errorf("after a failed run the file has %q", b)
	}
	s := serve(t, text("more\n", "text/plain"))
	runWith(t, nil, open(), s.URL).check(t, 0, "", "")
	if b, _ := os.ReadFile(path); string(b) != "keep\nmore\n" {
		t.Errorf("after a good run the file has %q", b)
	}
}

// TestOutputNotRegular checks -o on what is not a regular file: written
// into, never replaced.
func TestOutputNotRegular(t *testing.T) {
	s := serve(t, text("body\n", "text/plain"))
	dir := t.TempDir()

	// A symlink is followed: the target gets the body, the link stays.
	target := filepath.Join(dir, "target.txt")
	os.WriteFile(target, []byte("old\n"), 0o600)
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink("target.txt", link); err != nil {
		t.Fatal(err)
	}
	runCmd(t, "-o", link, s.URL).check(t, 0, "", "")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(target); string(b) != "body\n" {
		t.Errorf("target has %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("target's mode %v, want 0600", fi.Mode().Perm())
	}
	// A dangling link: the file it names is created.
	dangling := filepath.Join(dir, "dangling.txt")
	os.Symlink("created.txt", dangling)
	runCmd(t, "-o", dangling, s.URL).check(t, 0, "", "")
	if b, _ := os.ReadFile(filepath.Join(dir, "created.txt")); string(b) != "body\n" {
		t.Errorf("the dangling link's target has %q", b)
	}

	// A device is written into, and stays a device: through a link first,
	// so that a regression replaces the link, not the machine's /dev/null;
	// then itself where the test cannot replace it (not as root).
	nullLink := filepath.Join(dir, "null")
	os.Symlink(os.DevNull, nullLink)
	runCmd(t, "-o", nullLink, s.URL).check(t, 0, "", "")
	if fi, err := os.Lstat(nullLink); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link to %s was replaced: %v %v", os.DevNull, fi.Mode(), err)
	}
	if os.Geteuid() != 0 {
		runCmd(t, "-o", os.DevNull, s.URL).check(t, 0, "", "")
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi.Mode(), err)
	}

	// A FIFO is written into, not replaced.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	runCmd(t, "-o", fifo, s.URL).check(t, 0, "", "")
	select {
	case b := <-got:
		if b != "body\n" {
			t.Errorf("the FIFO's reader got %q", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing came out of the FIFO")
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", fi.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 6 {
		t.Errorf("files left behind: %v", entries)
	}

	// -o - is standard output.
	runCmd(t, "-o", "-", s.URL).check(t, 0, "", "body\n")
	if _, err := os.Stat("-"); err == nil {
		t.Error("-o - created a file named -")
	}
}

// startChild starts the command in a child process, its stdout in out.
func startChild(t *testing.T, stdin io.Reader, out io.Writer, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "INSERT_FROM_URL_TEST_MAIN=1")
	cmd.Stdin = stdin
	cmd.Stdout = out
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &errb
}

// TestSignals sends each signal to a run that waits on each kind of input
// and checks that it ends at once, with 128 + the signal's number, nothing
// on stdout and no temporary file left.
func TestSignals(t *testing.T) {
	stall := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf")
		time.Sleep(10 * time.Second)
	})
	signals := []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}}
	for _, input := range []string{"http", "stdin", "file"} {
		for _, s := range signals {
			t.Run(input+"/"+s.sig.String(), func(t *testing.T) {
				dir := t.TempDir()
				out := filepath.Join(dir, "out.txt")
				args := []string{"-o", out}
				var stdin io.Reader = strings.NewReader("")
				switch input {
				case "http":
					args = append(args, stall)
				case "stdin":
					// A pipe whose writer never closes it, as `sleep 30 |`.
					r, w, err := os.Pipe()
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { r.Close(); w.Close() })
					w.WriteString("<p>partial")
					stdin = r
					args = append(args, "-")
				case "file":
					// A FIFO never finishes reading, as a slow disk
					// or a huge file.
					fifo := filepath.Join(t.TempDir(), "in.html")
					if err := syscall.Mkfifo(fifo, 0o600); err != nil {
						t.Skip(err)
					}
					go func() {
						f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
						if err == nil {
							f.WriteString("<p>partial")
							time.Sleep(10 * time.Second)
							f.Close()
						}
					}()
					args = append(args, fifo)
				}
				var stdout bytes.Buffer
				cmd, stderr := startChild(t, stdin, &stdout, args...)
				time.Sleep(300 * time.Millisecond)
				start := time.Now()
				cmd.Process.Signal(s.sig)
				killer := time.AfterFunc(5*time.Second, func() { cmd.Process.Kill() })
				err := cmd.Wait()
				killer.Stop()
				took := time.Since(start)
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				}
				if code != s.code {
					t.Errorf("exit code %d, want %d (stderr %q)", code, s.code, stderr)
				}
				if took > 3*time.Second {
					t.Errorf("took %v to end", took)
				}
				if stdout.Len() > 0 {
					t.Errorf("stdout %q", stdout.String())
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("left behind: %v", entries)
				}
			})
		}
	}
}

// TestSignalStdoutFile checks that a signal leaves a redirected stdout as it
// was.
func TestSignalStdoutFile(t *testing.T) {
	stall := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"+strings.Repeat("y", 50000))
		time.Sleep(10 * time.Second)
	})
	path := filepath.Join(t.TempDir(), "log")
	os.WriteFile(path, []byte("keep\n"), 0o644)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd, stderr := startChild(t, nil, f, stall)
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	killer := time.AfterFunc(5*time.Second, func() { cmd.Process.Kill() })
	cmd.Wait()
	killer.Stop()
	if b, _ := os.ReadFile(path); string(b) != "keep\n" {
		t.Errorf("file has %d bytes %.20q (stderr %q)", len(b), b, stderr)
	}
}

// requestLine serves one request and hands its head to got.
func requestHead(t *testing.T, got chan<- string) string {
	return listen(t, false, func(c net.Conn) {
		br := bufio.NewReader(c)
		var head strings.Builder
		for {
			line, err := br.ReadString('\n')
			head.WriteString(line)
			if err != nil || line == "\r\n" {
				break
			}
		}
		got <- head.String()
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
	})
}

// receive returns the request head a server got, or "" when none came.
func receive(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case head := <-got:
		return head
	case <-time.After(5 * time.Second):
		t.Error("no request came")
		return ""
	}
}

// TestURLSpaces checks that characters a request line cannot hold are
// percent-encoded as browsers do.
func TestURLSpaces(t *testing.T) {
	got := make(chan string, 10)
	base := requestHead(t, got)
	cases := []struct{ url, line string }{
		{base + "p?a b", "GET /p?a%20b HTTP/1.1"},
		{base + "p q/r", "GET /p%20q/r HTTP/1.1"},
		{base + `p?x="<y>"`, "GET /p?x=%22%3Cy%3E%22 HTTP/1.1"},
		{base + "p?é", "GET /p?%C3%A9 HTTP/1.1"},
		{" " + base + "p?a=1 ", "GET /p?a=1 HTTP/1.1"},
	}
	for _, c := range cases {
		runCmd(t, c.url).check(t, 0, "", "ok\n")
		if head := receive(t, got); !strings.HasPrefix(head, c.line+"\r\n") {
			t.Errorf("%q sent %q, want %q", c.url, strings.SplitN(head, "\r\n", 2)[0], c.line)
		}
	}
	runCmd(t, base+"p\x01q").check(t, 3, "malformed URL", "")

	// A redirect's Location is encoded the same way.
	redirect := listen(t, true, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 302 Found\r\nLocation: "+base+"r?x y\r\nContent-Length: 0\r\n\r\n")
	})
	runCmd(t, redirect).check(t, 0, "", "ok\n")
	if head := receive(t, got); !strings.HasPrefix(head, "GET /r?x%20y HTTP/1.1\r\n") {
		t.Errorf("the redirect sent %q", strings.SplitN(head, "\r\n", 2)[0])
	}
}

func TestDeadProxy(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	r := runChild(t, []string{"HTTP_PROXY=http://user:pw@" + addr, "HTTPS_PROXY=http://" + addr, "NO_PROXY="}, "http://site.example.invalid/")
	r.check(t, 7, "cannot connect to the proxy", "")
	if strings.Contains(r.stderr, "pw") {
		t.Errorf("proxy password shown: %q", r.stderr)
	}
	runChild(t, []string{"HTTPS_PROXY=http://" + addr, "NO_PROXY="}, "https://site.example.invalid/").check(t, 7, "cannot connect to the proxy", "")
}

// TestTLSHandshakeCut checks curl's 35 for a server that closes the
// connection during the handshake, and for one that resets it.
func TestTLSHandshakeCut(t *testing.T) {
	closing := listen(t, false, func(c net.Conn) {
		c.Read(make([]byte, 1024)) // the ClientHello
	})
	runCmd(t, "https"+strings.TrimPrefix(closing, "http")).check(t, 35, "TLS handshake failed", "")
	resetting := listen(t, false, func(c net.Conn) {
		c.Read(make([]byte, 1024))
		c.(*net.TCPConn).SetLinger(0)
	})
	runCmd(t, "https"+strings.TrimPrefix(resetting, "http")).check(t, 35, "TLS handshake failed", "")
}

// TestRedirectCredentials checks that credentials never follow a redirect
// to another origin: not the user's, not those a Location carries.
func TestRedirectCredentials(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	other := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization")+"|"+r.Header.Get("Cookie"))
		mu.Unlock()
		io.WriteString(w, "landed\n")
	})
	otherHost := strings.TrimPrefix(other.URL, "http://")
	first := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/userinfo":
			http.Redirect(w, r, "http://user:SECRET@"+otherHost+"/", http.StatusFound)
		default:
			http.Redirect(w, r, other.URL+"/", http.StatusFound)
		}
	})
	runCmd(t, first.URL+"/userinfo").check(t, 0, "", "landed\n")
	runCmd(t, "-u", "me:mine", "-H", "Cookie: a=b", first.URL+"/").check(t, 0, "", "landed\n")
	mu.Lock()
	defer mu.Unlock()
	for _, s := range seen {
		if s != "|" {
			t.Errorf("the other origin got credentials %q", s)
		}
	}
	if len(seen) != 2 {
		t.Errorf("%d requests reached the other origin", len(seen))
	}
	// The same origin keeps them.
	same := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			http.Redirect(w, r, "/next", http.StatusFound)
			return
		}
		io.WriteString(w, r.Header.Get("Authorization")+"\n")
	})
	runCmd(t, "-u", "me:mine", same.URL+"/").check(t, 0, "", "Basic "+base64.StdEncoding.EncodeToString([]byte("me:mine"))+"\n")
}

func TestRemoveUserAgent(t *testing.T) {
	got := make(chan string, 2)
	base := requestHead(t, got)
	runCmd(t, "-H", "User-Agent:", base).check(t, 0, "", "ok\n")
	if head := receive(t, got); strings.Contains(strings.ToLower(head), "user-agent") {
		t.Errorf("User-Agent sent: %q", head)
	}
	runCmd(t, "-A", "", base).check(t, 0, "", "ok\n")
	if head := receive(t, got); strings.Contains(strings.ToLower(head), "user-agent") {
		t.Errorf("User-Agent sent: %q", head)
	}
}

// TestNoForeignStderr checks that net/http's own log lines never reach
// stderr: a server that sends more than its Content-Length makes the
// transport log "Unsolicited response received on idle HTTP channel".
func TestNoForeignStderr(t *testing.T) {
	extra := listen(t, true, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\nHTTP/1.1 200 OK\r\n\r\nunasked")
		time.Sleep(200 * time.Millisecond)
	})
	for range 3 {
		runChild(t, nil, extra).check(t, 0, "", "ok\n")
	}
}

// TestMalformedURLRedacted checks that a password never shows in the error
// for a URL that does not parse.
func TestMalformedURLRedacted(t *testing.T) {
	for _, u := range []string{
		"http://bob:hun/ter2@host/x",
		"http://bob:hun#ter2@host/x",
		"http://bob:hun?ter2@host/x",
		"http://bob:hun ter2@ho st/x",
		"http://bob:hunter2@ho st/x",
		"http://bob:hun%zzter2@host/x",
	} {
		r := runCmd(t, u)
		if r.code != 3 {
			t.Errorf("%q: exit %d (%q)", u, r.code, r.stderr)
		}
		for _, part := range []string{"hun", "ter2"} {
			if strings.Contains(r.stderr, part) {
				t.Errorf("%q: the error shows %q: %q", u, part, r.stderr)
			}
		}
		if !strings.Contains(r.stderr, "bob") {
			t.Errorf("%q: the error does not name the user: %q", u, r.stderr)
		}
	}
}

// TestTerminalControls checks the terminal filter on a header and a body:
// C1 controls as raw bytes and in UTF-8, and bidi overrides and isolates.
func TestTerminalControls(t *testing.T) {
	body := "x\u202ey\u2066z\u2069\x9b2J\xc2\x85w\n"
	raw := listen(t, true, func(c net.Conn) {
		fmt.Fprintf(c, "HTTP/1.1 200 OK\x9b2J\r\nX-Evil: a\x9b31mb\xc2\x9b1mc\u202ed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	})
	var term termBuffer
	r := runWith(t, nil, &term, "-i", raw)
	if r.code != 0 {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
	for _, bad := range []string{"\x9b", "\xc2\x9b", "\xc2\x85", "\u202e", "\u2066", "\u2069"} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("terminal got %q in %q", bad, r.stdout)
		}
	}
	for _, want := range []string{"X-Evil: a", "b", "xyz", "w\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("terminal output %q lacks %q", r.stdout, want)
		}
	}
}

// TestTreeInputBounded checks that the modes that parse the whole page
// refuse one over readable.MaxInput with exit 63, and that a plain
// conversion of the same page streams, --metadata included (it reads the
// head only).
func TestTreeInputBounded(t *testing.T) {
	page := "<head><title>Big</title></head>" + strings.Repeat("<p>words</p>", readable.MaxInput/12+1)
	for _, flag := range []string{"--readable", "--select=p"} {
		r := runWith(t, strings.NewReader(page), nil, flag, "-f", "text", "-")
		r.check(t, 63, "page larger than 32 MiB", "")
	}
	for _, flags := range [][]string{{"-f", "text"}, {"-f", "text", "--metadata"}} {
		r := runWith(t, strings.NewReader(page), nil, append(flags, "-")...)
		if r.code != 0 || len(r.stdout) < readable.MaxInput/3 {
			t.Errorf("%v: exit %d, %d bytes, %q", flags, r.code, len(r.stdout), r.stderr)
		}
		if flags[len(flags)-1] == "--metadata" && !strings.HasPrefix(r.stdout, "Big\n") {
			t.Errorf("--metadata: %.40q", r.stdout)
		}
	}
}

// TestIgnoredSignal checks that a signal the parent ignores, as nohup
// does SIGHUP, stays ignored.
func TestIgnoredSignal(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(500 * time.Millisecond)
		io.WriteString(w, "after the hangup\n")
	})
	cmd := exec.Command("sh", "-c", `trap '' HUP; exec "$0" "$1"`, os.Args[0], s.URL)
	cmd.Env = append(os.Environ(), "INSERT_FROM_URL_TEST_MAIN=1")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGHUP)
	if err := cmd.Wait(); err != nil || out.String() != "after the hangup\n" {
		t.Errorf("%v, stdout %q", err, out.String())
	}
}
