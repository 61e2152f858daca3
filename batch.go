package main

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/insert-from-url/insert-from-url/internal/batch"
	"github.com/insert-from-url/insert-from-url/internal/exitcode"
	"github.com/insert-from-url/insert-from-url/internal/writeout"
	"github.com/insert-from-url/insert-from-url/output"
)

// batch converts many inputs (see batch.Output for where they go). A
// page's failure is its own: its error line (or its record's error), and
// the others go on. The exit code is 0 when every page converted, else the
// last failed page's (in input order), as curl's is with many URLs.
func (c *command) batch(ctx context.Context) int {
	o := c.opts
	out := &batch.Output{Dir: o.OutputDir, JSON: o.JSON, Format: o.Format}
	if err := out.Open(); err != nil {
		return c.fail(err)
	}
	var sink *output.Guard
	if o.OutputDir == "" {
		file := output.NewStdout(c.stdout)
		if o.Output != "" && o.Output != "-" {
			var err error
			if file, err = output.NewFile(o.Output); err != nil {
				return c.fail(fmt.Errorf("cannot write %s: %w", o.Output, err))
			}
		}
		sink = output.NewGuard(file)
		c.sink.Store(sink)
		out.W = sink
	}
	var done atomic.Int64
	progress := c.meter(nil, -1, true)
	progress.SetExtra(func() string { return fmt.Sprintf("%d/%d pages", done.Load(), len(o.Inputs)) })
	code := exitcode.OK
	bo := batch.Options{Parallel: o.Parallel, ShowErrorBody: o.ShowErrorBody, Rendering: c.renderingHook}
	err := batch.Run(ctx, o.Inputs, out.PageOptions(o.Options), bo, func(p *batch.Page) error {
		done.Add(1)
		if progress != nil && !o.JSON && (p.Err != nil || len(p.Warnings) > 0) {
			io.WriteString(c.stderr, "\r\x1b[K") // the meter's line, for these lines; the next tick redraws it
		}
		for _, w := range p.Warnings {
			if !o.JSON { // a record holds them
				c.warn(w)
			}
		}
		err := out.Page(p)
		if err == nil && o.WriteOut != "" {
			err = writeout.Write(o.WriteOut, p.Transfer(), c.stdout, c.stderr)
		}
		if p.Err != nil { // after its -w, as on one page
			code = exitcode.Of(p.Err)
			if !o.JSON {
				c.fail(p.Err)
			}
		}
		return err
	})
	progress.Stop()
	if err != nil {
		if sink != nil {
			sink.Abort()
		}
		return c.fail(err)
	}
	if sink != nil {
		if err := sink.Commit(); err != nil {
			return c.fail(err)
		}
	}
	return code
}
