package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/insert-from-url/insert-from-url/fetch"
)

// transfer is what --write-out can tell about a finished run.
type transfer struct {
	resp *fetch.Response
	// mediaType is the type the body was read as (declared or sniffed);
	// converted says whether it was HTML turned into the output format.
	mediaType string
	converted bool
}

// writeOut expands a --write-out format, as curl's -w does for the
// variables both know (%{content_type}, %{http_code}, %{url_effective},
// %{size_download}, %{stdout}, %{stderr}) and for two of its own:
// %{media_type}, the type the body was read as, and %{converted}, 1 when
// HTML was converted. \n, \r and \t are written as those characters; an
// unknown variable is an error, as a typo would go unnoticed otherwise.
func writeOut(format string, t transfer, stdout, stderr io.Writer) error {
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
				b.WriteString(oneLine(v)) // a server's header, on a terminal perhaps
			}
		default:
			b.WriteByte(format[i])
		}
	}
	return flush()
}

func (t transfer) variable(name string) (string, bool) {
	r := t.resp
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
		return t.mediaType, true
	case "converted":
		if t.converted {
			return "1", true
		}
		return "0", true
	}
	return "", false
}

// checkWriteOut reports a --write-out format's error before any transfer.
func checkWriteOut(format string) error {
	if format == "" {
		return nil
	}
	return writeOut(format, transfer{resp: &fetch.Response{}}, io.Discard, io.Discard)
}
