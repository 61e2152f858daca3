// Package images stores the images of a converted page in a folder, so that
// the page's links to them still work offline and in a year: each image is
// downloaded (or decoded from its data: URL), checked to be an image, and
// written under a name made from its content, which stores an image used
// twice, or on a page inserted twice, once.
//
// Downloads start as soon as the images are known (Prefetch), a few at a
// time, while the page converts; the converter asks for each image's link
// when it writes it (Link), which waits for that image alone. An image that
// cannot be stored keeps its remote link, with one warning.
package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/insert-from-url/insert-from-url/fetch"
)

// Limits of one page's images.
const (
	// DefaultMaxImages is how many images of a page are stored at most;
	// the others keep their remote links.
	DefaultMaxImages = 200
	// DefaultMaxTotal caps the bytes of all a page's images together.
	DefaultMaxTotal = 256 << 20
	// Parallel is how many images download at a time: enough that a page
	// of many small images waits on a few round trips, not dozens (curl
	// -Z runs 50; a browser on HTTP/2 asks for all at once), few enough
	// not to flood one server.
	Parallel = 16
)

// Options says where images go and how they are fetched.
type Options struct {
	// Dir is the folder the files are written to; it is created if
	// missing.
	Dir string
	// LinkDir is how links name Dir: relative to the output file's
	// folder, or as the user gave it. Its separators are slashes.
	LinkDir string
	// Client fetches http and https images with the page's rules; nil
	// leaves remote images as they are (data: images are still stored).
	Client *fetch.Client
	// MaxSize caps one image in bytes; 0 means fetch.DefaultMaxSize.
	MaxSize int64
	// MaxTime bounds the copy of one local image, as Client's MaxTime
	// bounds a download; 0 means fetch.DefaultMaxTime, a negative value
	// means no limit.
	MaxTime time.Duration
	// Local says the page is a file the user chose, whose file: images
	// are copied; those of any other page are refused (the converter
	// does not link them either).
	Local bool
	// MaxImages and MaxTotal: 0 means DefaultMaxImages, DefaultMaxTotal.
	MaxImages int
	MaxTotal  int64
	// Warn receives one line for each image that keeps its remote link.
	Warn func(string)
}

// A Store downloads and names the images of one page. Its methods may be
// called from several goroutines.
type Store struct {
	opt    Options
	ctx    context.Context
	cancel context.CancelFunc
	slots  chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	entries map[string]*entry
	created map[string]bool // files this run wrote, by name
	used    map[string]bool // files a link points to, by name

	total      atomic.Int64 // bytes stored so far
	done, all  atomic.Int32
	overTotal  atomic.Bool
	warnedOver atomic.Bool
}

type entry struct {
	src   string
	ready chan struct{}
	name  string // the file's name in Dir, once stored
	err   error
	warn  sync.Once
}

// New returns a Store writing to opt.Dir, which it creates. Cancelling ctx
// stops the downloads.
func New(ctx context.Context, opt Options) (*Store, error) {
	if err := os.MkdirAll(opt.Dir, 0o777); err != nil {
		return nil, fmt.Errorf("cannot create the images folder: %w", err)
	}
	if opt.MaxImages <= 0 {
		opt.MaxImages = DefaultMaxImages
	}
	if opt.MaxTotal <= 0 {
		opt.MaxTotal = DefaultMaxTotal
	}
	if opt.MaxSize <= 0 {
		opt.MaxSize = fetch.DefaultMaxSize
	}
	if opt.MaxTime == 0 {
		opt.MaxTime = fetch.DefaultMaxTime
	}
	if opt.Warn == nil {
		opt.Warn = func(string) {}
	}
	s := &Store{opt: opt, slots: make(chan struct{}, Parallel), entries: map[string]*entry{},
		created: map[string]bool{}, used: map[string]bool{}}
	s.ctx, s.cancel = context.WithCancel(ctx)
	return s, nil
}

// Progress returns how many images are done and how many were asked for.
func (s *Store) Progress() (done, total int) { return int(s.done.Load()), int(s.all.Load()) }

// Prefetch starts storing the image at src (an absolute http, https or
// file: URL, or a data: URL) unless it is already on its way.
func (s *Store) Prefetch(src string) { s.start(src) }

func (s *Store) start(src string) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[src]; ok {
		return e
	}
	e := &entry{src: src, ready: make(chan struct{})}
	s.entries[src] = e
	if len(s.entries) > s.opt.MaxImages {
		e.err = errTooMany
		close(e.ready)
		return e
	}
	s.all.Add(1)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(e.ready)
		defer s.done.Add(1)
		select {
		case s.slots <- struct{}{}:
		case <-s.ctx.Done():
			e.err = s.ctx.Err()
			return
		}
		defer func() { <-s.slots }()
		e.name, e.err = s.store(src)
	}()
	return e
}

