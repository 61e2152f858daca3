package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding/japanese"
)

// termBuffer stands for a terminal in tests.
type termBuffer struct{ bytes.Buffer }

func (*termBuffer) IsTerminal() bool { return true }

type result struct {
	code           int
	stdout, stderr string
}

func runWith(t *testing.T, stdin io.Reader, stdout io.Writer, args ...string) result {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var errb bytes.Buffer
	var outb bytes.Buffer
	if stdout == nil {
		stdout = &outb
	}
	code := run(context.Background(), args, stdin, stdout, &errb)
	if tb, ok := stdout.(*termBuffer); ok {
		return result{code, tb.String(), errb.String()}
	}
	return result{code, outb.String(), errb.String()}
}

func runCmd(t *testing.T, args ...string) result {
	t.Helper()
	return runWith(t, nil, nil, args...)
}

// check asserts the exit code, that stderr is empty or one line containing
// wantErr, and stdout.
func (r result) check(t *testing.T, code int, wantErr, wantOut string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	if wantErr == "" && r.stderr != "" {
		t.Errorf("stderr %q, want nothing", r.stderr)
	}
	if wantErr != "" {
		if !strings.HasPrefix(r.stderr, "insert-from-url: ") || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
			t.Errorf("stderr %q is not one line starting with the program name", r.stderr)
		}
		if !strings.Contains(r.stderr, wantErr) {
			t.Errorf("stderr %q does not contain %q", r.stderr, wantErr)
		}
	}
	if r.stdout != wantOut {
		t.Errorf("stdout %q, want %q", trunc(r.stdout), trunc(wantOut))
	}
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + fmt.Sprintf("...(%d bytes)", len(s))
	}
	return s
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// rawServer answers each connection with handle after reading the request
// head, for replies net/http would never send.
func rawServer(t *testing.T, handle func(c net.Conn)) string {
	t.Helper()
	return listen(t, true, handle)
}

// listen serves handle on a loopback listener, after reading the request
// head when readHead is set.
func listen(t *testing.T, readHead bool, handle func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for readHead {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				handle(c)
				select {
				case <-done:
				case <-time.After(50 * time.Millisecond):
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

func text(body, ctype string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		io.WriteString(w, body)
	}
}

func TestBasicFetch(t *testing.T) {
	s := serve(t, text("héllo\n", "text/plain; charset=utf-8"))
	runCmd(t, "-s", s.URL).check(t, 0, "", "héllo\n")
}

func TestHTTPErrors(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		code := 404
		if r.URL.Path == "/500" {
			code = 500
		}
		w.WriteHeader(code)
		io.WriteString(w, "error page\n")
	})
	runCmd(t, s.URL+"/missing").check(t, 22, "HTTP 404 Not Found: "+s.URL+"/missing", "")
	runCmd(t, s.URL+"/500").check(t, 22, "HTTP 500 Internal Server Error", "")
	runCmd(t, "--show-error-body", s.URL+"/500").check(t, 22, "HTTP 500", "error page\n")
}

