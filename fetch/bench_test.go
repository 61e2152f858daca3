package fetch

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkThroughput fetches a large body over loopback; compare with curl
// in the same run with bench/compare.sh.
func BenchmarkThroughput(b *testing.B) {
	const size = 64 << 20
	block := make([]byte, 256<<10)
	for i := range block {
		block[i] = byte('a' + i%26)
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		for n := 0; n < size; n += len(block) {
			w.Write(block)
		}
	}))
	defer s.Close()
	b.SetBytes(size)
	for i := 0; i < b.N; i++ {
		resp, err := Open(context.Background(), s.URL, nil, Options{MaxSize: -1})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, resp.Body); err != nil || n != size {
			b.Fatalf("%d bytes, %v", n, err)
		}
		resp.Body.Close()
	}
}

// BenchmarkSmallFetch is the cost of one small fetch, connection included.
func BenchmarkSmallFetch(b *testing.B) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<p>small page</p>\n")
	}))
	defer s.Close()
	for i := 0; i < b.N; i++ {
		resp, err := Open(context.Background(), s.URL, nil, Options{})
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
