// Package batch converts many inputs in one run: several at a time, at
// most PerHost at once from one host, each converted into a spool (kept in
// memory while small, in a temporary file after), and handed to the caller
// in input order as soon as the pages before it are done. Memory is
// bounded by the number of pages in flight, not by their size.
package batch

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/internal/pipeline"
	"github.com/insert-from-url/insert-from-url/internal/writeout"
)

// Options is how a batch runs.
type Options struct {
	Parallel int // pages converted at once; 0 means DefaultParallel
	PerHost  int // connections to one host at once; 0 means DefaultPerHost
	// ShowErrorBody converts the body of an HTTP error too (the page
	// still fails).
	ShowErrorBody bool
	// Rendering is each page's pipeline.Hooks.Rendering: a browser
	// starts (true) or is gone (false). It may be nil.
	Rendering func(on bool)
}

// The defaults: four pages at once, as many fetchers do, and two per
// host, as HTTP/1.1 asked of polite clients.
const (
	DefaultParallel = 4
	DefaultPerHost  = 2
)

// Page is one input's outcome.
type Page struct {
	Input    string
	Response *fetch.Response // nil when nothing was fetched; its body is closed
	Result   pipeline.Result
	Err      error
	Warnings []string
	Body     *Spool // what the conversion wrote, whole or not; nil on a failure before it
}

// Transfer is what --write-out tells of p.
func (p *Page) Transfer() writeout.Transfer {
	return writeout.Transfer{Input: p.Input, Response: p.Response, MediaType: p.Result.MediaType, Converted: p.Result.Converted,
		Title: p.Result.Meta.Title, PageType: p.Result.Meta.Type, Warnings: p.Warnings, Err: p.Err}
}

// Run converts each input with o (o.Input is set per page) and calls emit
// with each page in input order. Pages before the one emit waits for are
// held at most a window ahead, so a slow page does not let the others pile
// up. An error from emit (the output is gone) stops the run and is
// returned; a page's failure is the page's, and the run goes on.
func Run(ctx context.Context, inputs []string, po pipeline.Options, bo Options, emit func(*Page) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parallel := bo.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	perHost := bo.PerHost
	if perHost <= 0 {
		perHost = DefaultPerHost
	}
	hosts := &hostLimit{max: perHost, busy: map[string]int{}}
	hosts.cond = sync.NewCond(&hosts.mu)
	window := make(chan struct{}, parallel*4) // pages started but not yet emitted
	results := make([]chan *Page, len(inputs))
	for i := range results {
		results[i] = make(chan *Page, 1)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(parallel, len(inputs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				host := hostOf(inputs[i])
				hosts.acquire(host)
				results[i] <- convert(ctx, inputs[i], po, bo)
				hosts.release(host)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range inputs {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var err error
	for i := range inputs {
		var p *Page
		select {
		case p = <-results[i]:
		case <-ctx.Done():
			// A page not started is interrupted like the others.
			p = &Page{Input: inputs[i], Err: &fetch.Error{Kind: fetch.KindInterrupted, Msg: "interrupted"}}
		}
		if err == nil {
			err = emit(p)
			if err != nil {
				cancel()
			}
		}
		p.Body.Close()
		select {
		case <-window:
		default:
		}
	}
	cancel()
	wg.Wait()
	for i := range results { // pages finished after a stop
		select {
		case p := <-results[i]:
			p.Body.Close()
		default:
		}
	}
	return err
}

// convert runs one page through the pipeline into a spool.
func convert(ctx context.Context, input string, po pipeline.Options, bo Options) *Page {
	o := po
	o.Input = input
	p := &Page{Input: input}
	if err := ctx.Err(); err != nil {
		p.Err = &fetch.Error{Kind: fetch.KindInterrupted, Msg: "interrupted"}
		return p
	}
	var mu sync.Mutex
	h := pipeline.Hooks{Rendering: bo.Rendering, Warn: func(msg string) {
		mu.Lock()
		p.Warnings = append(p.Warnings, msg)
		mu.Unlock()
	}}
	src, err := pipeline.Open(ctx, &o, h)
	if err != nil {
		p.Err = err
		return p
	}
	defer src.Body.Close()
	p.Response = src.Response
	statusErr := src.Err()
	if statusErr != nil && !bo.ShowErrorBody {
		p.Err = statusErr
		return p
	}
	p.Body = &Spool{}
	p.Result, err = pipeline.Write(ctx, p.Body, src, &o, h, false)
	if err == nil && ctx.Err() != nil {
		err = &fetch.Error{Kind: fetch.KindInterrupted, Msg: "interrupted"}
	}
	if err == nil {
		err = statusErr
	}
	p.Err = err
	return p
}

// hostOf is the host an input connects to; "" for a file or stdin, which
// take no connection.
func hostOf(input string) string {
	u, _, err := fetch.ParseInput(input)
	if err != nil || u == nil {
		return ""
	}
	return u.Host
}

// hostLimit lets at most max pages of one host run at once.
type hostLimit struct {
	mu   sync.Mutex
	cond *sync.Cond
	max  int
	busy map[string]int
}

func (l *hostLimit) acquire(host string) {
	if host == "" {
		return
	}
	l.mu.Lock()
	for l.busy[host] >= l.max {
		l.cond.Wait()
	}
	l.busy[host]++
	l.mu.Unlock()
}

func (l *hostLimit) release(host string) {
	if host == "" {
		return
	}
	l.mu.Lock()
	l.busy[host]--
	l.mu.Unlock()
	l.cond.Broadcast()
}

// spoolMemory is how much of a page a spool keeps in memory before it
// moves it to a temporary file.
const spoolMemory = 256 << 10

// Spool keeps what is written to it, in memory up to spoolMemory, in a
// temporary file past it, to be read once from the start.
type Spool struct {
	buf      bytes.Buffer
	file     *os.File
	unlinked bool
	size     int64
}

func (s *Spool) Write(p []byte) (int, error) {
	s.size += int64(len(p))
	if s.file == nil && s.buf.Len()+len(p) <= spoolMemory {
		return s.buf.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "insert-from-url-*")
		if err != nil {
			return 0, err
		}
		// Unlinked at once where the system allows it (it stays readable
		// through f): a run ended by a signal leaves no file behind.
		if os.Remove(f.Name()) == nil {
			s.unlinked = true
		}
		s.file = f
		if _, err := f.Write(s.buf.Bytes()); err != nil {
			return 0, err
		}
		s.buf = bytes.Buffer{}
	}
	return s.file.Write(p)
}

// Len is how many bytes were written.
func (s *Spool) Len() int64 {
	if s == nil {
		return 0
	}
	return s.size
}

// Reader reads what was written, from the start.
func (s *Spool) Reader() (io.Reader, error) {
	if s == nil {
		return bytes.NewReader(nil), nil
	}
	if s.file == nil {
		return bytes.NewReader(s.buf.Bytes()), nil
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return s.file, nil
}

// Close removes the temporary file; nil is a spool too.
func (s *Spool) Close() {
	if s == nil || s.file == nil {
		return
	}
	s.file.Close()
	if !s.unlinked {
		os.Remove(s.file.Name())
	}
	s.file = nil
}