func TestRedirects(t *testing.T) {
	var seen http.Header
	other := serve(t, func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		io.WriteString(w, "other\n")
	})
	var sameSeen http.Header
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/ftp":
			http.Redirect(w, r, "ftp://127.0.0.1/x", http.StatusFound)
		case "/other":
			http.Redirect(w, r, other.URL+"/landed?q=1", http.StatusMovedPermanently)
		case "/same":
			http.Redirect(w, r, "/final?secret=1", http.StatusFound)
		case "/final":
			sameSeen = r.Header.Clone()
			io.WriteString(w, "final\n")
		case "/two":
			http.Redirect(w, r, "/one", http.StatusFound)
		case "/one":
			http.Redirect(w, r, "/final", http.StatusFound)
		}
	})
	runCmd(t, s.URL+"/loop").check(t, 47, "more than 10 redirects", "")
	runCmd(t, "--max-redirs", "1", s.URL+"/two").check(t, 47, "more than 1 redirects", "")
	runCmd(t, "--max-redirs", "2", s.URL+"/two").check(t, 0, "", "final\n")
	runCmd(t, s.URL+"/file").check(t, 1, "redirect to file:///etc/passwd refused", "")
	runCmd(t, s.URL+"/ftp").check(t, 1, "refused", "")
	r := runCmd(t, "--max-redirs", "0", s.URL+"/same")
	if r.code != 0 || !strings.Contains(r.stdout, "Found") {
		t.Errorf("--max-redirs 0: got %+v, want the 302 page", r)
	}

	runCmd(t, "-u", "me:pw", "-H", "Cookie: a=b", s.URL+"/other").check(t, 0, "", "other\n")
	for _, h := range []string{"Authorization", "Cookie", "Referer"} {
		if v := seen.Get(h); v != "" {
			t.Errorf("redirect to another port sent %s: %q", h, v)
		}
	}
	runCmd(t, "-u", "me:pw", s.URL+"/same").check(t, 0, "", "final\n")
	if sameSeen.Get("Authorization") == "" {
		t.Error("redirect on the same origin dropped Authorization")
	}
	if v := sameSeen.Get("Referer"); v != "" {
		t.Errorf("Referer sent on redirect: %q", v)
	}
}

func TestRequestHeaders(t *testing.T) {
	var got *http.Request
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("X-Reply", "yes")
		io.WriteString(w, "ok\n")
	})
	runCmd(t, s.URL).check(t, 0, "", "ok\n")
	if ua := got.Header.Get("User-Agent"); !strings.HasPrefix(ua, "insert-from-url/") {
		t.Errorf("User-Agent %q", ua)
	}
	if ae := got.Header.Get("Accept-Encoding"); ae != "gzip, deflate, br, zstd" {
		t.Errorf("Accept-Encoding %q", ae)
	}
	runCmd(t, "-A", "agent/1", "-H", "X-One: 1", "-H", "X-Two: two words", "-u", "u:p", s.URL).check(t, 0, "", "ok\n")
	if got.Header.Get("User-Agent") != "agent/1" || got.Header.Get("X-One") != "1" || got.Header.Get("X-Two") != "two words" {
		t.Errorf("headers not sent: %v", got.Header)
	}
	if u, p, ok := got.BasicAuth(); !ok || u != "u" || p != "p" {
		t.Errorf("basic auth %q %q %v", u, p, ok)
	}
	runCmd(t, "-H", "X-Evil: a\r\nX-Injected: b", s.URL).check(t, 2, "line break", "")
	runCmd(t, "-H", "no colon", s.URL).check(t, 2, "not 'Name: value'", "")

	r := runCmd(t, "-i", s.URL)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "HTTP/1.1 200 OK\n") || !strings.Contains(r.stdout, "X-Reply: yes\n") || !strings.HasSuffix(r.stdout, "\n\nok\n") {
		t.Errorf("-i: %+v", r)
	}
}

func TestTimeouts(t *testing.T) {
	stallHead := rawServer(t, func(c net.Conn) { time.Sleep(3 * time.Second) })
	runCmd(t, "-m", "0.3", stallHead).check(t, 28, "timed out after 300ms", "")

	stallBody := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nfirst part")
		time.Sleep(3 * time.Second)
	})
	runCmd(t, "-m", "0.3", stallBody).check(t, 28, "timed out", "")
}

func TestTruncatedBodies(t *testing.T) {
	short := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly this")
	})
	runCmd(t, short).check(t, 18, "body ended early after 9 bytes", "")

	chunked := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nshort")
	})
	runCmd(t, chunked).check(t, 18, "body ended early", "")

	gzShort := rawServer(t, func(c net.Conn) {
		z := gzipBytes(bytes.Repeat([]byte("abc"), 1000))
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(z))
		c.Write(z[:len(z)/2])
	})
	runCmd(t, gzShort).check(t, 18, "body ended early", "")
}

