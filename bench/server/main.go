// Command server serves bodies of any size on loopback for bench/compare.sh:
// /bytes?n=N is N bytes of text/plain (or ?type=application/octet-stream),
// /file?path=P serves a file (after delay=MS milliseconds, if given). /images?n=N&delay=MS is a page of N images
// for bench/images.sh, of every kind --images meets: most distinct PNGs at
// /img/I.png (each answered after MS milliseconds), and every tenth image a
// 404, a repeat of the first, one over 1 MiB, or a data: URL. It prints
// its URL and runs until killed.
package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
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
		if ms, err := strconv.Atoi(r.URL.Query().Get("delay")); err == nil {
			time.Sleep(time.Duration(ms) * time.Millisecond) // a server's answer time, for bench/batch.sh
		}
		f, err := os.Open(r.URL.Query().Get("path"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.Copy(w, f)
	})
	http.HandleFunc("/images", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		delay := r.URL.Query().Get("delay")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><title>Images</title><h1>Images</h1>\n")
		for i := range n {
			src := fmt.Sprintf("/img/%d.png?delay=%s", i, delay)
			switch i % 10 {
			case 3:
				src = "/img/missing.png"
			case 5:
				src = fmt.Sprintf("/img/0.png?delay=%s", delay)
			case 7:
				src = fmt.Sprintf("/img/%d.png?delay=%s&big=1", i, delay)
			case 9:
				src = "data:image/png;base64," + base64.StdEncoding.EncodeToString(benchImage(i, 100))
			}
			fmt.Fprintf(w, "<p>Image %d: <img src=\"%s\" alt=\"image %d\"></p>\n", i, src, i)
		}
	})
	http.HandleFunc("/img/", func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/img/%d.png", &i); err != nil {
			http.NotFound(w, r)
			return
		}
		ms, _ := strconv.Atoi(r.URL.Query().Get("delay"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		size := 30 << 10
		if r.URL.Query().Get("big") != "" {
			size = 2 << 20
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(benchImage(i, size))
	})
	http.Serve(ln, nil)
}

// benchImage returns about size bytes that read as a PNG (its signature and
// bytes that depend on i): distinct files for distinct i.
func benchImage(i, size int) []byte {
	b := make([]byte, size)
	copy(b, "\x89PNG\r\n\x1a\n")
	for j := 8; j < size; j++ {
		b[j] = byte(i + j*7)
	}
	return b
}
