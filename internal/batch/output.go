package batch

import (
	"io"
	"os"

	"github.com/insert-from-url/insert-from-url/internal/pipeline"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/strip"
)

// Output writes a batch's pages where the command line sends them: one
// after another to W (a blank line between two pages), as JSON records
// to W, or a file each in Dir.
type Output struct {
	W      io.Writer // stdout or -o's file; nil with Dir
	Dir    string    // --output-dir
	JSON   bool
	Format strip.Format

	namer   *Namer
	written bool
}

// PageOptions are the pipeline options of each page of a batch written
// to one stream: each with its metadata, for a reader to see where each
// begins (in Org, an entry a page with its drawer).
func (out *Output) PageOptions(o pipeline.Options) pipeline.Options {
	if out.JSON || out.Dir != "" || o.Format == strip.FormatRaw || o.Format == strip.FormatTitle {
		return o
	}
	o.Metadata = true
	if o.Format == strip.FormatOrg {
		o.ShiftHeadings = true
	}
	return o
}

// Open makes the --output-dir folder, if there is one and it is missing.
func (out *Output) Open() error {
	if out.Dir == "" {
		return nil
	}
	out.namer = &Namer{Dir: out.Dir, Ext: extension[out.Format]}
	if err := os.MkdirAll(out.Dir, 0o755); err != nil {
		return &output.WriteError{Err: err}
	}
	return nil
}

// Page writes p. A failed page is written only as a record, or when its
// conversion wrote something (an error body with --show-error-body).
func (out *Output) Page(p *Page) error {
	switch {
	case out.JSON:
		return WriteRecord(out.W, p, string(out.Format))
	case p.Err != nil && p.Body.Len() == 0:
		return nil
	case out.Dir != "":
		return out.file(p)
	}
	if out.written && out.Format != strip.FormatTitle {
		if _, err := io.WriteString(out.W, "\n"); err != nil {
			return &output.WriteError{Err: err}
		}
	}
	out.written = true
	return copySpool(out.W, p.Body)
}

// extension is each format's file name extension, for --output-dir.
var extension = map[strip.Format]string{
	strip.FormatRaw: ".html", strip.FormatText: ".txt", strip.FormatMarkdown: ".md", strip.FormatOrg: ".org",
}

// file writes a page to its own file, named from its title (else its URL,
// else the input), and replaced only whole.
func (out *Output) file(p *Page) error {
	url := p.Result.Meta.URL
	if url == "" {
		url = p.Input
	}
	path, err := out.namer.Name(p.Result.Meta.Title, url)
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
func copySpool(w io.Writer, s *Spool) error {
	r, err := s.Reader()
	if err != nil {
		return err
	}
	_, err = output.Copy(w, r)
	return err
}