var errTooMany = errors.New("too many images")

// Link returns the link under which the image at src is to be written,
// waiting for it to be stored, and reports whether it was: an image that
// could not be stored keeps src, and its failure is warned about once.
func (s *Store) Link(src string) (string, bool) {
	e := s.start(src)
	select {
	case <-e.ready:
	case <-s.ctx.Done():
		return src, false
	}
	if e.err != nil {
		if errors.Is(e.err, errTooMany) {
			if !s.warnedOver.Swap(true) {
				s.opt.Warn(fmt.Sprintf("more than %d images: the others keep their remote links", s.opt.MaxImages))
			}
			return src, false
		}
		e.warn.Do(func() { s.opt.Warn(fmt.Sprintf("image not stored, its link kept: %s", e.err)) })
		return src, false
	}
	s.mu.Lock()
	s.used[e.name] = true
	s.mu.Unlock()
	return path.Join(s.opt.LinkDir, e.name), true
}

// Close ends the downloads still running, which no link waits for (every
// link the converter wrote has its answer by now), and removes the files
// this run stored that no link points to (an image the converter left out).
func (s *Store) Close() { s.end(true) }

// Abort stops the downloads and removes every file this run stored: a
// failed run leaves the folder as it was.
func (s *Store) Abort() { s.end(false) }

// end stops the downloads and removes the files this run stored, but for
// those a link points to when keepUsed is set.
func (s *Store) end(keepUsed bool) {
	s.cancel()
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for name := range s.created {
		if !keepUsed || !s.used[name] {
			os.Remove(filepath.Join(s.opt.Dir, name))
		}
	}
}

// store downloads or decodes one image into Dir and returns its file name.
func (s *Store) store(src string) (string, error) {
	if strings.HasPrefix(strings.ToLower(src), "data:") {
		data, err := decodeDataURL(src, s.opt.MaxSize)
		if err != nil {
			return "", fmt.Errorf("%w: data: URL", err)
		}
		return s.write(bytes.NewReader(data), "")
	}
	u, err := url.Parse(src)
	if err == nil && u.Scheme == "file" {
		// Only a local page links file: images (the converter
		// drops them from a remote one): a saved page's page_files/.
		if !s.opt.Local {
			return "", fmt.Errorf("a local image of a page that is not local: %s", src)
		}
		return s.copyFile(u)
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("not an http, https or file URL: %s", src)
	}
	if s.opt.Client == nil {
		return "", fmt.Errorf("no client: %s", u.Redacted())
	}
	resp, err := s.opt.Client.Get(s.ctx, u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if err := resp.Err(); err != nil {
		return "", err
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("HTTP %s: %s", resp.Status, resp.Name)
	}
	name, err := s.write(io.LimitReader(resp.Body, s.opt.MaxSize+1), resp.ContentType())
	var named *fetch.Error
	switch {
	case err != nil && errors.As(err, &named): // it names its URL
		return "", err
	case err != nil:
		return "", fmt.Errorf("%w: %s", err, resp.Name)
	}
	return name, nil
}

// copyFile stores the image in the local file u names, which must be a
// regular file: a page names what it likes, and opening a FIFO waits for
// a writer, reading /dev/tty or /dev/zero never ends, and a directory is
// no image. The copy has the limits of a download: MaxSize and MaxTime.
func (s *Store) copyFile(u *url.URL) (string, error) {
	path := filepath.FromSlash(u.Path)
	if fi, err := os.Stat(path); err != nil {
		return "", err
	} else if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("not a regular file (%s): %s", fileKind(fi.Mode()), u.Path)
	}
	// O_NONBLOCK: should the file become a FIFO between Stat and Open,
	// the open does not wait for a writer, and Stat below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return "", err
	} else if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("not a regular file (%s): %s", fileKind(fi.Mode()), u.Path)
	}
	ctx, cancel := s.ctx, context.CancelFunc(func() {})
	if s.opt.MaxTime > 0 {
		ctx, cancel = context.WithTimeout(s.ctx, s.opt.MaxTime)
	}
	defer cancel()
	r := &ctxReader{ctx: ctx, r: io.LimitReader(f, s.opt.MaxSize+1), timeout: s.opt.MaxTime}
	name, err := s.write(r, "")
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, u.Path)
	}
	return name, nil
}

// fileKind names the kind of a file that is not a regular one.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// ctxReader reads r until ctx is done, even when a Read of r blocks (a
// file on a stalled network file system): each Read runs in a goroutine
// with a buffer of its own, which is left to finish alone once ctx is
// done, and the reader fails from then on.
type ctxReader struct {
	ctx     context.Context
	r       io.Reader
	timeout time.Duration // for the message
	buf     []byte
	res     chan readResult
	err     error
}

