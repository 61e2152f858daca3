package images

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLocalFileRefused names, as a local page's <img src> may, what is not
// a regular file, a file over MaxSize, and (from a page that is not local)
// a good image: each keeps its link with a warning, nothing is stored, and
// none hangs the Store.
func TestLocalFileRefused(t *testing.T) {
	src := t.TempDir()
	fifo := filepath.Join(src, "pic.gif") // a FIFO named as an image
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	os.Symlink(fifo, filepath.Join(src, "link.gif"))
	os.Mkdir(filepath.Join(src, "dir.gif"), 0o777)
	big := append(append([]byte(nil), gif1...), make([]byte, 1000)...)
	os.WriteFile(filepath.Join(src, "big.gif"), big, 0o644)
	os.WriteFile(filepath.Join(src, "good.gif"), gif1, 0o644)
	cases := []struct {
		name, path string
		local      bool
		warning    string
	}{
		{"FIFO", fifo, true, "not a regular file (a FIFO)"},
		{"link to a FIFO", filepath.Join(src, "link.gif"), true, "not a regular file (a FIFO)"},
		{"directory", filepath.Join(src, "dir.gif"), true, "not a regular file (a directory)"},
		{"device", os.DevNull, true, "not a regular file (a character device)"},
		{"terminal", "/dev/tty", true, "not a regular file (a character device)"},
		{"too large", filepath.Join(src, "big.gif"), true, "image over 500 bytes"},
		{"page not local", filepath.Join(src, "good.gif"), false, "a local image of a page that is not local"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := os.Stat(c.path); err != nil {
				t.Skip(err)
			}
			dir := t.TempDir()
			var warned []string
			s, err := New(context.Background(), Options{Dir: dir, LinkDir: "img", Local: c.local, MaxSize: 500,
				Warn: func(w string) { warned = append(warned, w) }})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan bool)
			src := "file://" + c.path
			go func() {
				_, ok := s.Link(src)
				done <- ok
			}()
			var ok bool
			select {
			case ok = <-done:
			case <-time.After(time.Minute): // only when broken: the open waits for a writer
				if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close() // lets the open return, and the test end
				}
				<-done
				t.Fatalf("storing %s hung", c.path)
			}
			s.Close()
			if ok || len(warned) != 1 || !strings.Contains(warned[0], c.warning) {
				t.Errorf("stored %v, warnings %q, want one with %q", ok, warned, c.warning)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("%d files stored", len(entries))
			}
		})
	}
}

// blockingReader's Read blocks until its test ends, as a read of a file on
// a stalled network file system does.
type blockingReader struct {
	started chan struct{}
	release chan struct{}
}

func (b *blockingReader) Read(p []byte) (int, error) {
	close(b.started)
	<-b.release
	return 0, io.EOF
}

// TestCtxReader: a copy whose read blocks ends when its context does, with
// the --max-time message for a deadline.
func TestCtxReader(t *testing.T) {
	for _, c := range []struct {
		name  string
		err   error
		cause error
		want  string
	}{
		{"deadline", context.DeadlineExceeded, context.DeadlineExceeded, "copy timed out after 2s (--max-time)"},
		{"cancel", context.Canceled, context.Canceled, "copy stopped"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := &blockingReader{started: make(chan struct{}), release: make(chan struct{})}
			defer close(b.release)
			ctx, cancel := context.WithCancelCause(context.Background())
			r := &ctxReader{ctx: &causeCtx{ctx, c.err}, r: b, timeout: 2 * time.Second}
			go func() {
				<-b.started
				cancel(c.cause)
			}()
			n, err := r.Read(make([]byte, 100))
			if n != 0 || !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Read = %d, %v; want %q", n, err, c.want)
			}
			if _, err2 := r.Read(make([]byte, 100)); err2 != err {
				t.Errorf("second Read: %v", err2)
			}
		})
	}
}

// causeCtx is ctx whose Err, once done, is err: a deadline without a
// clock.
type causeCtx struct {
	context.Context
	err error
}

func (c *causeCtx) Err() error {
	if c.Context.Err() != nil {
		return c.err
	}
	return nil
}
