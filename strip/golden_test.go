package strip

import (
	"bytes"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenFormats are the formats with golden files, by file extension.
var goldenFormats = map[string]Format{".txt": FormatText, ".md": FormatMarkdown, ".org": FormatOrg}

// TestGolden converts each testdata/*.html to every format and compares it
// with the file beside it. go test ./strip -update rewrites them.
func TestGolden(t *testing.T) {
	pages, err := filepath.Glob("testdata/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no golden pages: %v", err)
	}
	base, _ := url.Parse("https://example.com/dir/page.html")
	for _, page := range pages {
		in, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for ext, format := range goldenFormats {
			name := strings.TrimSuffix(page, ".html") + ext
			t.Run(filepath.Base(name), func(t *testing.T) {
				var out bytes.Buffer
				if err := Convert(&out, bytes.NewReader(in), Options{Format: format, HTML: true, BaseURL: base}); err != nil {
					t.Fatal(err)
				}
				if *update {
					if err := os.WriteFile(name, out.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(name)
				if err != nil {
					t.Fatalf("%v (run go test ./strip -update to create it)", err)
				}
				if got := out.String(); got != string(want) {
					t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
				}
				checkInvariants(t, out.String())
			})
		}
	}
}

// checkInvariants asserts what holds for every output: valid UTF-8, no
// control characters but newline and tab, no trailing spaces, no two blank
// lines in a row, and exactly one final newline.
func checkInvariants(t *testing.T, out string) {
	t.Helper()
	checkOutput(t, out, false)
}

// checkOutput is checkInvariants; codeBlocks says the page has <pre>,
// whose lines are kept as they are, blank ones included.
func checkOutput(t *testing.T, out string, codeBlocks bool) {
	t.Helper()
	if out == "" {
		return
	}
	if !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("output does not end with exactly one newline: %q", tail(out))
	}
	if strings.Contains(out, "\n\n\n") && !codeBlocks {
		t.Errorf("two blank lines in a row near %q", around(out, strings.Index(out, "\n\n\n")))
	}
	if strings.HasPrefix(out, "\n") {
		t.Errorf("output starts with a blank line")
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") || strings.HasSuffix(line, "\t") {
			t.Errorf("line %d has trailing space: %q", i+1, line)
		}
	}
	checkText(t, out)
}

func tail(s string) string {
	if len(s) > 40 {
		return s[len(s)-40:]
	}
	return s
}

func around(s string, i int) string {
	return s[max(0, i-40):min(len(s), i+40)]
}