// compressor returns a function that compresses with the writers newWriter
// makes.
func compressor(newWriter func(io.Writer) io.WriteCloser) func([]byte) []byte {
	return func(b []byte) []byte {
		var buf bytes.Buffer
		z := newWriter(&buf)
		z.Write(b)
		z.Close()
		return buf.Bytes()
	}
}

var gzipBytes = compressor(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) })

func TestCompression(t *testing.T) {
	want := strings.Repeat("compressed text ünïcode\n", 200)
	encoders := map[string]func([]byte) []byte{
		"gzip":    gzipBytes,
		"deflate": compressor(func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) }),
		"br":      compressor(func(w io.Writer) io.WriteCloser { return brotli.NewWriter(w) }),
		"zstd": compressor(func(w io.Writer) io.WriteCloser {
			z, _ := zstd.NewWriter(w)
			return z
		}),
	}
	for name, enc := range encoders {
		t.Run(name, func(t *testing.T) {
			s := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Header().Set("Content-Encoding", name)
				w.Write(enc([]byte(want)))
			})
			runCmd(t, s.URL).check(t, 0, "", want)
		})
	}

	corrupt := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		z := gzipBytes([]byte(want))
		z[len(z)-5] ^= 0xff // damage the CRC
		z[20] ^= 0xff
		w.Write(z)
	})
	runCmd(t, corrupt.URL).check(t, 61, "corrupt compressed body", "")

	unknown := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "snappy")
		io.WriteString(w, "x")
	})
	runCmd(t, unknown.URL).check(t, 61, `unsupported Content-Encoding "snappy"`, "")
}

func TestMaxSize(t *testing.T) {
	// 64 MiB of zeros compress to about 64 KiB.
	var bomb bytes.Buffer
	z, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 64; i++ {
		z.Write(zeros)
	}
	z.Close()
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(bomb.Bytes())
	})
	runCmd(t, "--max-size", "1M", s.URL).check(t, 63, "body larger than 1048576 bytes (--max-size)", "")
	if r := runCmd(t, "--max-size", "64M", s.URL); r.code != 0 || len(r.stdout) != 64<<20 {
		t.Errorf("exactly --max-size: code %d, %d bytes", r.code, len(r.stdout))
	}
	runCmd(t, "--max-size", "64M", "--max-size", "65535K", s.URL).check(t, 63, "--max-size", "")

	small := serve(t, text("12345", "text/plain"))
	runCmd(t, "--max-size", "5", small.URL).check(t, 0, "", "12345")
	runCmd(t, "--max-size", "4", small.URL).check(t, 63, "--max-size", "")

	// A file or stdin the user chose is not a server's reply: no cap.
	file := filepath.Join(t.TempDir(), "f.txt")
	os.WriteFile(file, []byte("0123456789"), 0o644)
	runCmd(t, "--max-size", "4", file).check(t, 0, "", "0123456789")
	runWith(t, strings.NewReader("0123456789"), nil, "--max-size", "4", "-").check(t, 0, "", "0123456789")
}

