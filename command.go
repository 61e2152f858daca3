package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/insert-from-url/insert-from-url/elisp"
	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/images"
	"github.com/insert-from-url/insert-from-url/internal/cli"
	"github.com/insert-from-url/insert-from-url/internal/exitcode"
	"github.com/insert-from-url/insert-from-url/internal/pipeline"
	"github.com/insert-from-url/insert-from-url/internal/writeout"
	"github.com/insert-from-url/insert-from-url/output"
)

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
	// rendering counts the browsers rendering pages: a signal then
	// waits for it to be gone.
	rendering atomic.Int32
	// transfer is what --write-out tells.
	transfer writeout.Transfer
	// progress is the meter, nil when none is drawn; renderMeter the one
	// shown while a browser renders.
	progress, renderMeter *output.Progress
	// warned are the warnings given, for --write-out (from any goroutine).
	mu     sync.Mutex
	warned []string
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
	opts, err := parseArgs(args, c.stdin, stderr)
	var unreadable *fetch.Error
	switch {
	case errors.Is(err, errHelp):
		return exitcode.OK
	case errors.As(err, &unreadable): // the --input-file list
		return c.fail(err)
	case err != nil:
		fmt.Fprintf(stderr, "%s: %s (see --help)\n", progName, cli.OneLine(err.Error()))
		return exitcode.Usage
	}
	switch {
	case opts.ShowVersion:
		fmt.Fprintf(stdout, "%s %s\n", progName, cli.Version())
		return exitcode.OK
	case opts.PrintEmacs:
		if _, err := io.WriteString(stdout, elisp.Source); err != nil {
			return c.fail(&output.WriteError{Err: err})
		}
		return exitcode.OK
	}
	opts.Stdin = c.stdin
	c.opts = opts
	if opts.Batch {
		return c.batch(ctx)
	}
	return c.fetch(ctx)
}

func (c *command) fail(err error) int {
	fmt.Fprintf(c.stderr, "%s: %s\n", progName, cli.OneLine(err.Error()))
	return exitcode.Of(err)
}

func (c *command) warn(msg string) {
	fmt.Fprintf(c.stderr, "%s: warning: %s\n", progName, cli.OneLine(msg))
	c.mu.Lock()
	c.warned = append(c.warned, msg)
	c.mu.Unlock()
}

// warnings are the run's warnings so far, for --write-out.
func (c *command) warnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.warned)
}

// hooks are what the pipeline tells the command: its warnings, a browser
// running (a signal then waits for it, and the meter says so), the image
// store (for abort, and the meter's count).
func (c *command) hooks() pipeline.Hooks {
	return pipeline.Hooks{
		Warn: c.warn,
		Rendering: func(on bool) {
			c.renderingHook(on)
			if on {
				// At once for a program that shows it (Emacs's mode
				// line), else after the usual delay.
				c.renderMeter = c.meter(nil, -1, !c.opts.Progress)
				c.renderMeter.SetExtra(func() string { return "rendering in a browser" })
			} else {
				c.renderMeter.Stop()
			}
		},
		Images: func(store *images.Store) {
			c.images.Store(store)
			c.progress.SetExtra(func() string {
				done, total := store.Progress()
				return fmt.Sprintf("  images %d/%d", done, total)
			})
		},
	}
}

func (c *command) fetch(ctx context.Context) int {
	o := c.opts
	src, err := pipeline.Open(ctx, &o.Options, c.hooks())
	if err != nil {
		return c.finish(err, nil)
	}
	resp := src.Response
	defer resp.Body.Close()

	statusErr := resp.Err()
	if statusErr != nil && !o.ShowErrorBody {
		return c.finish(statusErr, resp)
	}

	progress := c.meter(resp.Received, resp.ContentLength, true)
	defer progress.Stop()
	c.progress = progress

	toStdout := o.Output == "" || o.Output == "-"
	toTerminal := toStdout && isTerminal(c.stdout)
	var file output.Sink
	if toStdout {
		file = output.NewStdout(c.stdout)
	} else if file, err = output.NewFile(o.Output); err != nil {
		return c.finish(fmt.Errorf("cannot write %s: %w", o.Output, err), resp)
	} else {
		toTerminal = isTerminal(file) // -o /dev/tty
	}
	sink := output.NewGuard(file)
	c.sink.Store(sink)
	if ctx.Err() != nil { // a signal came before the sink was there to abort
		sink.Abort()
		return c.finish(&fetch.Error{Kind: fetch.KindInterrupted, Msg: "interrupted"}, resp)
	}

	res, err := pipeline.Write(ctx, sink, src, &o.Options, c.hooks(), toTerminal)
	c.transfer.MediaType, c.transfer.Converted = res.MediaType, res.Converted
	c.transfer.Title, c.transfer.PageType = res.Meta.Title, res.Meta.Type
	progress.Stop()
	if err == nil && ctx.Err() != nil {
		// A signal came while the body was converted: what was written
		// may be whole, but it is not what the page would have given
		// (an image left remote because its download was stopped).
		err = &fetch.Error{Kind: fetch.KindInterrupted, Msg: "interrupted"}
	}
	if err != nil {
		sink.Abort()
		return c.finish(err, resp)
	}
	if err := sink.Commit(); err != nil {
		return c.finish(err, resp)
	}
	return c.finish(statusErr, resp)
}

// finish ends a run with err (nil when it converted): the --write-out
// format, which is written after a failure too, as curl's is (with
// %{exitcode} and %{errormsg}), then the error line.
func (c *command) finish(err error, resp *fetch.Response) int {
	if c.opts.WriteOut != "" {
		t := c.transfer
		t.Input, t.Response, t.Err, t.Warnings = c.opts.Input, resp, err, c.warnings()
		if werr := writeout.Write(c.opts.WriteOut, t, c.stdout, c.stderr); werr != nil && err == nil {
			err = &output.WriteError{Err: werr}
		}
	}
	if err != nil {
		return c.fail(err)
	}
	return exitcode.OK
}

// renderingHook counts the browsers at work, for a signal to wait for.
func (c *command) renderingHook(on bool) {
	if on {
		c.rendering.Add(1)
	} else {
		c.rendering.Add(-1)
	}
}

// meter starts the progress meter on stderr when one is drawn (--progress,
// or a terminal without -s): nil otherwise, which its methods accept.
// received is nil for a meter of its extra line alone.
func (c *command) meter(received func() int64, total int64, delayed bool) *output.Progress {
	if !c.opts.Progress && (c.opts.Silent || !isTerminal(c.stderr)) {
		return nil
	}
	if received == nil {
		received = func() int64 { return 0 }
	}
	delay := output.ProgressDelay
	if !delayed {
		delay = 0
	}
	return output.StartProgress(c.stderr, received, total, delay)
}
