package strip

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/internal/testpages"
)

// realPages returns the source.html files of go-readability's test pages:
// 130-odd real web pages (news, blogs, wikis) that ship inside that
// module, which this project depends on, so every checkout has them.
func realPages(t *testing.T) []string {
	t.Helper()
	pages := testpages.Readability()
	if len(pages) == 0 {
		t.Skip("no go-readability test pages")
	}
	return pages
}

// TestRealPages converts real pages to every format: the invariants hold,
// no script or style text leaks, and Markdown survives a round trip through
// goldmark.
func TestRealPages(t *testing.T) {
	if testing.Short() {
		t.Skip("converts 130 pages")
	}
	md := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough), goldmark.WithRendererOptions(html.WithUnsafe()))
	failedRoundTrips := 0
	pages := realPages(t)
	for _, page := range pages {
		in, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(page))
		for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
			out := convertString(t, in, f)
			t.Run(name+"/"+string(f), func(t *testing.T) { checkOutput(t, out, hasCodeBlock(in)) })
			for _, hidden := range scriptSnippets(in) {
				if strings.Contains(out, hidden) {
					t.Errorf("%s %s: script or style text %q leaked", name, f, hidden)
				}
			}
			if f == FormatMarkdown {
				var rendered bytes.Buffer
				if err := md.Convert([]byte(out), &rendered); err != nil {
					t.Fatal(err)
				}
				second := convertString(t, rendered.Bytes(), FormatMarkdown)
				if normalizeMarkers(out) != normalizeMarkers(second) {
					failedRoundTrips++
					t.Logf("%s: Markdown changes in a round trip through goldmark", name)
				}
			}
		}
	}
	// Known, on go-readability v2.1.3's pages: 10 pages still change, by
	// blank lines between items of lists that hold stray text or blocks,
	// a "<" or "&" escaped at the end of a text token, and an item whose
	// text starts like an ordered-list marker across two tags. This bound
	// keeps them from growing while they are fixed.
	const knownFailures = 10
	t.Logf("%d of %d real pages' Markdown changed in a round trip", failedRoundTrips, len(pages))
	if failedRoundTrips > knownFailures {
		t.Errorf("%d of %d real pages' Markdown changed in a round trip (at most %d known)", failedRoundTrips, len(pages), knownFailures)
	}
}

// scriptSnippets returns lines of 40 bytes or more from the page's script
// and style elements: none of them may reach the output.
func scriptSnippets(page []byte) []string {
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	var out []string
	in := false
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return out
		case xhtml.StartTagToken:
			name, _ := z.TagName()
			in = string(name) == "script" || string(name) == "style"
		case xhtml.EndTagToken:
			in = false
		case xhtml.TextToken:
			if !in {
				continue
			}
			for _, line := range strings.Split(string(z.Text()), "\n") {
				if line = strings.TrimSpace(line); len(line) >= 40 && strings.ContainsAny(line, "{}();=") {
					out = append(out, line)
				}
			}
		}
	}
}

func hasCodeBlock(page []byte) bool {
	lower := bytes.ToLower(page)
	return bytes.Contains(lower, []byte("<pre")) || bytes.Contains(lower, []byte("<xmp")) ||
		bytes.Contains(lower, []byte("<listing")) || bytes.Contains(lower, []byte("<plaintext"))
}