func TestCharsets(t *testing.T) {
	sjis, _ := japanese.ShiftJIS.NewEncoder().String("日本語のテキスト\n")
	asciiKB := strings.Repeat("<!-- padding padding padding padding padding padding -->\n", 40)
	asciiLong := strings.Repeat("plain ascii line\n", 6000) // past the 64 KiB sniff window
	cases := []struct {
		name, ctype, body string
		args              []string
		want, wantErr     string
	}{
		{name: "latin1 no charset", ctype: "text/plain", body: "caf\xe9 cr\xe8me\n", want: "café crème\n"},
		{name: "windows-1252 quotes", ctype: "text/plain", body: "\x93quoted\x94 \x80\n", want: "“quoted” €\n"},
		{name: "meta after 1KB", ctype: "text/html",
			body: "<html><head>" + asciiKB + `<meta charset="windows-1252"></head><body>caf` + "\xe9</body></html>\n",
			want: "<html><head>" + asciiKB + `<meta charset="windows-1252"></head><body>café</body></html>` + "\n"},
		{name: "meta http-equiv", ctype: "text/html",
			body: `<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>na` + "\xefve",
			want: `<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>naïve`},
		{name: "utf8 after ascii KB", ctype: "text/html", body: "<p>" + asciiKB + "ünïcödé</p>\n", want: "<p>" + asciiKB + "ünïcödé</p>\n"},
		{name: "utf8 after 64KB ascii", ctype: "text/plain", body: asciiLong + "ünïcödé\n", want: asciiLong + "ünïcödé\n"},
		{name: "latin1 after 64KB ascii", ctype: "text/plain", body: asciiLong + "caf\xe9\n", want: asciiLong + "café\n"},
		{name: "utf8 bom", ctype: "text/plain", body: "\xef\xbb\xbfbom text\n", want: "bom text\n"},
		{name: "utf16 bom", ctype: "text/plain", body: "\xff\xfeh\x00i\x00\n\x00", want: "hi\n"},
		{name: "shift_jis header", ctype: "text/plain; charset=Shift_JIS", body: sjis, want: "日本語のテキスト\n"},
		{name: "header beats meta", ctype: "text/html; charset=utf-8", body: `<meta charset="iso-8859-1">ü`, want: `<meta charset="iso-8859-1">ü`},
		{name: "--charset override", ctype: "text/plain; charset=utf-8", body: "caf\xe9", args: []string{"--charset", "latin1"}, want: "café"},
		{name: "unknown header charset", ctype: "text/plain; charset=klingon", body: "ok é", want: "ok é"},
		{name: "json", ctype: "application/json", body: "{\"a\":\"\xe9\"}", want: "{\"a\":\"é\"}"},
		{name: "utf-16le header, no BOM", ctype: "text/html; charset=utf-16le", body: "<\x00p\x00>\x00h\x00i\x00", want: "<p>hi"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := serve(t, text(c.body, c.ctype))
			r := runCmd(t, append(c.args, s.URL)...)
			if c.name == "unknown header charset" {
				if r.code != 0 || r.stdout != c.want || !strings.Contains(r.stderr, `warning: unknown charset "klingon"`) {
					t.Errorf("got %+v", r)
				}
				return
			}
			r.check(t, 0, "", c.want)
		})
	}
	s := serve(t, text("x", "text/plain"))
	runCmd(t, "--charset", "klingon", s.URL).check(t, 2, `unknown charset "klingon"`, "")
}

func TestNoDecode(t *testing.T) {
	s := serve(t, text("caf\xe9", "text/plain"))
	runCmd(t, "--no-decode", s.URL).check(t, 0, "", "caf\xe9")
}

func TestBinaryAndTerminal(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x1b[31m"
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/img":
			w.Header().Set("Content-Type", "image/png")
			io.WriteString(w, png)
		case "/nul":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "text\x00with nul")
		case "/esc":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "red \x1b[31mtext\x1b[0m\x1b]0;title\x07 bell\x07 cr\r back\x08 c1\u009b2J ok\n\ttab\n")
		}
	})
	runCmd(t, s.URL+"/img").check(t, 0, "", png)
	runWith(t, nil, &termBuffer{}, s.URL+"/img").check(t, 23, "binary body (image/png) not printed to a terminal", "")
	runWith(t, nil, &termBuffer{}, s.URL+"/nul").check(t, 23, "binary body", "")
	runWith(t, nil, &termBuffer{}, s.URL+"/esc").check(t, 0, "", "red text bell cr back c1 ok\n\ttab\n")
	runCmd(t, s.URL+"/esc").check(t, 0, "", "red \x1b[31mtext\x1b[0m\x1b]0;title\x07 bell\x07 cr\r back\x08 c1\u009b2J ok\n\ttab\n")
}

