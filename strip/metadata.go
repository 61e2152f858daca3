package strip

import (
	"bufio"
	"io"
	"strings"
)

// Metadata describes a page: WriteMetadata puts it before the body.
type Metadata struct {
	Title, Author, Site, Date, URL string
}

// WriteMetadata writes m in opt.Format: YAML front matter in Markdown,
// #+title: keywords in Org (or, with ShiftHeadings, a heading at
// BaseLevel+1 with a property drawer, under which it moves the body's
// headings), and a short header in text. Raw and title formats get nothing.
func WriteMetadata(w io.Writer, m Metadata, opt *Options) error {
	m = Metadata{OneLine(m.Title), OneLine(m.Author), OneLine(m.Site), OneLine(m.Date), cleanURL(m.URL)}
	fields := []struct{ key, value string }{
		{"author", m.Author}, {"site", m.Site}, {"date", m.Date}, {"url", m.URL},
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
				title = m.URL
			}
			b.WriteString(strings.Repeat("*", level) + " " + orgSyntax{}.escape(title, false) + "\n:PROPERTIES:\n")
			for _, f := range fields {
				if f.value != "" {
					b.WriteString(":" + strings.ToUpper(f.key) + ": " + f.value + "\n")
				}
			}
			b.WriteString(":END:\n\n")
			opt.BaseLevel = level
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
	return b.Flush()
}

// OneLine returns s as one line of text: white space collapsed, control
// characters and bidirectional overrides removed.
func OneLine(s string) string { return collapseSpace(s) }

// yamlQuote writes s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

var textLabels = map[string]string{"author": "Author", "site": "Site", "date": "Date", "url": "URL"}
