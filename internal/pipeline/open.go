package pipeline

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/url"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/render"
)

// Open opens the input: fetched as it is served, or, with Render, rendered
// by a headless browser (with "auto", only when the page as served is a
// shell that its scripts fill). A response with an HTTP error status is
// returned, not an error: see fetch.Response.Err.
func Open(ctx context.Context, o *Options, h Hooks) (*Source, error) {
	if o.Render == "always" {
		u, _, err := fetch.ParseInput(o.Input)
		if err != nil {
			return nil, err
		}
		if u == nil {
			return nil, ErrRenderLocal
		}
		return renderPage(ctx, u, o, h)
	}
	resp, err := fetch.Open(ctx, o.Input, o.Stdin, o.Fetch)
	if err != nil || o.Render != "auto" || resp.URL == nil || resp.Err() != nil || !isHTML(resp.ContentType()) {
		if err != nil {
			return nil, err
		}
		return &Source{Response: resp}, nil
	}
	// The page is read whole (--max-size caps it) to tell a shell from
	// a page: a page goes on from these bytes, a shell to the browser.
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if render.NeedsScripts(page) {
		return renderPage(ctx, resp.URL, o, h)
	}
	resp.Body = io.NopCloser(bytes.NewReader(page))
	return &Source{Response: resp}, nil
}

// renderPage loads u in the browser.
func renderPage(ctx context.Context, u *url.URL, o *Options, h Hooks) (*Source, error) {
	if h.Rendering != nil {
		h.Rendering(true)
		defer h.Rendering(false)
	}
	resp, err := render.Page(ctx, u, render.Options{Browser: o.Browser, Fetch: o.Fetch})
	if err != nil {
		return nil, err
	}
	return &Source{Response: resp, Rendered: true}, nil
}

func isHTML(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "text/html" || mt == "application/xhtml+xml" || mt == ""
}
