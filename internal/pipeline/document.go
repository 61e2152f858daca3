package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/decode"
	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/images"
	"github.com/insert-from-url/insert-from-url/internal/htmlx"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/strip"
)

// Document is the decoded page on its way to the converter: a stream while
// nothing needs its tree, its nodes once reading mode or a selection has
// parsed and narrowed it. Its base URL and its metadata are decided here,
// once, by one function each (htmlx.BaseURL, readable.PageMetadata or the
// article's), whichever path the page takes.
type Document struct {
	Body     io.Reader // the decoded page
	HTML     bool
	URL      *url.URL // the document's URL: where it was fetched, or the file's; nil for stdin from the network
	Local    bool     // a page the user keeps: its file: links and images are theirs
	Rendered bool     // the DOM a browser built: its <noscript> is hidden

	tree  *html.Node   // the parsed page, once parsed
	nodes []*html.Node // what narrowing kept of it
	base  *url.URL     // URL with the page's <base> applied, once parsed
	meta  readable.Metadata
}

func newDocument(body *decode.Body, resp *fetch.Response, o *Options, rendered bool) *Document {
	d := &Document{Body: body, HTML: body.HTML, URL: resp.URL, Rendered: rendered}
	// A file, or stdin with --local, is the user's; stdin is otherwise a
	// page from the network (curl … | us), with the rules of one: no
	// file: link, no local image copied, no credentials for its images.
	if resp.URL == nil && (o.Input != "-" || o.Local) {
		d.Local, d.URL = true, resp.LocalURL
	}
	return d
}

// Metadata is what the page says about itself, as decided once for every
// path; its URL, when the page names none, is where it was fetched,
// without the user's credentials. It is empty until the page is read, and
// stays empty for a page that streams without --metadata.
func (d *Document) Metadata() readable.Metadata {
	meta := d.meta
	if meta.URL == "" && d.URL != nil {
		u := *d.URL
		u.User = nil
		meta.URL = u.String()
	}
	return meta
}

// convertOptions are the converter's options for d: a new value, so that
// nothing changes the caller's.
func convertOptions(d *Document, o *Options) strip.Options {
	return strip.Options{
		Format:        o.Format,
		HTML:          d.HTML,
		BaseURL:       d.URL,
		Local:         d.Local,
		Links:         o.Links,
		Width:         o.Width,
		BaseLevel:     o.BaseLevel,
		ShiftHeadings: o.ShiftHeadings,
		NoImageText:   o.Readable,
		Scripted:      d.Rendered,
	}
}

// convert writes d to w: streamed when nothing needs the tree, else parsed
// once and narrowed.
func convert(ctx context.Context, w io.Writer, d *Document, o *Options, h Hooks) error {
	opt := convertOptions(d, o)
	var seen *textSeen
	if d.HTML && o.Format != strip.FormatRaw && o.Format != strip.FormatTitle {
		seen = &textSeen{w: w}
		w = seen
	}
	var err error
	switch {
	case d.HTML && (o.Readable || len(o.Select) > 0 || o.Images != ""):
		err = writeNarrowed(ctx, w, d, o, h, opt)
	case d.HTML && (o.Metadata || o.WantMetadata || o.Format == strip.FormatTitle):
		// The title is the metadata's, whichever path the page takes.
		err = writeWithMetadata(w, d, o, opt)
	case seen != nil && !d.Rendered:
		// Kept while nothing shows, for a page hidden until its
		// scripts run (visibility:hidden around everything).
		shown := false
		kept := &keptInput{max: maxKeptInput, done: func() bool { return shown }}
		opt.OnText = func() { shown = true }
		err = strip.Convert(w, io.TeeReader(d.Body, kept), opt)
		if err == nil && !seen.text && !kept.over {
			opt.ShowHidden, opt.OnText = true, nil
			if err = strip.Convert(w, bytes.NewReader(kept.b), opt); seen.text {
				h.warn("the page hides all of its content until its scripts run: printed with its hidden parts")
			}
		}
	default:
		err = strip.Convert(w, d.Body, opt)
	}
	if err == nil && seen != nil && !seen.text {
		// An empty insertion or record is never silent.
		switch {
		case o.Readable:
			h.warn("reading mode found no text on this page; without --readable, or with --select SELECTOR, more of it may show")
		case len(o.Select) > 0:
			h.warn("the selection holds no text")
		case !d.Rendered:
			h.warn("the page converted to nothing: its scripts may build or reveal its content (try --render)")
		default:
			h.warn("the page converted to nothing, even rendered")
		}
	}
	return err
}

// writeWithMetadata converts the whole page after its metadata, which
// comes from its <head>: the page still streams, whatever its size.
func writeWithMetadata(w io.Writer, d *Document, o *Options, opt strip.Options) error {
	head, page, err := readable.ReadHead(d.Body)
	if err != nil {
		return err
	}
	tree, err := html.Parse(bytes.NewReader(head))
	if err != nil {
		return err
	}
	d.meta = readable.PageMetadata(tree, htmlx.BaseURL(tree, d.URL))
	if done, err := writeHeader(w, d, o, &opt); done || err != nil {
		return err
	}
	return strip.Convert(w, page, opt)
}

