package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	os.WriteFile(file, nil, 0o644)
	cases := []struct {
		in       string
		wantURL  string
		wantPath string
		wantKind Kind
	}{
		{in: "example.org/a?b=c", wantURL: "https://example.org/a?b=c"},
		{in: "http://example.org", wantURL: "http://example.org"},
		{in: "HTTPS://example.org/x", wantURL: "https://example.org/x"},
		{in: "localhost:8080/x", wantURL: "https://localhost:8080/x"},
		{in: file, wantPath: file},
		{in: "./rel.html", wantPath: "./rel.html"},
		{in: "file://" + file, wantPath: file},
		{in: "file://localhost" + file, wantPath: file},
		{in: "file://otherhost/x", wantKind: KindBadURL},
		{in: "-dash", wantPath: "-dash"},
		{in: "ftp://example.org", wantKind: KindUnsupported},
		{in: "gopher://example.org", wantKind: KindUnsupported},
		{in: "http:///nohost", wantKind: KindBadURL},
		{in: "http://exa mple.org/", wantKind: KindBadURL},
		{in: "", wantKind: KindBadURL},
	}
	for _, c := range cases {
		u, path, err := ParseInput(c.in)
		var fe *Error
		switch {
		case c.wantKind != KindOther:
			if !errors.As(err, &fe) || fe.Kind != c.wantKind {
				t.Errorf("ParseInput(%q) error %v, want kind %d", c.in, err, c.wantKind)
			}
		case err != nil:
			t.Errorf("ParseInput(%q): %v", c.in, err)
		case c.wantURL != "" && (u == nil || u.String() != c.wantURL):
			t.Errorf("ParseInput(%q) = %v, want %s", c.in, u, c.wantURL)
		case c.wantPath != "" && path != c.wantPath:
			t.Errorf("ParseInput(%q) path %q, want %q", c.in, path, c.wantPath)
		}
	}
}

func TestClassify(t *testing.T) {
	u, _ := url.Parse("https://user:pw@example.invalid/")
	cases := []struct {
		err  error
		kind Kind
	}{
		{&url.Error{Op: "Get", URL: u.String(), Err: &net.OpError{Op: "dial", Err: &net.DNSError{Name: "example.invalid", Err: "no such host", IsNotFound: true}}}, KindResolve},
		{&net.OpError{Op: "dial", Err: fmt.Errorf("connect: %w", errors.New("network is unreachable"))}, KindConnect},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), KindPartial},
	}
	for _, c := range cases {
		err := classify(context.Background(), c.err, u, &Options{})
		var fe *Error
		if !errors.As(err, &fe) || fe.Kind != c.kind {
			t.Errorf("classify(%v) = %v, want kind %d", c.err, err, c.kind)
		}
		if fe != nil && fe.URL != "https://user:xxxxx@example.invalid/" {
			t.Errorf("URL not redacted: %q", fe.URL)
		}
	}
	if got := redactRaw("http://me:secret@h:x/"); got != "http://me:xxxxx@h:x/" {
		t.Errorf("redactRaw = %q", got)
	}
}

// TestOpenNoSchemeHint: an input typed without a scheme is tried over https;
// when the server speaks plain HTTP, the error says how to ask for it.
func TestOpenNoSchemeHint(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "plain")
	}))
	defer srv.Close()
	hostPort := strings.TrimPrefix(srv.URL, "http://")
	_, err := Open(context.Background(), hostPort+"/x", nil, Options{})
	var fe *Error
	if !errors.As(err, &fe) || fe.Kind != KindTLS {
		t.Fatalf("Open(%q) = %v, want a TLS error", hostPort, err)
	}
	if want := "for plain HTTP, give http://" + hostPort + "/x"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	// With a scheme the user chose https: no hint.
	_, err = Open(context.Background(), "https://"+hostPort+"/x", nil, Options{})
	if err == nil || strings.Contains(err.Error(), "plain HTTP") {
		t.Errorf("https:// given: %v", err)
	}
}
