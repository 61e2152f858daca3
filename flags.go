package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/internal/batch"
	"github.com/insert-from-url/insert-from-url/internal/cli"
	"github.com/insert-from-url/insert-from-url/internal/pipeline"
	"github.com/insert-from-url/insert-from-url/internal/writeout"
	"github.com/insert-from-url/insert-from-url/strip"
)

// options is everything the command line says.
type options struct {
	pipeline.Options
	Output         string
	ShowErrorBody  bool
	Silent         bool
	Progress       bool
	WriteOut       string
	ImagesRelative *string
	PrintEmacs     bool
	ShowVersion    bool

	// Inputs are the pages of a batch: more than one input, --input-file,
	// --json or --output-dir. A batch of one is a batch too.
	Inputs    []string
	Batch     bool
	Parallel  int
	JSON      bool
	OutputDir string
}

var errHelp = errors.New("help requested")

// parseArgs reads the command line into options, and the list of inputs
// that --input-file names (stdin for "-"). --help prints the usage to
// stderr and returns errHelp.
func parseArgs(args []string, stdin io.Reader, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := pflag.NewFlagSet(progName, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false

	format := string(strip.FormatRaw)
	links := string(strip.LinksReference)
	var headers []string
	maxRedirs := fetch.DefaultMaxRedirects
	connectTimeout := cli.Seconds(fetch.DefaultConnectTimeout)
	maxTime := cli.Seconds(fetch.DefaultMaxTime)
	maxSize := cli.ByteSize(fetch.DefaultMaxSize)

	fs.StringVarP(&format, "format", "f", format, "output `FORMAT`: raw, text, markdown, org or title (HTML is converted; other bodies pass through)")
	fs.StringVar(&links, "links", links, "links in text output (`MODE`: inline, reference or none; with --readable: none unless given)")
	fs.IntVar(&o.Width, "width", 0, "wrap text, Markdown and Org paragraphs at `N` columns (0: one line per paragraph)")
	fs.IntVar(&o.BaseLevel, "base-level", 0, "shift headings so the page's top heading is at level `N`+1")
	fs.BoolVar(&o.Readable, "readable", false, "keep only the page's main article (reading mode)")
	fs.BoolVar(&o.RequireArticle, "require-article", false, "with --readable, fail (exit 65) when no article is found instead of printing the whole page")
	fs.StringArrayVar(&o.Select, "select", nil, "keep only the elements matching the CSS `SELECTOR` (repeatable; no match exits 64)")
	fs.BoolVar(&o.Metadata, "metadata", false, "put the title, author, site, date and URL before the body")
	fs.StringVar(&o.Images, "images", "", "store the images Markdown and Org output keeps in the folder `DIR` and link them there (relative to -o's folder)")
	imagesRelative := fs.String("images-relative-to", "", "write --images links relative to the folder `DIR` (empty: as --images gives the folder) instead of -o's folder")
	fs.StringVar(&o.Render, "render", "", "load the page in a headless browser and convert what its scripts build (`MODE`: always, the default of a bare --render; auto: only when the page as served shows almost no text and has scripts; never)")
	fs.Lookup("render").NoOptDefVal = "always"
	fs.StringVar(&o.Browser, "browser", "", "the browser --render runs (`PATH`; default: chromium, chromium-browser, google-chrome… on PATH)")
	fs.BoolVar(&o.Local, "local", false, "with -, stdin is a local page: its file: and relative links are kept (against the working directory) and --images copies its local images; without it stdin is a page from the network")
	fs.StringVar(&o.Charset, "charset", "", "decode the body from `NAME`, whatever it declares")
	fs.BoolVar(&o.NoDecode, "no-decode", false, "print the body's bytes as served (decompressed, but no charset decoding or conversion)")
	fs.StringVarP(&o.Output, "output", "o", "", "write to `FILE` (replaced only when the whole body arrived)")
	fs.BoolVarP(&o.Include, "include", "i", false, "print the status line and response headers before the body")
	fs.BoolVar(&o.ShowErrorBody, "show-error-body", false, "print the body of an HTTP error (status >= 400) too; the exit code stays 22")
	fs.StringArrayVarP(&headers, "header", "H", nil, "send the request header `'Name: value'` (repeatable; 'Name:' removes a header)")
	fs.StringVarP(&o.Fetch.UserAgent, "user-agent", "A", progName+"/"+cli.Version(), "send `NAME` as User-Agent")
	fs.StringVarP(&o.Fetch.User, "user", "u", "", "basic authentication as `USER:PASSWORD`")
	fs.BoolVarP(&o.Fetch.Insecure, "insecure", "k", false, "do not verify TLS certificates")
	fs.IntVar(&maxRedirs, "max-redirs", maxRedirs, "follow at most `N` redirects (0: do not follow)")
	fs.Var(&connectTimeout, "connect-timeout", "give up connecting after `SECONDS`")
	fs.VarP(&maxTime, "max-time", "m", "give up the whole transfer after `SECONDS` (0: no limit)")
	fs.Var(&maxSize, "max-size", "give up when a response's decoded body exceeds `SIZE` (suffixes K, M, G; 0: no limit)")
	fs.StringVarP(&o.WriteOut, "write-out", "w", "", "after the body (or a failure), write `FORMAT` with curl's %{content_type}, %{http_code}, %{url_effective}, %{size_download}, %{exitcode}, %{errormsg}, %{json}, %{stderr}, and %{media_type}, %{converted}, %{title}, %{page_type}, %{warnings}")
	fs.BoolVar(&o.TextOnly, "text-only", false, "refuse binary bodies (exit 23) wherever the output goes, as on a terminal")
	fs.BoolVarP(&o.Silent, "silent", "s", false, "no progress meter")
	fs.BoolVar(&o.Progress, "progress", false, "draw the progress meter on stderr even when it is not a terminal (for programs that show it; wins over -s)")
	inputFile := fs.String("input-file", "", "read the inputs from `FILE`, one URL or path a line (# starts a comment; - reads stdin)")
	fs.IntVar(&o.Parallel, "parallel", batch.DefaultParallel, "with many inputs, convert `N` pages at once (at most 2 from one host)")
	fs.BoolVar(&o.JSON, "json", false, "write one JSON object a line for each input: its URL, status, metadata, page type, content, warnings and error")
	fs.StringVar(&o.OutputDir, "output-dir", "", "write each page to its own file in the folder `DIR`, named from its title")
	fs.BoolVar(&o.PrintEmacs, "emacs", false, "print the Emacs package insert-from-url.el and exit")
	fs.BoolVar(&o.ShowVersion, "version", false, "print the version and exit")
	help := fs.BoolP("help", "h", false, "print this help and exit")

	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *help {
		fmt.Fprintf(stderr, "Usage: %s [flags] URL|FILE|-...\n\n"+
			"Fetch URL (or read FILE, or stdin for -), decode it to UTF-8 and print it.\n\nFlags:\n%s\n"+
			"Exit codes follow curl's: see the README.\n", progName, cli.Usages(fs))
		return nil, errHelp
	}
	if o.ShowVersion || o.PrintEmacs {
		return o, nil
	}
	var err error
	if o.Format, err = strip.ParseFormat(format); err != nil {
		return nil, err
	}
	list := ""
	if fs.Changed("input-file") {
		list = *inputFile
	}
	if o.Inputs, err = cli.Inputs(fs.Args(), list, stdin); err != nil {
		return nil, err
	}
	o.Batch = len(o.Inputs) > 1 || list != "" || o.JSON || o.OutputDir != ""
	switch {
	case !o.Batch:
		o.Input = o.Inputs[0]
	case o.Parallel < 1:
		return nil, fmt.Errorf("--parallel must be 1 or more, not %d", o.Parallel)
	case o.OutputDir != "" && (o.JSON || fs.Changed("output") || o.Format == strip.FormatTitle):
		return nil, errors.New("--output-dir writes files of its own, with content: not with --json, -o or -f title")
	}
	if o.Links, err = strip.ParseLinkStyle(links); err != nil {
		return nil, err
	}
	if o.Readable && !fs.Changed("links") {
		// Reading mode is for reading: the article's words, without a
		// list of addresses after them.
		o.Links = strip.LinksNone
	}
	o.ShiftHeadings = fs.Changed("base-level")
	if err := writeout.Check(o.WriteOut); err != nil {
		return nil, err
	}
	if fs.Changed("images-relative-to") {
		if !fs.Changed("images") {
			return nil, errors.New("--images-relative-to needs --images")
		}
		o.ImagesRelative = imagesRelative
	}
	if fs.Changed("images") && o.Images == "" {
		return nil, errors.New("--images needs a folder")
	}
	o.ImagesLinkDir = pipeline.ImageLinkDir(o.Images, o.Output, o.ImagesRelative)
	o.WantMetadata = writeout.NeedsMetadata(o.WriteOut) || o.JSON || o.OutputDir != ""
	if o.Input == "" {
		o.Input = o.Inputs[0] // what Check reads: each page's is the same
	}
	if err := o.Options.Check(); err != nil {
		return nil, err
	}
	if o.Fetch.Header, err = fetch.ParseHeaders(headers); err != nil {
		return nil, err
	}
	switch {
	case maxRedirs < 0:
		return nil, fmt.Errorf("--max-redirs must be 0 or more, not %d", maxRedirs)
	case maxRedirs == 0:
		o.Fetch.MaxRedirects = -1
	default:
		o.Fetch.MaxRedirects = maxRedirs
	}
	if connectTimeout <= 0 {
		return nil, errors.New("--connect-timeout must be more than 0")
	}
	o.Fetch.ConnectTimeout = time.Duration(connectTimeout)
	o.Fetch.MaxTime = time.Duration(maxTime)
	if maxTime == 0 {
		o.Fetch.MaxTime = -1
	}
	o.Fetch.MaxSize = int64(maxSize)
	if maxSize == 0 {
		o.Fetch.MaxSize = -1
	}
	return o, nil
}