// writeHeader writes what comes before the page: with -f title, the title
// alone, and then the page is done; with --metadata, the metadata. It may
// shift opt's headings below the metadata's title.
func writeHeader(w io.Writer, d *Document, o *Options, opt *strip.Options) (done bool, err error) {
	meta := d.Metadata()
	if title := strip.OneLine(meta.Title); opt.Format == strip.FormatTitle && title != "" {
		_, err := io.WriteString(w, title+"\n")
		return true, err
	}
	if !o.Metadata {
		return false, nil
	}
	m := strip.Metadata{Title: meta.Title, Author: meta.Author, Site: meta.Site, Date: meta.Date, URL: meta.URL, Type: meta.Type}
	opt.BaseLevel, err = strip.WriteMetadata(w, m, *opt)
	return false, err
}

// writeNarrowed converts the part of the page that --readable or --select
// keeps (the whole page without them), after the metadata that --metadata
// asks for, with the images that --images stores. These need the whole
// tree of the page, where the plain conversion streams; the converter then
// reads the tree it keeps, without parsing it again.
func writeNarrowed(ctx context.Context, w io.Writer, d *Document, o *Options, h Hooks, opt strip.Options) error {
	var err error
	if d.tree, err = readable.Parse(d.Body); err != nil {
		return err
	}
	d.base = htmlx.BaseURL(d.tree, d.URL)
	opt.BaseURL = d.base // <base> applied: ConvertNodes reads none
	switch {
	case len(o.Select) > 0:
		if d.nodes, err = readable.Select(d.tree, o.Select); err != nil {
			return err
		}
		if len(d.nodes) == 0 {
			return fmt.Errorf("%w (%s)", ErrNoMatch, strings.Join(o.Select, ", "))
		}
		d.meta = readable.PageMetadata(d.tree, d.base)
	case o.Readable:
		var article *html.Node
		article, d.meta, err = readable.Article(d.tree, d.base)
		switch {
		case errors.Is(err, readable.ErrNoArticle) && !o.RequireArticle:
			h.warn("no article found; printing the whole page")
			d.nodes = []*html.Node{d.tree}
		case err != nil:
			return err
		case !o.RequireArticle && o.Format != strip.FormatTitle && o.Format != strip.FormatRaw && !showsText(article, opt):
			// An article of pictures, or of text the page hides: a
			// reader gets more from the page than from nothing.
			h.warn("the article found holds no text; printing the whole page")
			d.nodes = []*html.Node{d.tree}
		default:
			d.nodes = []*html.Node{article}
		}
	default:
		d.nodes = []*html.Node{d.tree}
		d.meta = readable.PageMetadata(d.tree, d.base)
	}
	if len(d.nodes) == 1 && d.nodes[0] == d.tree && !d.Rendered && o.Format != strip.FormatTitle && o.Format != strip.FormatRaw && !showsText(d.tree, opt) && showsText(d.tree, withHidden(opt)) {
		// Hidden whole until its scripts run, as on the stream path.
		opt.ShowHidden = true
		h.warn("the page hides all of its content until its scripts run: printed with its hidden parts")
	}
	if done, err := writeHeader(w, d, o, &opt); done || err != nil {
		return err
	}
	if o.Images == "" {
		return strip.ConvertNodes(w, d.nodes, opt)
	}
	store, err := startImages(ctx, o, h, d.Local, strip.ImageSources(d.nodes, d.base, d.Local))
	if err != nil {
		return err
	}
	opt.Images = store
	if err := strip.ConvertNodes(w, d.nodes, opt); err != nil {
		store.Abort()
		return err
	}
	store.Close()
	return nil
}

// startImages opens the --images folder and starts downloading srcs, the
// images of the page, with the page's fetch rules; the local files among
// them are copied only when the page is local.
func startImages(ctx context.Context, o *Options, h Hooks, local bool, srcs []string) (*images.Store, error) {
	maxSize := o.Fetch.MaxSize
	if maxSize <= 0 {
		maxSize = fetch.DefaultMaxSize
	}
	store, err := images.New(ctx, images.Options{
		Dir:     o.Images,
		LinkDir: o.ImagesLinkDir,
		Client:  fetch.NewClient(o.Fetch, credentialsOrigin(o.Input)),
		MaxSize: maxSize,
		MaxTime: o.Fetch.MaxTime,
		Local:   local,
		Warn:    h.Warn,
	})
	if err != nil {
		return nil, &output.WriteError{Err: err} // exit 23, as for -o
	}
	if h.Images != nil {
		h.Images(store)
	}
	for _, src := range srcs {
		store.Prefetch(src)
	}
	return store, nil
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

// showsText reports whether n converts to anything but white space with
// opt (its format, its hidden parts or not), stopping at the first text.
func showsText(n *html.Node, opt strip.Options) bool {
	seen := &textSeen{w: io.Discard, stop: true}
	opt.Images = nil
	err := strip.ConvertNodes(seen, []*html.Node{n}, opt)
	return seen.text || err != nil && !errors.Is(err, errSeen)
}

func withHidden(opt strip.Options) strip.Options {
	opt.ShowHidden = true
	return opt
}