type readResult struct {
	n   int
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if err := c.ctx.Err(); err != nil {
		return 0, c.fail(err)
	}
	if c.res == nil {
		c.buf = make([]byte, 32<<10)
		c.res = make(chan readResult, 1)
	}
	buf := c.buf[:min(len(p), len(c.buf))]
	go func() {
		n, err := c.r.Read(buf)
		c.res <- readResult{n, err}
	}()
	select {
	case r := <-c.res:
		return copy(p, buf[:r.n]), r.err
	case <-c.ctx.Done():
		c.buf = nil // the goroutine may still write into it
		return 0, c.fail(c.ctx.Err())
	}
}

func (c *ctxReader) fail(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		c.err = fmt.Errorf("copy timed out after %s (--max-time): %w", c.timeout, err)
	} else {
		c.err = fmt.Errorf("copy stopped: %w", err)
	}
	return c.err
}

// write copies an image into a temporary file in Dir while hashing it,
// checks that it is an image of a kind it names, and gives it its final
// name; a file of that name already there is the same image, and is kept.
func (s *Store) write(r io.Reader, declared string) (string, error) {
	tmp, err := os.CreateTemp(s.opt.Dir, ".insert-from-url-*.part")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	h := sha256.New()
	head := &headBuffer{max: sniffLen}
	n, err := io.Copy(io.MultiWriter(tmp, h, head), &totalCap{r: r, s: s})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return "", err
	case n > s.opt.MaxSize:
		return "", fmt.Errorf("image over %d bytes (--max-size)", s.opt.MaxSize)
	case n == 0:
		return "", errors.New("empty image")
	}
	ext, err := imageExt(head.b, declared)
	if err != nil {
		return "", err
	}
	name := hex.EncodeToString(h.Sum(nil)[:10]) + ext
	final := filepath.Join(s.opt.Dir, name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Lstat(final); err == nil {
		return name, nil
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", err
	}
	s.created[name] = true
	return name, nil
}

// totalCap fails a read once the page's images together pass MaxTotal.
type totalCap struct {
	r io.Reader
	s *Store
}

func (t *totalCap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if t.s.total.Add(int64(n)) > t.s.opt.MaxTotal {
		return n, fmt.Errorf("the page's images are over %d bytes together", t.s.opt.MaxTotal)
	}
	return n, err
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	b   []byte
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// sniffLen is how much of a file the content sniffer reads.
const sniffLen = 512

// imageExt returns the file extension of an image by its content: the
// bytes decide, not the Content-Type, which servers get wrong both ways
// (an HTML error page served as image/png is not stored). SVG is not
// stored: a file that a browser opens runs its scripts, with file:
// privileges, and cleaning SVG of every way to run one (script elements,
// event attributes, javascript: links, foreignObject HTML, external
// references) is a sanitizer of its own; an SVG keeps its remote link.
func imageExt(head []byte, declared string) (string, error) {
	if len(head) >= 12 && string(head[4:8]) == "ftyp" && (string(head[8:12]) == "avif" || string(head[8:12]) == "avis") {
		return ".avif", nil
	}
	sniffed := http.DetectContentType(head)
	switch sniffed {
	case "image/png":
		return ".png", nil
	case "image/jpeg":
		return ".jpg", nil
	case "image/gif":
		return ".gif", nil
	case "image/webp":
		return ".webp", nil
	case "image/bmp":
		return ".bmp", nil
	case "image/x-icon":
		return ".ico", nil
	}
	mt := strings.ToLower(strings.TrimSpace(strings.Split(declared, ";")[0]))
	if mt == "image/svg+xml" || bytes.Contains(bytes.ToLower(head), []byte("<svg")) {
		return "", errors.New("SVG images are not stored (they can hold scripts)")
	}
	what := strings.Split(sniffed, ";")[0]
	if mt != "" && mt != what {
		what += ", served as " + mt
	}
	return "", fmt.Errorf("not an image (%s)", what)
}

// decodeDataURL returns the bytes of a data: URL ("data:image/png;base64,…"
// or percent-encoded), refusing more than max bytes.
func decodeDataURL(src string, max int64) ([]byte, error) {
	meta, data, ok := strings.Cut(src[len("data:"):], ",")
	if !ok {
		return nil, errors.New("malformed")
	}
	if int64(len(data)) > max*2+1024 {
		return nil, fmt.Errorf("image over %d bytes (--max-size)", max)
	}
	if strings.HasSuffix(strings.ToLower(strings.TrimSpace(meta)), ";base64") {
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
				return -1
			}
			return r
		}, data)
		if u, err := url.PathUnescape(clean); err == nil {
			clean = u
		}
		b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(clean, "="))
		if err != nil {
			return nil, errors.New("malformed base64")
		}
		return b, nil
	}
	b, err := url.PathUnescape(data)
	if err != nil {
		return nil, errors.New("malformed percent-encoding")
	}
	return []byte(b), nil
}
