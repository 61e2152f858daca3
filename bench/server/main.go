// Command server serves bodies of any size on loopback for bench/compare.sh:
// /bytes?n=N is N bytes of text/plain (or ?type=application/octet-stream),
// /file?path=P serves a file. It prints its URL and runs until killed.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	line := []byte("The quick brown fox jumps over the lazy dog, again and again and again.\n")
	block := make([]byte, 0, 256<<10)
	for len(block)+len(line) <= cap(block) {
		block = append(block, line...)
	}
	http.HandleFunc("/bytes", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
		ctype := r.URL.Query().Get("type")
		if ctype == "" {
			ctype = "text/plain; charset=utf-8"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		for n > 0 {
			chunk := block[:min(int64(len(block)), n)]
			if _, err := w.Write(chunk); err != nil {
				return
			}
			n -= int64(len(chunk))
		}
	})
	http.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(r.URL.Query().Get("path"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.Copy(w, f)
	})
	http.Serve(ln, nil)
}
