// Package writeout expands --write-out formats, as curl's -w does: the
// variables both programs know keep curl's names and meanings, and the
// program adds its own. It never prints on its own: Write writes to the
// writers it is given.
package writeout

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/internal/cli"
	"github.com/insert-from-url/insert-from-url/internal/exitcode"
)

// Transfer is what --write-out can tell about a finished run, or a
// failed one.
type Transfer struct {
	Input    string          // as the user gave it
	Response *fetch.Response // nil when nothing was fetched
	// MediaType is the type the body was read as (declared or sniffed);
	// Converted says whether it was HTML turned into the output format.
	MediaType string
	Converted bool
	Title     string // the page's, when the run read its metadata
	PageType  string // article, forum, product…, when known
	Warnings  []string
	Err       error // what ended the run; nil when it converted
}

// Write expands format for t: curl's %{content_type}, %{http_code} (and
// %{response_code}), %{url_effective}, %{size_download}, %{exitcode},
// %{errormsg}, %{json} (every variable in one JSON object), %{stdout} and
// %{stderr} (which send what follows to that writer), and the program's
// %{media_type}, %{converted} (1 when HTML was converted), %{title},
// %{page_type} and %{warnings} (one line, "; " between them). \n, \r and
// \t are those characters. An unknown variable is an error: a typo would
// go unnoticed otherwise. Values are kept on one line (a server's header
// may reach a terminal).
func Write(format string, t Transfer, stdout, stderr io.Writer) error {
	w := stdout
	var b strings.Builder
	flush := func() error {
		_, err := io.WriteString(w, b.String())
		b.Reset()
		return err
	}
	for i := 0; i < len(format); i++ {
		switch {
		case format[i] == '\\' && i+1 < len(format):
			i++
			switch format[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte('\\')
				b.WriteByte(format[i])
			}
		case strings.HasPrefix(format[i:], "%{"):
			end := strings.IndexByte(format[i:], '}')
			if end < 0 {
				return fmt.Errorf("--write-out: %q has no closing }", format[i:])
			}
			name := format[i+2 : i+end]
			i += end
			switch name {
			case "stdout", "stderr":
				if err := flush(); err != nil {
					return err
				}
				w = stdout
				if name == "stderr" {
					w = stderr
				}
			default:
				if name == "json" {
					b.Write(t.JSON())
					break
				}
				v, ok := t.variable(name)
				if !ok {
					return fmt.Errorf("--write-out: unknown variable %%{%s}", name)
				}
				b.WriteString(cli.OneLine(v))
			}
		default:
			b.WriteByte(format[i])
		}
	}
	return flush()
}

// variables are the names %{json} holds, in its order.
var variables = []string{"url_effective", "http_code", "content_type", "size_download", "exitcode", "errormsg", "media_type", "converted", "title", "page_type", "warnings"}

// numeric are the variables %{json} writes as numbers, as curl does.
var numeric = map[string]bool{"http_code": true, "size_download": true, "exitcode": true, "converted": true}

// JSON is every variable in one object, as curl's %{json} has it; the
// warnings are an array.
func (t Transfer) JSON() []byte {
	b := []byte{'{'}
	for i, name := range variables {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, name)
		b = append(b, ':')
		v, _ := t.variable(name)
		switch {
		case name == "warnings":
			b = append(b, '[')
			for j, w := range t.Warnings {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, w)
			}
			b = append(b, ']')
		case numeric[name]:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				n = 0
			}
			b = strconv.AppendInt(b, n, 10)
		default:
			b = appendJSONString(b, v)
		}
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string: valid UTF-8, and nothing
// a terminal or a line-based reader would take for more than text.
func appendJSONString(b []byte, s string) []byte {
	j, _ := json.Marshal(strings.ToValidUTF8(s, "\uFFFD"))
	return append(b, j...)
}

func (t Transfer) variable(name string) (string, bool) {
	r := t.Response
	if r == nil {
		r = &fetch.Response{Name: t.Input}
	}
	switch name {
	case "content_type":
		return r.ContentType(), true
	case "http_code", "response_code":
		return fmt.Sprintf("%03d", r.StatusCode), true
	case "url_effective":
		if r.URL != nil {
			return r.URL.Redacted(), true
		}
		return r.Name, true
	case "size_download":
		return fmt.Sprint(r.Received()), true
	case "exitcode":
		return strconv.Itoa(exitcode.Of(t.Err)), true
	case "errormsg":
		if t.Err == nil {
			return "", true
		}
		return t.Err.Error(), true
	case "title":
		return t.Title, true
	case "page_type":
		return t.PageType, true
	case "warnings":
		return strings.Join(t.Warnings, "; "), true
	case "media_type":
		return t.MediaType, true
	case "converted":
		if t.Converted {
			return "1", true
		}
		return "0", true
	}
	return "", false
}

// Check reports a format's error before any transfer.
func Check(format string) error {
	if format == "" {
		return nil
	}
	return Write(format, Transfer{Response: &fetch.Response{}}, io.Discard, io.Discard)
}

// NeedsMetadata reports whether format tells what only the page's
// metadata knows: a page that would stream must then read its head.
func NeedsMetadata(format string) bool {
	return strings.Contains(format, "%{title}") || strings.Contains(format, "%{page_type}") || strings.Contains(format, "%{json}")
}
