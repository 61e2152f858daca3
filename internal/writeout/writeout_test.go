package writeout

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/insert-from-url/insert-from-url/fetch"
)

var response = fetch.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}

func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		format, stdout, stderr, err string
	}{
		{`%{content_type}|%{http_code}|%{response_code}|%{media_type}|%{converted}`, "text/html; charset=utf-8|200|200|text/html|1", "", ""},
		{`a\tb\nc\r\q`, "a\tb\nc\r\\q", "", ""},
		{`out%{stderr}err%{stdout}out2`, "outout2", "err", ""},
		{`%{nope}`, "", "", "unknown variable %{nope}"},
		{`x%{content_type`, "", "", "no closing }"},
		{`\`, `\`, "", ""},
	} {
		var out, errb bytes.Buffer
		err := Write(tc.format, Transfer{Response: &response, MediaType: "text/html", Converted: true}, &out, &errb)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one with %q", tc.format, err, tc.err)
			}
			if err := Check(tc.format); err == nil {
				t.Errorf("Check(%q) = nil, want an error", tc.format)
			}
			continue
		}
		if err != nil || out.String() != tc.stdout || errb.String() != tc.stderr {
			t.Errorf("%q: %q, %q, %v; want %q, %q", tc.format, out.String(), errb.String(), err, tc.stdout, tc.stderr)
		}
	}
}

// TestWriteOneLine: a header's control characters never reach a terminal.
func TestWriteOneLine(t *testing.T) {
	r := fetch.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/html\x1b[2J\u202e"}}}
	var out bytes.Buffer
	if err := Write(`%{content_type}`, Transfer{Response: &r}, &out, &out); err != nil || out.String() != "text/html [2J" {
		t.Errorf("got %q, %v", out.String(), err)
	}
}

func FuzzWrite(f *testing.F) {
	f.Add(`%{stderr}%{content_type}\n%{http_code}`)
	f.Add(`%{`)
	f.Add(`\`)
	f.Fuzz(func(t *testing.T, format string) {
		var out, errb bytes.Buffer
		err := Write(format, Transfer{Response: &response}, &out, &errb)
		if err == nil && out.Len()+errb.Len() > len(format)*64+64 {
			t.Errorf("%d bytes from a %d-byte format", out.Len()+errb.Len(), len(format))
		}
	})
}
