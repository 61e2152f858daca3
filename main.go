// Insert-from-url fetches a web page (or reads a file or standard input),
// decodes its body to UTF-8, optionally converts HTML to plain text, Markdown
// or Org, and prints it. It exits with curl's exit codes, so scripts written
// for curl can read its failures, and prints nothing but the body on stdout.
//
// Usage:
//
//	insert-from-url [flags] URL|FILE|-
//
// Run insert-from-url --help for the flags.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/term"

	"github.com/insert-from-url/insert-from-url/elisp"
	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/images"
	"github.com/insert-from-url/insert-from-url/internal/htmlx"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/strip"
)

const progName = "insert-from-url"

func main() {
	// net/http logs some protocol errors to the standard logger; stderr
	// carries our one line and nothing else.
	log.SetOutput(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		// A signal the parent ignores (nohup, a script's "cmd &") stays
		// ignored: Notify would make it end the run.
		if !signal.Ignored(sig) {
			signal.Notify(signals, sig)
		}
	}
	c := &command{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	done := make(chan int, 1)
	go func() { done <- c.run(ctx, os.Args[1:]) }()
	select {
	case code := <-done:
		os.Exit(code)
	case sig := <-signals:
		// A read of stdin or a FIFO cannot be cancelled: rather than wait
		// for it, take the output back and leave, with the shell's code
		// for a death by this signal.
		cancel()
		c.abort()
		grace := interruptGrace
		if c.rendering.Load() {
			// The browser, its children and its profile must go
			// first: the render returns once they have.
			grace = renderGrace
		}
		select {
		case <-done: // its one error line, if it was quick
		case <-time.After(grace):
		}
		code := 128 + 2
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}
}

// interruptGrace is how long a signal lets the run end on its own.
const interruptGrace = 200 * time.Millisecond

// renderGrace is how long a signal waits for a browser to be cleaned up.
const renderGrace = 5 * time.Second

// run is the whole command: it parses args, does the job and returns the
// exit code. It writes the body to stdout and at most one error line to
// stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &command{stdin: stdin, stdout: stdout, stderr: stderr}
	return c.run(ctx, args)
}

type command struct {
	opts   *options
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// sink is the output once it is open, for abort.
	sink atomic.Pointer[output.Guard]
	// images stores the page's images with --images, for abort.
	images atomic.Pointer[images.Store]
	// rendering is set while a browser renders the page: a signal then
	// waits for it to be gone.
	rendering atomic.Bool
	// rendered says the page is the DOM a browser made by running its
	// scripts: its <noscript> is hidden.
	rendered bool
	// transfer is what --write-out tells.
	transfer transfer
	// progress is the meter, nil when none is drawn.
	progress *output.Progress
}

// abort takes the output back, from any goroutine: a temporary file is
// removed, a file stdout is cut back, and nothing more is written. It gives
// up waiting after a second (a write blocked on a full pipe).
func (c *command) abort() {
	g := c.sink.Load()
	store := c.images.Load()
	if g == nil && store == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		if store != nil {
			store.Abort()
		}
		if g != nil {
			g.Abort()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
}

func (c *command) run(ctx context.Context, args []string) int {
	stdout, stderr := c.stdout, c.stderr
	opts, err := parseArgs(args, stderr)
	if err != nil {
		if errors.Is(err, errHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "%s: %s (see --help)\n", progName, oneLine(err.Error()))
		return exitUsage
	}
	switch {
	case opts.ShowVersion:
		fmt.Fprintf(stdout, "%s %s\n", progName, version())
		return exitOK
	case opts.PrintEmacs:
		if _, err := io.WriteString(stdout, elisp.Source); err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", progName, oneLine((&output.WriteError{Err: err}).Error()))
			return exitWrite
		}
		return exitOK
	}
	c.opts = opts
	return c.fetch(ctx)
}

func (c *command) fail(err error) int {
	fmt.Fprintf(c.stderr, "%s: %s\n", progName, oneLine(err.Error()))
	return exitCode(err)
}

func (c *command) warn(msg string) {
	fmt.Fprintf(c.stderr, "%s: warning: %s\n", progName, oneLine(msg))
}

