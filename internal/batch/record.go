package batch

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/insert-from-url/insert-from-url/internal/exitcode"
)

// WriteRecord writes p as one line of JSON: input, url (the final one),
// status, title, author, site, date, page_type, format, content (the
// converted text), warnings, and for a failure error: {exit_code, kind,
// message}. The content is copied from the spool as it is escaped: a
// record costs no more memory than a page does.
func WriteRecord(w io.Writer, p *Page, format string) error {
	b := bufio.NewWriter(w)
	field := func(name string, value string, first bool) {
		if !first {
			b.WriteByte(',')
		}
		writeJSONString(b, name)
		b.WriteByte(':')
		writeJSONString(b, value)
	}
	b.WriteByte('{')
	field("input", p.Input, true)
	url, status := "", 0
	if r := p.Response; r != nil {
		status = r.StatusCode
		if r.URL != nil {
			url = r.URL.Redacted()
		} else {
			url = r.Name
		}
	}
	field("url", url, false)
	b.WriteString(`,"status":` + strconv.Itoa(status))
	m := p.Result.Meta
	field("title", m.Title, false)
	field("author", m.Author, false)
	field("site", m.Site, false)
	field("date", m.Date, false)
	field("page_type", m.Type, false)
	field("format", format, false)
	b.WriteString(`,"content":`)
	body, err := p.Body.Reader()
	if err != nil {
		return err
	}
	if err := copyJSONString(b, body); err != nil {
		return err
	}
	b.WriteString(`,"warnings":[`)
	for i, msg := range p.Warnings {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(b, msg)
	}
	b.WriteByte(']')
	if p.Err != nil {
		code, kind := exitcode.Classify(p.Err)
		b.WriteString(`,"error":{"exit_code":` + strconv.Itoa(code))
		field("kind", kind, false)
		field("message", p.Err.Error(), false)
		b.WriteByte('}')
	}
	b.WriteString("}\n")
	return b.Flush()
}

func writeJSONString(b *bufio.Writer, s string) {
	j, _ := json.Marshal(s) // a string always marshals; invalid UTF-8 becomes U+FFFD
	b.Write(j)
}

// copyJSONString writes what r holds as one JSON string, escaped as it is
// read: quotes, backslashes and control characters, and U+2028 and U+2029
// (line ends to JavaScript); invalid UTF-8 becomes U+FFFD.
func copyJSONString(b *bufio.Writer, r io.Reader) error {
	const hex = "0123456789abcdef"
	br := bufio.NewReader(r)
	b.WriteByte('"')
	for {
		c, size, err := br.ReadRune()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(c))
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c == 0x7f:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		case c == '\u2028' || c == '\u2029':
			b.WriteString(`\u202` + string(hex[c&0xf]))
		case c == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return nil
}
