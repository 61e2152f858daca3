package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestOpenRules drives Open against servers on 127.0.0.1, one rule each:
// what the caller gets, a body or a typed error of the right kind.
func TestOpenRules(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, "unzipped")
		zw.Close()
	})
	mux.HandleFunc("/bad-gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		io.WriteString(w, "not gzip at all")
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(bytes.Repeat([]byte("x"), 4096)) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusNotFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusMovedPermanently) })
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "only this")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, c := range []struct {
		path string
		o    Options
		body string // when the body reads whole
		kind Kind   // else the kind of the error, from Open or the read
		// status is the HTTP error Response.Err reports, 0 for none.
		status int
	}{
		{path: "/ok", body: "hello"},
		{path: "/gzip", body: "unzipped"},
		{path: "/bad-gzip", kind: KindEncoding},
		{path: "/big", o: Options{MaxSize: 1024}, kind: KindTooLarge},
		{path: "/big", o: Options{MaxSize: 8192}, body: strings.Repeat("x", 4096)},
		{path: "/slow", o: Options{MaxTime: 200 * time.Millisecond}, kind: KindTimeout},
		{path: "/missing", body: "gone\n", status: 404},
		{path: "/loop", o: Options{MaxRedirects: 3}, kind: KindTooManyRedirects},
		{path: "/hop", body: "hello"},
		{path: "/short", kind: KindPartial},
	} {
		resp, err := Open(context.Background(), srv.URL+c.path, nil, c.o)
		var body []byte
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		var fe *Error
		switch {
		case c.kind != KindOther:
			if !errors.As(err, &fe) || fe.Kind != c.kind {
				t.Errorf("%s: error %v, want kind %d", c.path, err, c.kind)
			}
		case err != nil:
			t.Errorf("%s: %v", c.path, err)
		case string(body) != c.body:
			t.Errorf("%s: body %q, want %q", c.path, body, c.body)
		case c.status != 0:
			var se *StatusError
			if !errors.As(resp.Err(), &se) || se.StatusCode != c.status {
				t.Errorf("%s: Err() = %v, want status %d", c.path, resp.Err(), c.status)
			}
		case resp.Err() != nil:
			t.Errorf("%s: Err() = %v", c.path, resp.Err())
		}
	}
}

// TestOpenCancelled: a cancelled context is an interruption, not a
// timeout or a network error.
func TestOpenCancelled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := Open(ctx, srv.URL, nil, Options{})
	var fe *Error
	if !errors.As(err, &fe) || fe.Kind != KindInterrupted {
		t.Errorf("cancelled: %v", err)
	}
}

func TestParseHeaders(t *testing.T) {
	h, err := ParseHeaders([]string{"X-One: 1", "x-one: 2", "Accept:", "Cookie: a=b"})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Values("X-One"); len(got) != 2 || got[0] != "1" || got[1] != "2" {
		t.Errorf("X-One: %q", got)
	}
	if got, ok := h["Accept"]; !ok || len(got) != 1 || got[0] != "" {
		t.Errorf("Accept: (removal) %q", got)
	}
	for _, bad := range []string{"X: a\r\nHost: evil", "NoColon", ": empty name", "Bad Name: x"} {
		if _, err := ParseHeaders([]string{bad}); err == nil {
			t.Errorf("%q taken", bad)
		}
	}
}
