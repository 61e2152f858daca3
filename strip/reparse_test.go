package strip

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// TestMarkdownReparses checks that Markdown output means what it says: a
// CommonMark parser with GFM tables (goldmark) turns it back into HTML, and
// converting that HTML again gives the same Markdown. An escape missing or
// wrong, a list that loses its nesting, a table that breaks, or emphasis
// that does not parse all show up as a difference.
func TestMarkdownReparses(t *testing.T) {
	pages, _ := filepath.Glob("testdata/*.html")
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	for _, page := range pages {
		if filepath.Base(page) == "math.html" {
			// TeX is written as it is, for readers that render math, as
			// pandoc does; read back as CommonMark text it gets escaped.
			continue
		}
		t.Run(filepath.Base(page), func(t *testing.T) {
			in, _ := os.ReadFile(page)
			first := convertString(t, in, FormatMarkdown)
			var rendered bytes.Buffer
			if err := md.Convert([]byte(first), &rendered); err != nil {
				t.Fatal(err)
			}
			second := convertString(t, rendered.Bytes(), FormatMarkdown)
			// CommonMark numbers a list from its first number up, so
			// reversed lists and value= jumps do not survive: compare
			// everything but the numbers.
			if normalizeMarkers(first) != normalizeMarkers(second) {
				t.Errorf("Markdown does not survive a round trip through goldmark:\n--- first\n%s\n--- goldmark HTML\n%s\n--- second\n%s", first, rendered.String(), second)
			}
		})
	}
}

var (
	itemNumber = regexp.MustCompile(`(?m)^(\s*)\d+[.)] `)
	itemBullet = regexp.MustCompile(`(?m)^(\s*)[-*] `)
)

// normalizeMarkers writes every list marker the same way (CommonMark
// renumbers lists from their first number, and the converter alternates
// "-" and "*" only to keep adjacent lists apart) and drops table padding.
func normalizeMarkers(md string) string {
	md = itemBullet.ReplaceAllString(itemNumber.ReplaceAllString(md, "${1}N. "), "${1}- ")
	// A table's padding is cosmetic, and written only while it is cheap.
	// So are empty cells at the end of a row, which a reader adds up to the
	// header's count.
	return tablePadding.ReplaceAllStringFunc(md, func(row string) string {
		row = dashRun.ReplaceAllString(spaceRun.ReplaceAllString(row, " "), "-")
		for strings.HasSuffix(row, "| |") {
			row = row[:len(row)-2]
		}
		return row
	})
}

var (
	tablePadding = regexp.MustCompile(`(?m)^\|.*\|$`)
	spaceRun     = regexp.MustCompile(` +`)
	dashRun      = regexp.MustCompile(`-+`)
)

func convertString(t *testing.T, in []byte, f Format) string {
	t.Helper()
	var out strings.Builder
	// A page read from a file: its relative links are links (a remote
	// page without a base gets none).
	if err := Convert(&out, bytes.NewReader(in), Options{Format: f, HTML: true, Local: true}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
