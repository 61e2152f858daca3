package strip

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// Metadata describes a page: WriteMetadata puts it before the body.
type Metadata struct {
	Title, Author, Site, Date, URL string
	Type                           string // the kind of page: article, forum, product…
}

// WriteMetadata writes m in opt.Format: YAML front matter in Markdown,
// #+title: keywords in Org (or, with ShiftHeadings, a heading at
// BaseLevel+1 with a property drawer), and a short header in text. Raw and
// title formats get nothing. It returns the BaseLevel the body is to be
// converted at: under that heading, or opt's.
func WriteMetadata(w io.Writer, m Metadata, opt Options) (baseLevel int, err error) {
	baseLevel = opt.BaseLevel
	m = Metadata{OneLine(m.Title), OneLine(m.Author), OneLine(m.Site), OneLine(m.Date), htmlx.CleanURL(m.URL), OneLine(m.Type)}
	if s := htmlx.Scheme(m.URL); s == "http" || s == "https" {
		m.URL = plainURL(m.URL)
	} else {
		m.URL = "" // a page names its canonical URL: a note links only to the web
	}
	// Every value is the page's text: escaped as text is in the body.
	for _, v := range []*string{&m.Title, &m.Author, &m.Site, &m.Date, &m.Type} {
		*v = escapeString(opt.Format, *v)
	}
	fields := []struct{ key, value string }{
		{"author", m.Author}, {"site", m.Site}, {"date", m.Date}, {"url", m.URL}, {"type", m.Type},
	}
	b := bufio.NewWriter(w)
	switch opt.Format {
	case FormatMarkdown:
		b.WriteString("---\n")
		if m.Title != "" {
			b.WriteString("title: " + yamlQuote(m.Title) + "\n")
		}
		for _, f := range fields {
			if f.value != "" {
				b.WriteString(f.key + ": " + yamlQuote(f.value) + "\n")
			}
		}
		b.WriteString("---\n\n")
	case FormatOrg:
		if opt.ShiftHeadings {
			level := opt.BaseLevel + 1
			title := m.Title
			if title == "" {
				title = escapeString(FormatOrg, m.URL)
			}
			b.WriteString(strings.Repeat("*", level) + " " + orgHeadingText(title) + "\n")
			drawer := false
			for _, f := range fields {
				if f.value != "" {
					if !drawer {
						b.WriteString(":PROPERTIES:\n")
						drawer = true
					}
					b.WriteString(":" + strings.ToUpper(f.key) + ": " + f.value + "\n")
				}
			}
			if drawer {
				b.WriteString(":END:\n")
			}
			b.WriteString("\n")
			baseLevel = level
			break
		}
		if m.Title != "" {
			b.WriteString("#+title: " + m.Title + "\n")
		}
		for _, f := range fields {
			if f.value != "" {
				b.WriteString("#+" + f.key + ": " + f.value + "\n")
			}
		}
		b.WriteString("\n")
	case FormatText:
		if m.Title != "" {
			for _, l := range (textSyntax{}).heading(1, m.Title) {
				b.WriteString(l + "\n")
			}
		}
		for _, f := range fields {
			if f.value != "" {
				b.WriteString(textLabels[f.key] + ": " + f.value + "\n")
			}
		}
		b.WriteString("\n")
	}
	return baseLevel, b.Flush()
}

// OneLine returns s as one line of text: white space collapsed, control
// characters and bidirectional overrides removed.
func OneLine(s string) string { return collapseSpace(s) }

// plainURL percent-encodes what a URL may not hold as it is, after its
// host: brackets, angle brackets, quotes, spaces and a "%" that starts no
// escape. Written as a value, a URL then forms no link, no "<%%(" agenda
// sexp and no timestamp, whatever the page made it.
func plainURL(u string) string {
	start := 0
	if i := strings.Index(u, "://"); i >= 0 {
		start = i + 3
		if j := strings.IndexAny(u[start:], "/?#"); j >= 0 {
			start += j
		} else {
			return u
		}
	}
	var b strings.Builder
	b.WriteString(u[:start])
	for i := start; i < len(u); i++ {
		c := u[i]
		switch {
		case c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
		case c == '%' || c <= ' ' || c == 0x7f || strings.IndexByte("<>\"{}|\\^`[]*", c) >= 0:
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }

// yamlQuote writes s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

var textLabels = map[string]string{"author": "Author", "site": "Site", "date": "Date", "url": "URL", "type": "Type"}