func TestInputs(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "page.html")
	os.WriteFile(page, []byte("<p>caf\xe9</p>\n"), 0o644)
	runCmd(t, page).check(t, 0, "", "<p>café</p>\n")
	runCmd(t, "file://"+filepath.ToSlash(page)).check(t, 0, "", "<p>café</p>\n")
	// A local file's charset comes from its content, not its name.
	sjisPage := filepath.Join(dir, "sjis.html")
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(`<meta charset="shift_jis"><p>日本語</p>`)
	os.WriteFile(sjisPage, []byte(sjis), 0o644)
	runCmd(t, "-f", "text", sjisPage).check(t, 0, "", "日本語\n")
	runWith(t, strings.NewReader("from stdin ü\n"), nil, "-").check(t, 0, "", "from stdin ü\n")
	runCmd(t, filepath.Join(dir, "missing.html")).check(t, 37, "no such file: "+filepath.Join(dir, "missing.html"), "")
	runCmd(t, dir).check(t, 37, "is a directory", "")

	t.Chdir(dir)
	os.WriteFile("-dash.txt", []byte("dash\n"), 0o644)
	runCmd(t, "--", "-dash.txt").check(t, 0, "", "dash\n")
	runCmd(t, "-dash.txt").check(t, 2, "unknown shorthand flag", "")
	runCmd(t, "ftp://example.org/x").check(t, 1, "protocol ftp not supported", "")
	runCmd(t, "http://[::1").check(t, 3, "malformed URL", "")
	runCmd(t).check(t, 2, "no URL given", "")
}

func TestConnectErrors(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	r := runCmd(t, "http://user:secret@"+addr+"/")
	r.check(t, 7, "connection refused: http://user:xxxxx@"+addr+"/", "")
	if strings.Contains(r.stderr, "secret") {
		t.Errorf("password shown: %q", r.stderr)
	}
}

func TestTLS(t *testing.T) {
	s := quietTLSServer(t, text("secure\n", "text/plain"))
	runCmd(t, s.URL).check(t, 60, "untrusted certificate", "")
	runCmd(t, "-k", s.URL).check(t, 0, "", "secure\n")

	notTLS := listen(t, false, func(c net.Conn) { io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n") })
	runCmd(t, "https"+strings.TrimPrefix(notTLS, "http")).check(t, 35, "TLS handshake failed", "")
	garbage := listen(t, false, func(c net.Conn) { c.Write([]byte("\x00\x01\x02\x03\x04\x05\x06garbage")) })
	runCmd(t, "https"+strings.TrimPrefix(garbage, "http")).check(t, 35, "TLS handshake failed", "")
}

func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.txt")
	os.WriteFile(out, []byte("old content\n"), 0o600)
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/404" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "new content\n")
	})
	short := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
	})
	runCmd(t, "-o", out, s.URL+"/404").check(t, 22, "HTTP 404", "")
	runCmd(t, "-o", out, short).check(t, 18, "body ended early", "")
	if b, _ := os.ReadFile(out); string(b) != "old content\n" {
		t.Errorf("failed fetch changed the file: %q", b)
	}
	runCmd(t, "-o", out, s.URL).check(t, 0, "", "")
	if b, _ := os.ReadFile(out); string(b) != "new content\n" {
		t.Errorf("file has %q", b)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	runCmd(t, "-o", filepath.Join(dir, "no", "such", "dir.txt"), s.URL).check(t, 23, "cannot write", "")
}

// TestStdoutFileTruncated checks that a failed fetch to a redirected stdout
// leaves the file as it was.
func TestStdoutFileTruncated(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("kept\n")
	short := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"+strings.Repeat("x", 50))
	})
	r := runWith(t, nil, f, short)
	if r.code != 18 {
		t.Errorf("code %d", r.code)
	}
	if b, _ := os.ReadFile(f.Name()); string(b) != "kept\n" {
		t.Errorf("stdout file has %q", b)
	}
}