func (c *command) fetch(ctx context.Context) int {
	o := c.opts
	resp, err := c.open(ctx)
	if err != nil {
		return c.fail(err)
	}
	defer resp.Body.Close()

	statusErr := resp.Err()
	if statusErr != nil && !o.ShowErrorBody {
		return c.fail(statusErr)
	}

	var progress *output.Progress
	if o.Progress || (!o.Silent && isTerminal(c.stderr)) {
		progress = output.StartProgress(c.stderr, resp.Received, resp.ContentLength, output.ProgressDelay)
	}
	defer progress.Stop()
	c.progress = progress

	toStdout := o.Output == "" || o.Output == "-"
	toTerminal := toStdout && isTerminal(c.stdout)
	var file output.Sink
	if toStdout {
		file = output.NewStdout(c.stdout)
	} else if file, err = output.NewFile(o.Output); err != nil {
		return c.fail(fmt.Errorf("cannot write %s: %w", o.Output, err))
	} else {
		toTerminal = isTerminal(file) // -o /dev/tty
	}
	sink := output.NewGuard(file)
	c.sink.Store(sink)
	if ctx.Err() != nil { // a signal came before the sink was there to abort
		sink.Abort()
		return c.fail(&fetch.Error{Kind: fetch.KindInterrupted, Msg: "interrupted"})
	}

	err = c.writeBody(ctx, sink, resp, toTerminal)
	progress.Stop()
	if err == nil && ctx.Err() != nil {
		// A signal came while the body was converted: what was written
		// may be whole, but it is not what the page would have given
		// (an image left remote because its download was stopped).
		err = &fetch.Error{Kind: fetch.KindInterrupted, Msg: "interrupted"}
	}
	if err != nil {
		sink.Abort()
		return c.fail(err)
	}
	if err := sink.Commit(); err != nil {
		return c.fail(err)
	}
	if o.WriteOut != "" {
		c.transfer.resp = resp
		if err := writeOut(o.WriteOut, c.transfer, c.stdout, c.stderr); err != nil {
			return c.fail(&output.WriteError{Err: err})
		}
	}
	if statusErr != nil {
		return c.fail(statusErr)
	}
	return exitOK
}

// writeBody decodes and converts the body of resp into w.
func (c *command) writeBody(ctx context.Context, w io.Writer, resp *fetch.Response, toTerminal bool) error {
	o := c.opts
	if toTerminal {
		w = output.NewTerminalFilter(w)
	}
	if o.Include && resp.Proto != "" {
		if err := writeHead(w, resp); err != nil {
			return err
		}
	}
	refuseBinary := toTerminal || o.TextOnly
	if o.NoDecode {
		if refuseBinary {
			return &binaryRefusedError{what: "undecoded body", terminal: toTerminal}
		}
		_, err := output.Copy(w, resp.Body)
		return err
	}
	body, err := strip.Decode(resp.Body, resp.ContentType(), strip.DecodeOptions{Charset: o.Charset, Warn: c.warn})
	if err != nil {
		return err
	}
	c.transfer.mediaType = body.MediaType
	c.transfer.converted = body.HTML && o.Format != strip.FormatRaw
	if body.Binary {
		if refuseBinary {
			return &binaryRefusedError{what: "binary body (" + body.MediaType + ")", terminal: toTerminal}
		}
		if o.Format == strip.FormatTitle {
			return nil
		}
		_, err := output.Copy(w, body)
		return err
	}
	base, local := resp.URL, c.isLocal(resp)
	if local {
		base = resp.LocalURL
	}
	opt := strip.Options{
		Format:        o.Format,
		HTML:          body.HTML,
		BaseURL:       base,
		Local:         local,
		Links:         o.Links,
		Width:         o.Width,
		BaseLevel:     o.BaseLevel,
		ShiftHeadings: o.ShiftHeadings,
		NoImageText:   o.Readable,
		Scripted:      c.rendered,
	}
	var seen *textSeen
	if body.HTML && o.Format != strip.FormatRaw && o.Format != strip.FormatTitle {
		seen = &textSeen{w: w}
		w = seen
	}
	switch {
	case body.HTML && (o.Readable || len(o.Select) > 0 || o.Images != ""):
		err = c.writeNarrowed(ctx, w, body, base, opt)
	case body.HTML && (o.Metadata || o.Format == strip.FormatTitle):
		// The title is the metadata's, whichever path the page takes.
		err = c.writeWithMetadata(w, body, base, opt)
	case seen != nil && !c.rendered:
		// Kept while nothing shows, for a page hidden until its
		// scripts run (visibility:hidden around everything).
		shown := false
		kept := &keptInput{max: maxKeptInput, done: func() bool { return shown }}
		opt.OnText = func() { shown = true }
		err = strip.Convert(w, io.TeeReader(body, kept), opt)
		if err == nil && !seen.text && !kept.over {
			opt.ShowHidden, opt.OnText = true, nil
			if err = strip.Convert(w, bytes.NewReader(kept.b), opt); seen.text {
				c.warn("the page hides all of its content until its scripts run: printed with its hidden parts")
			}
		}
	default:
		err = strip.Convert(w, body, opt)
	}
	if err == nil && seen != nil && !seen.text {
		// An empty insertion or record is never silent.
		switch {
		case o.Readable:
			c.warn("reading mode found no text on this page; without --readable, or with --select SELECTOR, more of it may show")
		case len(o.Select) > 0:
			c.warn("the selection holds no text")
		case !c.rendered:
			c.warn("the page converted to nothing: its scripts may build or reveal its content (try --render)")
		default:
			c.warn("the page converted to nothing, even rendered")
		}
	}
	return err
}

