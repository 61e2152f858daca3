package strip

import (
	"fmt"
	"io"
	"net/url"
)

// Format is an output format.
type Format string

// The output formats.
const (
	FormatRaw      Format = "raw"      // the body as UTF-8, unchanged
	FormatText     Format = "text"     // plain text, laid out for reading
	FormatMarkdown Format = "markdown" // CommonMark with GFM tables
	FormatOrg      Format = "org"      // Org mode
	FormatTitle    Format = "title"    // the page's title on one line
)

// ParseFormat returns the Format named s.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case FormatRaw, FormatText, FormatMarkdown, FormatOrg, FormatTitle:
		return f, nil
	case "md":
		return FormatMarkdown, nil
	case "txt", "plain":
		return FormatText, nil
	}
	return "", fmt.Errorf("unknown format %q (want raw, text, markdown, org or title)", s)
}

// LinkStyle says how text output shows links.
type LinkStyle string

// The link styles of text output.
const (
	LinksInline    LinkStyle = "inline"    // text <url>
	LinksReference LinkStyle = "reference" // text[1], with the URLs listed at the end
	LinksNone      LinkStyle = "none"      // text only
)

// ParseLinkStyle returns the LinkStyle named s.
func ParseLinkStyle(s string) (LinkStyle, error) {
	switch l := LinkStyle(s); l {
	case LinksInline, LinksReference, LinksNone:
		return l, nil
	}
	return "", fmt.Errorf("unknown link style %q (want inline, reference or none)", s)
}

// Options controls Convert. The zero value converts to raw.
type Options struct {
	// Format is the output format; "" means FormatRaw.
	Format Format
	// HTML says the input is HTML; other input passes through unchanged
	// in every format but FormatTitle.
	HTML bool
	// BaseURL is the document's URL: Convert applies the page's <base> to
	// it (ConvertNodes takes the base with <base> applied). Relative links
	// resolve against it; nil leaves them as written.
	BaseURL *url.URL
	// Local says the page is a file or stdin that the user chose: its
	// file: links (and relative ones, resolved against a file: BaseURL)
	// are kept. A page from the network links only http, https and
	// mailto; a link of any other scheme is written as its text alone,
	// so that no page can put a command (elisp:, shell:) or a local file
	// behind a link in the user's notes.
	Local bool
	// Scripted says the page's scripts ran (a browser rendered it): its
	// <noscript> content is hidden, as that browser hid it. Otherwise
	// <noscript> is content, parsed as markup, as a browser with
	// scripting off, w3m and lynx show it: forums built on Discourse
	// serve the whole thread there for clients that run no scripts.
	Scripted bool
	// ShowHidden writes what the page hides (hidden, aria-hidden, a style
	// that hides) but scripts, styles and the head: for a page hidden
	// whole until its scripts run, which is all a reader would see then.
	ShowHidden bool
	// OnText, when set, is called once, when the converter first writes
	// something other than white space (before it reaches the writer,
	// which is buffered): a caller keeping the input in case nothing
	// shows can let it go then.
	OnText func()
	// Links is the link style of FormatText; "" means LinksInline.
	Links LinkStyle
	// Width wraps paragraphs at this many columns; 0 means no wrapping.
	Width int
	// BaseLevel shifts headings so the top heading is at BaseLevel+1, and
	// closes up skipped levels; it applies when it is above 0 or when
	// ShiftHeadings is set.
	BaseLevel     int
	ShiftHeadings bool
	// NoImageText leaves images out of text output, where they are
	// otherwise shown by their alternative text ("[alt]"): a reader of
	// an article sees pictures, not their descriptions. Markdown and Org
	// keep their images.
	NoImageText bool
	// Images, when set, keeps local copies of the images that Markdown
	// and Org output shows, and gives the links they are written under.
	Images ImageStore
}

// ImageStore keeps local copies of a page's images (see package images).
type ImageStore interface {
	// Link returns the link under which the image at src (an absolute
	// URL, or a data: URL) is written, and reports whether it is a
	// local copy; when it is not, the image keeps its own address.
	Link(src string) (link string, local bool)
}

// Convert reads UTF-8 from r and writes it to w in opt.Format.
func Convert(w io.Writer, r io.Reader, opt Options) error {
	if opt.Format == "" || opt.Format == FormatRaw || (!opt.HTML && opt.Format != FormatTitle) {
		// Large reads: a body flows through here at network speed, and
		// every read is a system call further down.
		_, err := io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{r}, make([]byte, 256<<10))
		return err
	}
	return convertHTML(w, r, opt)
}