func TestHelpAndVersion(t *testing.T) {
	r := runCmd(t, "--help")
	if r.code != 0 || !strings.Contains(r.stderr, "--max-redirs N") || r.stdout != "" {
		t.Errorf("--help: %+v", r)
	}
	// Every value is named by what it is, and an optional one reads as optional.
	for _, want := range []string{"--links MODE", "--render[=MODE]", "-f, --format FORMAT", "(default 10)", `(default "raw")`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	for _, bad := range []string{" string ", "MODE[=", "stringArray"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("--help has %q", bad)
		}
	}
	r = runCmd(t, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "insert-from-url ") {
		t.Errorf("--version: %+v", r)
	}
	runCmd(t, "--no-such-flag").check(t, 2, "unknown flag: --no-such-flag", "")
	runCmd(t, "-f", "pdf", "x").check(t, 2, `unknown format "pdf"`, "")
	runCmd(t, "--max-size", "lots", "x").check(t, 2, "not a size", "")
	for _, args := range [][]string{
		{"--base-level", "9223372036854775807"}, {"--base-level", "2147483647"}, {"--base-level", "-1"},
		{"--width", "2147483647"}, {"--width", "99999999999999999999999"}, {"-m", "1e300"}, {"-m", "NaN"},
		{"-m", "Inf"}, {"--connect-timeout", "1e20"}, {"--max-size", "99999999999G"},
	} {
		r := runCmd(t, append(args, "x")...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%q: exit %d, stderr %q; want a one-line usage error", args, r.code, r.stderr)
		}
	}
}

func TestFormats(t *testing.T) {
	page := `<html><head><title>The  Title</title><base href="/base/"></head><body><h1>Head</h1><p>See <a href="rel">this</a>.</p><script>x()</script></body></html>`
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/start":
			http.Redirect(w, r, "/dir/page", http.StatusFound)
		case "/dir/page":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, page)
		case "/plain":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "<b>not html</b>\n")
		case "/evil":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<title>Evil\x1b]0;x\x07 \u202etitle</title><p>Text</p>")
		}
	})
	runCmd(t, "-f", "text", s.URL+"/start").check(t, 0, "", "Head\n====\n\nSee this[1].\n\n[1] "+s.URL+"/base/rel\n")
	runCmd(t, "-f", "text", "--links", "inline", s.URL+"/start").check(t, 0, "", "Head\n====\n\nSee this <"+s.URL+"/base/rel>.\n")
	runCmd(t, "-f", "markdown", s.URL+"/start").check(t, 0, "", "# Head\n\nSee [this]("+s.URL+"/base/rel).\n")
	runCmd(t, "-f", "org", "--base-level", "2", s.URL+"/start").check(t, 0, "", "*** Head\n\nSee [["+s.URL+"/base/rel][this]].\n")
	runCmd(t, "-f", "title", s.URL+"/start").check(t, 0, "", "The Title\n")
	runCmd(t, "-f", "text", s.URL+"/plain").check(t, 0, "", "<b>not html</b>\n")
	runCmd(t, "-f", "title", s.URL+"/plain").check(t, 0, "", "")
	// Control characters and bidi overrides never reach the output.
	for _, mode := range [][]string{{"--metadata"}, {"--select", "p"}, {"--readable", "-s"}} {
		if r := runCmd(t, append(mode, "-f", "title", s.URL+"/evil")...); r.stdout != "Evil]0;x title\n" {
			t.Errorf("%q: title %q", mode, r.stdout)
		}
	}
	runCmd(t, "--metadata", "-f", "markdown", "--select", "p", s.URL+"/evil").check(t, 0, "", "---\ntitle: \"Evil]0;x title\"\nurl: \""+s.URL+"/evil\"\n---\n\nText\n")

	dir := t.TempDir()
	file := filepath.Join(dir, "page.htm")
	os.WriteFile(file, []byte("<!-- sniffed --><p>caf\xe9 <em>x</em></p>"), 0o644)
	runCmd(t, "-f", "markdown", file).check(t, 0, "", "café *x*\n")
	runWith(t, strings.NewReader("<p>from <b>stdin</b>"), nil, "-f", "org", "-").check(t, 0, "", "from *stdin*\n")
}