// maxKeptInput bounds the page kept for a second conversion with its
// hidden parts: a page hidden until its scripts run is seldom larger.
const maxKeptInput = 8 << 20

// keptInput keeps what is written to it, up to max bytes and only until
// done says it is not needed.
type keptInput struct {
	b    []byte
	max  int
	over bool
	done func() bool
}

func (k *keptInput) Write(p []byte) (int, error) {
	switch {
	case k.over:
	case k.done():
		k.over, k.b = true, nil
	case len(k.b)+len(p) > k.max:
		k.over, k.b = true, nil
	default:
		k.b = append(k.b, p...)
	}
	return len(p), nil
}

// showsText reports whether n converts to anything but white space with
// opt (its format, its hidden parts or not), stopping at the first text.
func showsText(n *html.Node, opt strip.Options) bool {
	seen := &textSeen{w: io.Discard, stop: true}
	opt.Images = nil
	err := strip.ConvertNodes(seen, []*html.Node{n}, opt)
	return seen.text || err != nil && !errors.Is(err, errSeen)
}

func withBase(opt strip.Options, base *url.URL) strip.Options {
	opt.BaseURL = base
	return opt
}

func withHidden(opt strip.Options, base *url.URL) strip.Options {
	opt.BaseURL, opt.ShowHidden = base, true
	return opt
}

// errSeen stops a conversion once textSeen has seen text.
var errSeen = errors.New("text seen")

// textSeen passes writes through and notes whether any of them held
// something other than white space.
type textSeen struct {
	w    io.Writer
	text bool
	stop bool // fail the first write that holds text, with errSeen
}

func (t *textSeen) Write(p []byte) (int, error) {
	if !t.text && len(bytes.TrimSpace(p)) > 0 {
		t.text = true
		if t.stop {
			return 0, errSeen
		}
	}
	return t.w.Write(p)
}

// isLocal reports whether the page in resp is one the user keeps on this
// machine, whose file: links and images are theirs: a file, or stdin with
// --local. Stdin is otherwise a page from the network (curl … | us), with
// the rules of one: no file: link, no local image copied, no credentials
// sent for its images.
func (c *command) isLocal(resp *fetch.Response) bool {
	if resp.URL != nil {
		return false
	}
	return c.opts.Input != "-" || c.opts.Local
}

// writeWithMetadata converts the whole page after its metadata, which
// comes from its <head>: the page still streams, whatever its size.
func (c *command) writeWithMetadata(w io.Writer, body io.Reader, pageURL *url.URL, opt strip.Options) error {
	head, page, err := readable.ReadHead(body)
	if err != nil {
		return err
	}
	doc, err := html.Parse(bytes.NewReader(head))
	if err != nil {
		return err
	}
	meta := readable.PageMetadata(doc, htmlx.BaseURL(doc, pageURL))
	if done, err := c.writeHeader(w, meta, &opt); done || err != nil {
		return err
	}
	return strip.Convert(w, page, opt)
}

