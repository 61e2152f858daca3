package decode

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

func TestUTF8Reader(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"ünïcödé €😀", "ünïcödé €😀"},
		{"caf\xe9 \x93q\x94", "café “q”"},
		{"cut \xe2\x82", "cut â‚"},
		{strings.Repeat("é", 5000) + "\xff", strings.Repeat("é", 5000) + "ÿ"},
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
	}
	for _, c := range cases {
		for name, wrap := range readers {
			for _, bufSize := range []int{1, 7, 100, 1 << 16} {
				r := &utf8Reader{r: wrap(strings.NewReader(c.in))}
				var out bytes.Buffer
				buf := make([]byte, bufSize)
				for {
					n, err := r.Read(buf)
					out.Write(buf[:n])
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				if out.String() != c.want {
					t.Errorf("%s, %d-byte reads of %q: got %q, want %q", name, bufSize, trunc(c.in), trunc(out.String()), trunc(c.want))
				}
			}
		}
	}
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func TestDecodeDetects(t *testing.T) {
	cases := []struct {
		name, ctype, in string
		opt             Options
		html, binary    bool
		charset, want   string
	}{
		{name: "sniffed html", in: "<!-- c --><p>x</p>", html: true, charset: "utf-8", want: "<!-- c --><p>x</p>"},
		{name: "png", in: "\x89PNG\r\n\x1a\n\x00", binary: true, want: "\x89PNG\r\n\x1a\n\x00"},
		{name: "nul in text", ctype: "text/plain", in: "a\x00b", binary: true, want: "a\x00b"},
		{name: "utf-16 bom", ctype: "text/plain", in: "\xfe\xff\x00h\x00i", charset: "utf-16be", want: "hi"},
		{name: "override", ctype: "text/plain; charset=utf-8", in: "\xe9", opt: Options{Charset: "latin1"}, charset: "windows-1252", want: "é"},
		{name: "meta", ctype: "text/html", in: `<meta charset="koi8-r">` + "\xc1", html: true, charset: "koi8-r", want: `<meta charset="koi8-r">а`},
		{name: "utf-16 meta means utf-8", ctype: "text/html", in: `<meta charset="utf-16">é`, html: true, charset: "utf-8", want: `<meta charset="utf-16">é`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Decode(strings.NewReader(c.in), c.ctype, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(b)
			if b.HTML != c.html || b.Binary != c.binary || (c.charset != "" && b.Charset != c.charset) || string(got) != c.want {
				t.Errorf("got html=%v binary=%v charset=%q %q", b.HTML, b.Binary, b.Charset, got)
			}
		})
	}
	var warned []string
	if _, err := Decode(strings.NewReader("x"), "text/plain; charset=nope", Options{Warn: func(m string) { warned = append(warned, m) }}); err != nil || len(warned) != 1 {
		t.Errorf("unknown charset: err %v, warnings %q", err, warned)
	}
	if _, err := Decode(strings.NewReader("x"), "", Options{Charset: "nope"}); err == nil {
		t.Error("an unknown --charset is not an error")
	}
}

// FuzzDecode: whatever the bytes and the declared type, a text body reads
// as valid UTF-8, no longer than the windows-1252 reading of the input
// could make it (3 bytes a byte), and the same in one read as in small
// ones.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("<meta charset=shift_jis><p>\x93\xfa\x96\x7b</p>"), "text/html")
	f.Add([]byte("\xef\xbb\xbfBOM text \xff"), "")
	f.Add([]byte("\xff\xfeu\x00t\x00f\x00"), "text/plain; charset=utf-16")
	f.Add([]byte("caf\xe9"), "text/plain; charset=bogus")
	f.Add([]byte("\x00\x01\x02binary"), "application/octet-stream")
	f.Fuzz(func(t *testing.T, in []byte, contentType string) {
		read := func(chunk int) (string, bool) {
			b, err := Decode(iotest.OneByteReader(bytes.NewReader(in)), contentType, Options{})
			if chunk > 1 {
				b, err = Decode(bytes.NewReader(in), contentType, Options{})
			}
			if err != nil {
				return "", false
			}
			out, err := io.ReadAll(b)
			if err != nil {
				t.Fatal(err)
			}
			if b.Binary {
				return "", false
			}
			return string(out), true
		}
		whole, ok := read(1 << 20)
		if !ok {
			return
		}
		if !utf8.ValidString(whole) {
			t.Fatalf("invalid UTF-8 out: %q", whole)
		}
		if len(whole) > 3*len(in)+3 {
			t.Fatalf("%d bytes out of %d", len(whole), len(in))
		}
		if small, _ := read(1); small != whole {
			t.Fatalf("one byte at a time: %q, whole: %q", small, whole)
		}
	})
}
