// Package decode turns a body into UTF-8 text: it finds the body's charset
// (a BOM, the Content-Type, a <meta> declaration, else UTF-8 or
// windows-1252), whether it is HTML, text or binary, and decodes it as it
// streams. It shares nothing with conversion: strip reads what it gives.
package decode

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffLen is how much of the body is examined before decoding starts: a
// BOM, a <meta> charset (which real pages put after the first 1024 bytes that
// the HTML standard's prescan reads) and the first non-ASCII bytes.
const sniffLen = 64 << 10

// binarySniffLen is the prefix in which a NUL byte marks a body as binary.
const binarySniffLen = 1024

// Options controls Decode. The zero value detects everything.
type Options struct {
	// Charset, when set, overrides every declaration in the body.
	Charset string
	// Warn receives notes about the body that are not errors, such as an
	// unknown charset in the Content-Type header; nil drops them.
	Warn func(msg string)
}

// Body is a body being decoded.
type Body struct {
	io.Reader
	// MediaType is the declared or sniffed media type, e.g. "text/html".
	MediaType string
	// Charset is the name of the encoding the body is decoded from, or ""
	// for binary bodies.
	Charset string
	// Binary is true for bodies that are not text; Reader then yields the
	// bytes untouched.
	Binary bool
	// HTML is true when the body is an HTML document.
	HTML bool
}

// ErrUnknownCharset is returned for a --charset name that no encoding has.
var ErrUnknownCharset = errors.New("unknown charset")

// LookupCharset returns the encoding a WHATWG label names.
func LookupCharset(name string) (encoding.Encoding, string, error) {
	e, err := htmlindex.Get(strings.TrimSpace(name))
	if err != nil || e == nil {
		return nil, "", fmt.Errorf("%w %q", ErrUnknownCharset, name)
	}
	canonical, _ := htmlindex.Name(e)
	return e, canonical, nil
}

// Decode examines the start of r and returns a reader of its text as UTF-8.
// contentType is the Content-Type header, or "" to sniff the type. The charset
// is, in order: opt.Charset, the Content-Type's charset, a BOM (removed), a
// <meta> declaration in HTML, and otherwise UTF-8 when the bytes are valid
// UTF-8 and windows-1252 when they are not. Binary bodies pass untouched.
func Decode(r io.Reader, contentType string, opt Options) (*Body, error) {
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	warn := func(format string, a ...any) {
		if opt.Warn != nil {
			opt.Warn(fmt.Sprintf(format, a...))
		}
	}

	mediaType, params, _ := mime.ParseMediaType(contentType)
	mediaType = strings.ToLower(mediaType)
	declared := mediaType != "" && mediaType != "application/octet-stream"
	if !declared {
		mediaType, _, _ = mime.ParseMediaType(http.DetectContentType(head))
		if mediaType == "text/plain" && looksLikeHTML(head) {
			mediaType = "text/html"
		}
	}
	body := &Body{MediaType: mediaType, HTML: mediaType == "text/html" || mediaType == "application/xhtml+xml"}

	var enc encoding.Encoding
	if opt.Charset != "" {
		e, name, err := LookupCharset(opt.Charset)
		if err != nil {
			return nil, err
		}
		enc, body.Charset = e, name
	}
	// A BOM outranks every declaration but --charset, as the WHATWG
	// Encoding standard says.
	bomEnc, bomName, bomLen := bom(head)
	if enc == nil && bomEnc != nil {
		enc, body.Charset = bomEnc, bomName
	}
	// What the body declares is decided before the bytes are sniffed:
	// UTF-16 without a BOM is full of NULs, and is text all the same.
	if enc == nil && isText(mediaType) {
		if label := params["charset"]; label != "" {
			if e, name, err := LookupCharset(label); err == nil {
				enc, body.Charset = e, name
			} else {
				warn("unknown charset %q in Content-Type, detecting it instead", label)
			}
		}
	}
	if enc == nil && body.HTML {
		if label := metaCharset(head); label != "" {
			if e, name, err := LookupCharset(label); err == nil {
				// A page that says UTF-16 in ASCII bytes is not UTF-16.
				if name == "utf-16le" || name == "utf-16be" {
					e, name = unicode.UTF8, "utf-8"
				}
				enc, body.Charset = e, name
			} else {
				warn("unknown charset %q in <meta>, detecting it instead", label)
			}
		}
	}
	if enc == nil && (!isText(mediaType) || bytes.IndexByte(head[:min(len(head), binarySniffLen)], 0) >= 0) {
		body.Binary = true
		body.Reader = br
		return body, nil
	}
	if bomEnc != nil && body.Charset == bomName {
		if _, err := br.Discard(bomLen); err != nil {
			return nil, err
		}
	}
	switch {
	case enc == nil && utf8.Valid(trimIncompleteRune(head)):
		body.Charset = "utf-8"
		body.Reader = &utf8Reader{r: br}
	case enc == nil:
		body.Charset = "windows-1252"
		body.Reader = transform.NewReader(br, charmap.Windows1252.NewDecoder())
	case body.Charset == "utf-8":
		body.Reader = &utf8Reader{r: br}
	default:
		body.Reader = transform.NewReader(br, enc.NewDecoder())
	}
	return body, nil
}

