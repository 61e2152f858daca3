// Package pipeline is the one way a page goes through the program: open
// (fetch, or render in a browser) → decode → narrow (reading mode, a CSS
// selection) → convert → store images. Data flows one way through it: the
// page is decoded once, parsed at most once, its base URL and its metadata
// decided once (see Document), and converted by strip. It never prints or
// exits: it returns wrapped errors, and tells its caller what happens
// through Hooks.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/insert-from-url/insert-from-url/decode"
	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/images"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/strip"
)

// Options is what a run asks of a page. The command line fills it; the
// pipeline never changes it.
type Options struct {
	Input   string    // a URL, a path, or "-" for Stdin
	Stdin   io.Reader // read for "-"
	Local   bool      // stdin is a local page: its file: links are kept
	Fetch   fetch.Options
	Render  string // "" or "never", "auto" or "always"
	Browser string // the browser --render runs; "" finds one

	Charset  string // decode from this charset, whatever the page says
	NoDecode bool   // the bytes as served, decompressed only
	Include  bool   // the status line and headers before the body
	TextOnly bool   // refuse binary bodies wherever the output goes

	Format         strip.Format
	Links          strip.LinkStyle
	Width          int
	BaseLevel      int
	ShiftHeadings  bool // BaseLevel was given
	Readable       bool
	RequireArticle bool
	Select         []string
	Metadata       bool
	// WantMetadata reads the page's metadata for the caller (Result.Meta)
	// without writing it: a record's fields.
	WantMetadata bool

	Images        string // the folder --images stores images in; "" for none
	ImagesLinkDir string // how the output's links name that folder
}

// The largest Width and BaseLevel: past them a number is a mistake, and
// would only make lines of stars or spaces.
const (
	MaxWidth     = 10000
	MaxBaseLevel = 100
)

// Check reports what makes o unusable, in the command line's terms, before
// anything is fetched.
func (o *Options) Check() error {
	switch {
	case o.Width < 0 || o.Width > MaxWidth:
		return fmt.Errorf("--width must be 0 to %d, not %d", MaxWidth, o.Width)
	case o.BaseLevel < 0 || o.BaseLevel > MaxBaseLevel:
		return fmt.Errorf("--base-level must be 0 to %d, not %d", MaxBaseLevel, o.BaseLevel)
	case o.Render != "" && o.Render != "never" && o.Render != "auto" && o.Render != "always":
		return fmt.Errorf("--render must be always, auto or never, not %q", o.Render)
	case o.Browser != "" && (o.Render == "" || o.Render == "never"):
		return errors.New("--browser needs --render")
	case o.Images != "" && o.Format != strip.FormatMarkdown && o.Format != strip.FormatOrg:
		return errors.New("--images works with -f markdown and -f org")
	case o.Local && o.Input != "-":
		// A file is local already, and a URL never is.
		return errors.New("--local is for stdin (-)")
	}
	if err := readable.CheckSelectors(o.Select); err != nil {
		return err
	}
	if o.Charset != "" {
		if _, _, err := decode.LookupCharset(o.Charset); err != nil {
			return err
		}
	}
	return nil
}

// Hooks tell the caller what happens during a run; any may be nil.
type Hooks struct {
	// Warn reports what the user should know and that does not stop
	// the run: one line, without the program's name.
	Warn func(msg string)
	// Rendering is called with true when a browser starts rendering the
	// page and with false once it is gone with its profile.
	Rendering func(on bool)
	// Images is given the image store of --images once it is started,
	// for the caller to abort it on a signal and to show its progress.
	Images func(*images.Store)
}

func (h Hooks) warn(msg string) {
	if h.Warn != nil {
		h.Warn(msg)
	}
}

// Source is an opened input: the response (fetched, read from a file or
// stdin, or rendered), and whether a browser made it by running the
// page's scripts.
type Source struct {
	*fetch.Response
	Rendered bool
}

// Result is what --write-out can tell about a finished conversion.
type Result struct {
	MediaType string // the type the body was read as (declared or sniffed)
	Converted bool   // HTML was turned into the output format
	// Meta is the page's metadata, when the run read it (--metadata,
	// WantMetadata, -f title, reading mode, a selection, --images).
	Meta readable.Metadata
}

// Errors a caller maps to its exit codes.
var (
	ErrNoMatch     = errors.New("no element matches --select")
	ErrRenderLocal = errors.New("--render renders http and https pages, not files or stdin")
)

// BinaryRefusedError stops binary bytes from reaching a terminal, or any
// output with TextOnly.
type BinaryRefusedError struct {
	What     string
	Terminal bool
}

func (e *BinaryRefusedError) Error() string {
	if e.Terminal {
		return e.What + " not printed to a terminal; use -o FILE or a pipe"
	}
	return e.What + " refused (--text-only)"
}

// Write decodes and converts the body of src into w. terminal says w is a
// terminal: control sequences are filtered out and binary bodies refused.
func Write(ctx context.Context, w io.Writer, src *Source, o *Options, h Hooks, terminal bool) (Result, error) {
	var res Result
	resp := src.Response
	if terminal {
		w = output.NewTerminalFilter(w)
	}
	if o.Include && resp.Proto != "" {
		if err := writeHead(w, resp); err != nil {
			return res, err
		}
	}
	refuseBinary := terminal || o.TextOnly
	if o.NoDecode {
		if refuseBinary {
			return res, &BinaryRefusedError{What: "undecoded body", Terminal: terminal}
		}
		_, err := output.Copy(w, resp.Body)
		return res, err
	}
	body, err := decode.Decode(resp.Body, resp.ContentType(), decode.Options{Charset: o.Charset, Warn: h.Warn})
	if err != nil {
		return res, err
	}
	res.MediaType, res.Converted = body.MediaType, body.HTML && o.Format != strip.FormatRaw
	if body.Binary {
		if refuseBinary {
			return res, &BinaryRefusedError{What: "binary body (" + body.MediaType + ")", Terminal: terminal}
		}
		if o.Format == strip.FormatTitle {
			return res, nil
		}
		_, err := output.Copy(w, body)
		return res, err
	}
	doc := newDocument(body, resp, o, src.Rendered)
	err = convert(ctx, w, doc, o, h)
	if doc.tree != nil || o.Metadata || o.WantMetadata || o.Format == strip.FormatTitle {
		res.Meta = doc.Metadata()
	}
	return res, err
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

// credentialsOrigin is the URL whose origin -u and -H are for: the one the
// user gave, not the one a redirect led to (whose request went without
// them, and whose images must too); nil for a file or stdin.
func credentialsOrigin(input string) *url.URL {
	if input == "-" {
		return nil
	}
	u, _, err := fetch.ParseInput(input)
	if err != nil {
		return nil
	}
	return u
}

// ImageLinkDir is how the output's links name the images folder dir: from
// the folder relativeTo (when set, and not empty), else from the folder
// of the output file, when there is one, else as given.
func ImageLinkDir(dir, output string, relativeTo *string) string {
	from := ""
	switch {
	case relativeTo != nil:
		from = *relativeTo
	case output != "" && output != "-":
		from = filepath.Dir(output)
	}
	if from != "" {
		from, err1 := filepath.Abs(from)
		to, err2 := filepath.Abs(dir)
		if err1 == nil && err2 == nil {
			if rel, err := filepath.Rel(from, to); err == nil {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(dir)
}
