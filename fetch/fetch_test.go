package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
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
