// Package writeout expands --write-out formats, as curl's -w does: the
// variables both programs know keep curl's names and meanings, and the
// program adds its own. It never prints on its own: Write writes to the
// writers it is given.
package writeout

import (
	"fmt"
	"io"
	"strings"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/internal/cli"
)

// Transfer is what --write-out can tell about a finished run.
type Transfer struct {
	Response *fetch.Response
	// MediaType is the type the body was read as (declared or sniffed);
	// Converted says whether it was HTML turned into the output format.
	MediaType string
	Converted bool
}

// Write expands format for t: curl's %{content_type}, %{http_code} (and
// %{response_code}), %{url_effective}, %{size_download}, %{stdout} and
// %{stderr} (which send what follows to that writer), and the program's
// %{media_type} and %{converted} (1 when HTML was converted). \n, \r and
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

func (t Transfer) variable(name string) (string, bool) {
	r := t.Response
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
