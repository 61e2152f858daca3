package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/url"
	"time"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/render"
)

// open opens the input: fetched as it is served, or, with --render,
// rendered by a headless browser (with auto, only when the page as served
// is a shell that its scripts fill).
func (c *command) open(ctx context.Context) (*fetch.Response, error) {
	o := c.opts
	if o.Render == "always" {
		u, _, err := fetch.ParseInput(o.Input)
		if err != nil {
			return nil, err
		}
		if u == nil {
			return nil, errRenderLocal
		}
		return c.render(ctx, u)
	}
	resp, err := fetch.Open(ctx, o.Input, c.stdin, o.Fetch)
	if err != nil || o.Render != "auto" || resp.URL == nil || resp.Err() != nil || !isHTML(resp.ContentType()) {
		return resp, err
	}
	// The page is read whole (--max-size caps it) to tell a shell from
	// a page: a page goes on from these bytes, a shell to the browser.
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if render.NeedsScripts(page) {
		return c.render(ctx, resp.URL)
	}
	resp.Body = io.NopCloser(bytes.NewReader(page))
	return resp, nil
}

var errRenderLocal = errors.New("--render renders http and https pages, not files or stdin")

// render loads u in the browser, with a meter that says so.
func (c *command) render(ctx context.Context, u *url.URL) (*fetch.Response, error) {
	o := c.opts
	c.rendered = true
	if o.Progress || (!o.Silent && isTerminal(c.stderr)) {
		meter := output.StartProgress(c.stderr, func() int64 { return 0 }, -1, renderMeterDelay(o.Progress))
		meter.SetExtra(func() string { return "rendering in a browser" })
		defer meter.Stop()
	}
	c.rendering.Store(true)
	defer c.rendering.Store(false)
	return render.Page(ctx, u, render.Options{Browser: o.Browser, Fetch: o.Fetch})
}

// renderMeterDelay is when the meter says that a browser renders: at once
// for a program that shows it (Emacs's mode line), else after the usual
// delay.
func renderMeterDelay(forProgram bool) time.Duration {
	if forProgram {
		return 0
	}
	return output.ProgressDelay
}

func isHTML(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "text/html" || mt == "application/xhtml+xml" || mt == ""
}