func TestReadingMode(t *testing.T) {
	body := strings.Repeat("<p>The council voted on the river bridge after a long debate about the budget and the harvest festival.</p>", 6)
	page := `<html><head><title>Bridge vote | Town News</title><meta property="og:title" content="Bridge vote">
<meta name="author" content="Ann Writer"><meta property="og:site_name" content="Town News">
<meta property="article:published_time" content="2024-03-05T10:00:00Z"><link rel="canonical" href="/story/bridge"></head>
<body><nav><ul><li><a href="/a">Sports</a></li><li><a href="/b">Weather</a></li></ul></nav>
<article><h1>Bridge vote</h1>` + body + `<h2>Next steps</h2><p>Work starts <a href="/plan">in spring</a>, said the mayor to the press.</p></article>
<footer>Copyright Town News</footer></body></html>`
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/empty":
			io.WriteString(w, "<html><body><nav><a href='/'>Home</a></nav></body></html>")
		default:
			io.WriteString(w, page)
		}
	})
	r := runCmd(t, "-f", "text", "--readable", s.URL+"/story")
	if r.code != 0 || strings.Contains(r.stdout, "Sports") || strings.Contains(r.stdout, "Copyright") || !strings.Contains(r.stdout, "Next steps") || !strings.Contains(r.stdout, "the mayor") {
		t.Errorf("--readable: %+v", r)
	}
	if strings.Contains(r.stdout, "[1]") || strings.Contains(r.stdout, "http") {
		t.Errorf("--readable lists links unless --links asks: %q", r.stdout)
	}
	if r := runCmd(t, "-f", "text", "--readable", "--links", "reference", s.URL+"/story"); !strings.Contains(r.stdout, "in spring[1]") {
		t.Errorf("--readable --links reference: %q", r.stdout)
	}
	r = runCmd(t, "-f", "markdown", "--readable", "--metadata", s.URL+"/story")
	wantMD := "---\ntitle: \"Bridge vote\"\nauthor: \"Ann Writer\"\nsite: \"Town News\"\ndate: \"2024-03-05\"\nurl: \"" + s.URL + "/story/bridge\"\ntype: \"article\"\n---\n\n"
	if r.code != 0 || !strings.HasPrefix(r.stdout, wantMD) || !strings.Contains(r.stdout, "[in spring]("+s.URL+"/plan)") {
		t.Errorf("--metadata markdown: %+v", r)
	}
	r = runCmd(t, "-f", "org", "--readable", "--metadata", "--base-level", "1", s.URL+"/story")
	wantOrg := "** Bridge vote\n:PROPERTIES:\n:AUTHOR: Ann Writer\n:SITE: Town News\n:DATE: 2024-03-05\n:URL: " + s.URL + "/story/bridge\n:TYPE: article\n:END:\n\n"
	if r.code != 0 || !strings.HasPrefix(r.stdout, wantOrg) || !strings.Contains(r.stdout, "\n*** Next steps\n") {
		t.Errorf("--metadata org entry: %+v", r)
	}
	r = runCmd(t, "-f", "org", "--metadata", s.URL+"/story")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "#+title: Bridge vote\n#+author: Ann Writer\n") || !strings.Contains(r.stdout, "Sports") {
		t.Errorf("--metadata without --readable: %+v", r)
	}
	r = runCmd(t, "-f", "text", "--readable", s.URL+"/empty")
	if r.code != 0 || !strings.Contains(r.stdout, "Home") || !strings.Contains(r.stderr, "warning: no article found; printing the whole page") {
		t.Errorf("no article: %+v", r)
	}
	runCmd(t, "-f", "text", "--readable", "--require-article", s.URL+"/empty").check(t, 65, "no article found", "")
	runCmd(t, "-f", "title", "--readable", s.URL+"/story").check(t, 0, "", "Bridge vote\n")
}