// writeHeader writes what comes before the page: with -f title, the title
// alone, and then the page is done; with --metadata, the metadata.
func (c *command) writeHeader(w io.Writer, meta readable.Metadata, opt *strip.Options) (done bool, err error) {
	if title := strip.OneLine(meta.Title); opt.Format == strip.FormatTitle && title != "" {
		_, err := io.WriteString(w, title+"\n")
		return true, err
	}
	if !c.opts.Metadata {
		return false, nil
	}
	m := strip.Metadata{Title: meta.Title, Author: meta.Author, Site: meta.Site, Date: meta.Date, URL: meta.URL}
	return false, strip.WriteMetadata(w, m, opt)
}

var errNoMatch = errors.New("no element matches --select")

// writeNarrowed converts the part of the page that --readable or --select
// keeps (the whole page without them), after the metadata that --metadata
// asks for, with the images that --images stores. These need the whole
// tree of the page, where the plain conversion streams; the converter then
// reads the tree it keeps, without parsing it again. pageURL is where the
// page's relative links lead (nil: nowhere).
func (c *command) writeNarrowed(ctx context.Context, w io.Writer, body io.Reader, pageURL *url.URL, opt strip.Options) error {
	o := c.opts
	doc, err := readable.Parse(body)
	if err != nil {
		return err
	}
	base := htmlx.BaseURL(doc, pageURL)
	var nodes []*html.Node
	var meta readable.Metadata
	switch {
	case len(o.Select) > 0:
		if nodes, err = readable.Select(doc, o.Select); err != nil {
			return err
		}
		if len(nodes) == 0 {
			return fmt.Errorf("%w (%s)", errNoMatch, strings.Join(o.Select, ", "))
		}
		meta = readable.PageMetadata(doc, base)
	case o.Readable:
		var article *html.Node
		article, meta, err = readable.Article(doc, base)
		switch {
		case errors.Is(err, readable.ErrNoArticle) && !o.RequireArticle:
			c.warn("no article found; printing the whole page")
			nodes = []*html.Node{doc}
		case err != nil:
			return err
		case !o.RequireArticle && o.Format != strip.FormatTitle && o.Format != strip.FormatRaw && !showsText(article, withBase(opt, base)):
			// An article of pictures, or of text the page hides: a
			// reader gets more from the page than from nothing.
			c.warn("the article found holds no text; printing the whole page")
			nodes = []*html.Node{doc}
		default:
			nodes = []*html.Node{article}
		}
	default:
		nodes = []*html.Node{doc}
		meta = readable.PageMetadata(doc, base)
	}
	if len(nodes) == 1 && nodes[0] == doc && !c.rendered && o.Format != strip.FormatTitle && o.Format != strip.FormatRaw && !showsText(doc, withBase(opt, base)) && showsText(doc, withHidden(opt, base)) {
		// Hidden whole until its scripts run, as on the stream path.
		opt.ShowHidden = true
		c.warn("the page hides all of its content until its scripts run: printed with its hidden parts")
	}
	if done, err := c.writeHeader(w, meta, &opt); done || err != nil {
		return err
	}
	opt.BaseURL = base
	if o.Images == "" {
		return strip.ConvertNodes(w, nodes, opt)
	}
	store, err := c.startImages(ctx, opt.Local, strip.ImageSources(nodes, base, opt.Local))
	if err != nil {
		return err
	}
	opt.Images = store
	if err := strip.ConvertNodes(w, nodes, opt); err != nil {
		store.Abort()
		return err
	}
	store.Close()
	return nil
}

func writeHead(w io.Writer, resp *fetch.Response) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", resp.Proto, resp.Status)
	var hb strings.Builder
	resp.Header.Write(&hb)
	b.WriteString(strings.ReplaceAll(hb.String(), "\r\n", "\n"))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// binaryRefusedError stops binary bytes from reaching a terminal, or any
// output with --text-only.
type binaryRefusedError struct {
	what     string
	terminal bool
}

func (e *binaryRefusedError) Error() string {
	if e.terminal {
		return e.what + " not printed to a terminal; use -o FILE or a pipe"
	}
	return e.what + " refused (--text-only)"
}

// isTerminal reports whether w is a terminal. Tests pass writers with an
// IsTerminal method to stand for one.
func isTerminal(w io.Writer) bool {
	switch t := w.(type) {
	case interface{ IsTerminal() bool }:
		return t.IsTerminal()
	case *os.File:
		return term.IsTerminal(int(t.Fd()))
	}
	return false
}

// oneLine keeps an error message on one line, whatever a server put in it,
// and without the bidi controls that would make it read otherwise.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return ' '
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
