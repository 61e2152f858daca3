package writeout

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
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

func TestJSON(t *testing.T) {
	var out bytes.Buffer
	tr := Transfer{Response: &response, MediaType: "text/html", Converted: true, Title: "A \"title\"\n", PageType: "forum", Warnings: []string{"w1", "w2"}}
	if err := Write(`%{json}`, tr, &out, &out); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%s: %v", out.String(), err)
	}
	want := map[string]any{"url_effective": "", "http_code": 200.0, "content_type": "text/html; charset=utf-8", "size_download": 0.0, "exitcode": 0.0, "errormsg": "",
		"media_type": "text/html", "converted": 1.0, "title": "A \"title\"\n", "page_type": "forum", "warnings": []any{"w1", "w2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// TestAfterFailure: a failed run has its code and message, and no response.
func TestAfterFailure(t *testing.T) {
	var out bytes.Buffer
	tr := Transfer{Input: "https://nowhere.example/", Err: &fetch.Error{Kind: fetch.KindResolve, URL: "https://nowhere.example/", Msg: "could not resolve host"}}
	if err := Write(`%{exitcode} %{http_code} %{url_effective} %{errormsg}`, tr, &out, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "6 000 https://nowhere.example/ "; !strings.HasPrefix(got, want) || !strings.Contains(got, "could not resolve host") {
		t.Errorf("got %q, want %q…", got, want)
	}
}