func TestSelect(t *testing.T) {
	s := serve(t, text(`<div class="note">first <b>note</b></div><p>skip</p><div class="note">second</div><span id="x">span</span>`, "text/html"))
	runCmd(t, "-f", "markdown", "--select", ".note", s.URL).check(t, 0, "", "first **note**\n\nsecond\n")
	runCmd(t, "-f", "text", "--select", "#x", "--select", ".note", s.URL).check(t, 0, "", "first note\nsecond\nspan\n")
	runCmd(t, "-f", "text", "--select", "table", s.URL).check(t, 64, "no element matches --select (table)", "")
	runCmd(t, "-f", "text", "--select", "p[", s.URL).check(t, 2, `invalid selector "p["`, "")
}

func TestPrintEmacsPackage(t *testing.T) {
	onDisk, err := os.ReadFile(filepath.Join("elisp", "insert-from-url.el"))
	if err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "--emacs")
	if r.code != 0 || r.stdout != string(onDisk) || !strings.HasPrefix(r.stdout, ";;; insert-from-url.el ---") {
		t.Errorf("--emacs: code %d, %d bytes (file has %d)", r.code, len(r.stdout), len(onDisk))
	}
}

func TestTextOnly(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/zip")
		io.WriteString(w, "PK\x03\x04binary")
	})
	runCmd(t, "--text-only", s.URL).check(t, 23, "binary body (application/zip) refused (--text-only)", "")
}

func TestInterrupted(t *testing.T) {
	stall := rawServer(t, func(c net.Conn) { time.Sleep(3 * time.Second) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	var out, errb bytes.Buffer
	code := run(ctx, []string{stall}, strings.NewReader(""), &out, &errb)
	if code != 130 || !strings.HasPrefix(errb.String(), "insert-from-url: interrupted: ") || out.Len() != 0 {
		t.Errorf("code %d, stderr %q, stdout %q", code, errb.String(), out.String())
	}
}

// syncTerm is a terminal stand-in that a progress goroutine may write to.
type syncTerm struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncTerm) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncTerm) IsTerminal() bool { return true }
func (s *syncTerm) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressMeter(t *testing.T) {
	slow := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nfirst")
		time.Sleep(1800 * time.Millisecond) // the meter appears after 1 s
		io.WriteString(c, "-last")
	})
	cases := []struct {
		args     []string
		terminal bool
		drawn    bool
	}{
		{[]string{slow}, true, true},
		{[]string{"-s", slow}, true, false},
		{[]string{slow}, false, false},
		{[]string{"--progress", "-s", slow}, false, true},
	}
	for _, c := range cases {
		var term syncTerm
		var plain bytes.Buffer
		var stderr io.Writer = &plain
		if c.terminal {
			stderr = &term
		}
		var stdout bytes.Buffer
		code := run(context.Background(), c.args, strings.NewReader(""), &stdout, stderr)
		got := plain.String() + term.String()
		if code != 0 || stdout.String() != "first-last" {
			t.Fatalf("%q: code %d, stdout %q", c.args, code, stdout.String())
		}
		switch {
		case !c.drawn && got != "":
			t.Errorf("%q (terminal %v): stderr %q", c.args, c.terminal, got)
		case c.drawn && (!strings.Contains(got, "5 B") || !strings.Contains(got, "50% of 10 B") || !strings.HasSuffix(got, "\r\x1b[K")):
			t.Errorf("%q: progress meter drew %q", c.args, got)
		}
	}
}

func TestReadingModeShortBody(t *testing.T) {
	short := rawServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>partial article")
	})
	runCmd(t, "--readable", "-f", "text", short).check(t, 18, "insert-from-url: body ended early", "")
}
