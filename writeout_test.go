package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestWriteOut(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<p>Hi</p>")
		case "/plain":
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "Hi\n")
		case "/sniffed":
			w.Header()["Content-Type"] = nil
			fmt.Fprint(w, "<!DOCTYPE html><p>Hi</p>")
		default:
			http.NotFound(w, r)
		}
	})
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"-f", "org", "-w", `\n%{content_type}|%{http_code}|%{media_type}|%{converted}|%{size_download}`, srv.URL + "/page"},
			0, "Hi\n\ntext/html; charset=utf-8|200|text/html|1|9", ""},
		{[]string{"-f", "org", "-w", `%{stderr}%{converted} %{media_type}\n`, srv.URL + "/plain"}, 0, "Hi\n", "0 text/plain\n"},
		{[]string{"-f", "raw", "-w", `%{stderr}%{converted}`, srv.URL + "/page"}, 0, "<p>Hi</p>", "0"},
		{[]string{"-f", "markdown", "-w", `%{stderr}%{media_type} %{converted}`, srv.URL + "/sniffed"}, 0, "Hi\n", "text/html 1"},
		// Written after a failure too, as curl's is.
		{[]string{"-w", `%{http_code}\t%{exitcode}.`, srv.URL + "/gone"}, 22, "404\t22.", ""},
		{[]string{"-w", `%{http_code} %{exitcode} %{url_effective}`, "http://127.0.0.1:1/x"}, 7, "000 7 http://127.0.0.1:1/x", ""},
		{[]string{"--show-error-body", "-w", `%{stderr}%{http_code}`, srv.URL + "/gone"}, 22, "404 page not found\n", "404"},
		{[]string{"-w", `%{nope}`, srv.URL + "/page"}, 2, "", ""},
		{[]string{"-w", `%{content_type`, srv.URL + "/page"}, 2, "", ""},
	} {
		var out bytes.Buffer
		r := runWith(t, nil, &out, tc.args...)
		stderr := r.stderr
		if i := strings.Index(stderr, "insert-from-url:"); i >= 0 {
			stderr = stderr[:i] // the error line, checked by the code
		}
		if r.code != tc.code || out.String() != tc.stdout || stderr != tc.stderr {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, r.code, out.String(), r.stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
}
