package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ title, url, want string }{
		{"Bridge vote | News", "", "bridge-vote-news"},
		{"../../etc/passwd", "", "etc-passwd"},
		{".bashrc", "", "bashrc"},
		{"Ça va? Übermäßig — 日本語", "", "ça-va-übermäßig-日本語"},
		{"", "https://example.org/a/b.html?q=1", "example-org-a-b-html"},
		{"  ", "", "page"},
		{"/\\:*?\"<>|", "", "page"},
		{"\u202eevil\x00name", "", "evil-name"},
		{strings.Repeat("word ", 40), "", strings.TrimSuffix(strings.Repeat("word-", 16), "-")},
	} {
		if got := Slug(tc.title, tc.url); got != tc.want {
			t.Errorf("Slug(%q, %q) = %q, want %q", tc.title, tc.url, got, tc.want)
		}
	}
}

func TestSpool(t *testing.T) {
	for _, n := range []int{0, 10, spoolMemory, spoolMemory + 1, 3 * spoolMemory} {
		var s Spool
		want := bytes.Repeat([]byte("abcdefg\n"), n/8+1)[:n]
		for p := want; len(p) > 0; {
			k := min(len(p), 4096)
			s.Write(p[:k])
			p = p[k:]
		}
		if (s.file != nil) != (n > spoolMemory) {
			t.Errorf("%d bytes: in a file %v", n, s.file != nil)
		}
		r, err := s.Reader()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		name := ""
		if s.file != nil {
			name = s.file.Name()
		}
		s.Close()
		if !bytes.Equal(got, want) || s.Len() != int64(n) {
			t.Errorf("%d bytes: read %d back", n, len(got))
		}
		if name != "" {
			if _, err := os.Stat(name); err == nil {
				t.Errorf("%d bytes: %s left after Close", n, name)
			}
		}
	}
}

// FuzzCopyJSONString: the content field is always one valid JSON string
// on one line, and reads back as the text (invalid UTF-8 as U+FFFD).
func FuzzCopyJSONString(f *testing.F) {
	f.Add("plain")
	f.Add("quote \" backslash \\ newline \n tab \t cr \r nul \x00 esc \x1b ls \u2028 ps \u2029")
	f.Add("bad \xff\xfe utf-8 \xe2\x82")
	f.Fuzz(func(t *testing.T, s string) {
		var out bytes.Buffer
		b := bufio.NewWriter(&out)
		if err := copyJSONString(b, strings.NewReader(s)); err != nil {
			t.Fatal(err)
		}
		b.Flush()
		if bytes.ContainsAny(out.Bytes(), "\n\r\u2028\u2029") {
			t.Fatalf("%q: not one line", out.String())
		}
		var got string
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%q: %v", out.String(), err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); got != want && !utf8.ValidString(s) {
			// ToValidUTF8 folds a run of bad bytes into one U+FFFD; the
			// copy writes one a byte, as Go's decoder reads them.
			if strings.ReplaceAll(got, "\uFFFD", "") != strings.ReplaceAll(want, "\uFFFD", "") {
				t.Fatalf("%q read back as %q", s, got)
			}
		} else if got != want {
			t.Fatalf("%q read back as %q", s, got)
		}
	})
}