// isText reports whether a media type is text that should be decoded.
func isText(mediaType string) bool {
	switch {
	case strings.HasPrefix(mediaType, "text/"),
		strings.HasSuffix(mediaType, "+xml"),
		strings.HasSuffix(mediaType, "+json"):
		return true
	}
	switch mediaType {
	case "application/xml", "application/json", "application/javascript",
		"application/ecmascript", "application/x-javascript", "application/xhtml+xml",
		"application/x-sh", "application/toml", "application/yaml", "application/x-yaml",
		"application/sql", "application/x-www-form-urlencoded", "application/ld+json",
		"image/svg+xml":
		return true
	}
	return false
}

// looksLikeHTML catches HTML that http.DetectContentType misses because it
// does not start with one of the few tags it knows (a comment, a list, a
// fragment): a start tag of a known HTML element in the first 4 KiB.
func looksLikeHTML(head []byte) bool {
	z := html.NewTokenizer(bytes.NewReader(head[:min(len(head), 4096)]))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) != 0 {
				return true
			}
		}
	}
}

// bom returns the encoding that a byte order mark at the start of b names.
func bom(b []byte) (encoding.Encoding, string, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return unicode.UTF8, "utf-8", 3
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", 2
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", 2
	}
	return nil, "", 0
}

// metaCharset finds a charset declared by a <meta> element in head, reading
// tokens until the body starts.
func metaCharset(head []byte) string {
	z := html.NewTokenizer(bytes.NewReader(head))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return ""
			case "meta":
				var httpEquiv, content, cs string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "charset":
						cs = string(v)
					case "http-equiv":
						httpEquiv = strings.ToLower(string(v))
					case "content":
						content = string(v)
					}
				}
				if cs != "" {
					return cs
				}
				if httpEquiv == "content-type" && content != "" {
					if _, params, err := mime.ParseMediaType(content); err == nil && params["charset"] != "" {
						return params["charset"]
					}
					if _, name, ok := charset.DetermineEncoding([]byte{}, content); ok {
						return name
					}
				}
			}
		}
	}
}

// trimIncompleteRune drops a multi-byte sequence cut off at the end of b.
func trimIncompleteRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// utf8Reader passes UTF-8 through in place, in reads as large as the
// caller's, and decodes the bytes of invalid sequences as windows-1252, as
// utf8Fallback does. transform.Reader would copy everything through 4 KiB
// buffers, which at network speed costs a third of the throughput.
type utf8Reader struct {
	r     io.Reader
	carry []byte // the start of a sequence cut off by the last read
	out   []byte // converted bytes not yet returned
	err   error
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	for {
		if len(u.out) > 0 {
			n := copy(p, u.out)
			u.out = u.out[n:]
			return n, nil
		}
		if u.err != nil {
			if len(u.carry) > 0 {
				u.out, u.carry = fallbackBytes(u.carry), nil
				continue
			}
			return 0, u.err
		}
		if len(p) < 64 {
			// Too small to hold a sequence and its carry: read big,
			// hand out in pieces.
			buf := make([]byte, 4096)
			n, err := u.Read(buf)
			u.out = buf[:n]
			if n == 0 {
				return 0, err
			}
			continue
		}
		nc := copy(p, u.carry)
		u.carry = u.carry[:0]
		n, err := u.r.Read(p[nc:])
		n += nc
		u.err = err
		chunk := p[:n]
		if err == nil {
			if keep := len(chunk) - len(trimIncompleteRune(chunk)); keep > 0 {
				u.carry = append(u.carry, chunk[len(chunk)-keep:]...)
				chunk = chunk[:len(chunk)-keep]
			}
		}
		if len(chunk) == 0 {
			continue
		}
		if utf8.Valid(chunk) {
			return len(chunk), nil
		}
		u.out = fallbackBytes(chunk)
	}
}

// fallbackBytes decodes b as UTF-8, with the bytes of invalid sequences
// read as windows-1252.
func fallbackBytes(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/2)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			r = charmap.Windows1252.DecodeByte(b[0])
		}
		out = utf8.AppendRune(out, r)
		b = b[size:]
	}
	return out
}
