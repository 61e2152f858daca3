package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/insert-from-url/insert-from-url/internal/batch"
	"github.com/insert-from-url/insert-from-url/internal/exitcode"
	"github.com/insert-from-url/insert-from-url/internal/writeout"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/strip"
)

// batch converts many inputs: to stdout (or -o) one after another, each
// with its metadata so that a reader sees where one ends (an Org entry, a
// Markdown front matter, a text header), as JSON Lines with --json, or to
// a file each with --output-dir. A page's failure is its own: its error
// line (or its record's error), and the others go on. The exit code is 0
// when every page converted, else the last failed page's (in input order),
// as curl's is with many URLs.
func (c *command) batch(ctx context.Context) int {
	o := c.opts
	po := o.Options
	if !o.JSON && o.OutputDir == "" && o.Format != strip.FormatRaw && o.Format != strip.FormatTitle {
		po.Metadata = true
		if o.Format == strip.FormatOrg {
			po.ShiftHeadings = true // one entry a page, its drawer under it
		}
	}
	var file output.Sink
	var err error
	if o.OutputDir != "" {
		if err := mkdirOutput(o.OutputDir); err != nil {
			return c.fail(err)
		}
	} else if o.Output == "" || o.Output == "-" {
		file = output.NewStdout(c.stdout)
	} else if file, err = output.NewFile(o.Output); err != nil {
		return c.fail(fmt.Errorf("cannot write %s: %w", o.Output, err))
	}
	var sink *output.Guard
	if file != nil {
		sink = output.NewGuard(file)
		c.sink.Store(sink)
	}
	var done atomic.Int64
	var progress *output.Progress
	if o.Progress || (!o.Silent && isTerminal(c.stderr)) {
		progress = output.StartProgress(c.stderr, func() int64 { return 0 }, -1, output.ProgressDelay)
		progress.SetExtra(func() string { return fmt.Sprintf("%d/%d pages", done.Load(), len(o.Inputs)) })
	}
	namer := &batch.Namer{Dir: o.OutputDir, Ext: extension[o.Format]}
	code, first := exitcode.OK, true
	err = batch.Run(ctx, o.Inputs, po, batch.Options{Parallel: o.Parallel, ShowErrorBody: o.ShowErrorBody, Rendering: c.renderingHook}, func(p *batch.Page) error {
		done.Add(1)
		if progress != nil && !o.JSON && (p.Err != nil || len(p.Warnings) > 0) {
			io.WriteString(c.stderr, "\r\x1b[K") // the meter's line, for these lines; the next tick redraws it
		}
		for _, w := range p.Warnings {
			if !o.JSON {
				c.warn(w)
			}
		}
		var err error
		switch {
		case o.JSON:
			err = batch.WriteRecord(sink, p, string(o.Format))
		case p.Err != nil && p.Body.Len() == 0:
		case o.OutputDir != "":
			err = writePageFile(namer, p)
		default:
			if !first && o.Format != strip.FormatTitle {
				_, err = io.WriteString(sink, "\n")
			}
			first = false
			if err == nil {
				err = copySpool(sink, p.Body)
			}
		}
		if err == nil && o.WriteOut != "" {
			t := writeout.Transfer{Input: p.Input, Response: p.Response, MediaType: p.Result.MediaType, Converted: p.Result.Converted,
				Title: p.Result.Meta.Title, PageType: p.Result.Meta.Type, Warnings: p.Warnings, Err: p.Err}
			err = writeout.Write(o.WriteOut, t, c.stdout, c.stderr)
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

// extension is each format's file name extension, for --output-dir.
var extension = map[strip.Format]string{
	strip.FormatRaw: ".html", strip.FormatText: ".txt", strip.FormatMarkdown: ".md", strip.FormatOrg: ".org",
}

// mkdirOutput makes the --output-dir folder, if it is not there.
func mkdirOutput(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &output.WriteError{Err: err}
	}
	return nil
}

// writePageFile writes a page to its own file, named from its title, and
// replaced only whole.
func writePageFile(n *batch.Namer, p *batch.Page) error {
	path, err := n.Name(p.Result.Meta.Title, pageURL(p))
	if err != nil {
		return &output.WriteError{Err: err}
	}
	f, err := output.NewFile(path)
	if err != nil {
		return &output.WriteError{Err: err}
	}
	g := output.NewGuard(f)
	if err := copySpool(g, p.Body); err != nil {
		g.Abort()
		return err
	}
	return g.Commit()
}

// copySpool copies what a page's conversion wrote to w.
func copySpool(w io.Writer, s *batch.Spool) error {
	r, err := s.Reader()
	if err != nil {
		return err
	}
	_, err = output.Copy(w, r)
	return err
}

// pageURL is the page's URL for its file name: its own, else the input.
func pageURL(p *batch.Page) string {
	if p.Result.Meta.URL != "" {
		return p.Result.Meta.URL
	}
	return p.Input
}
