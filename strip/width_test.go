package strip

import (
	"strings"
	"testing"
)

func TestWidth(t *testing.T) {
	long := strings.Repeat("words that wrap nicely ", 12)
	url := "https://example.org/a/very/long/path/that/must/not/be/broken/anywhere/at/all"
	in := "<p>" + long + "</p><ul><li>" + long + "</li></ul><blockquote>" + long + "</blockquote><p>see " + url + " now</p><p>日本語の文章 " + strings.Repeat("日本語 ", 20) + "</p>"
	for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
		for _, width := range []int{20, 40, 72} {
			out := convertString(t, []byte(in), f)
			var b strings.Builder
			if err := Convert(&b, strings.NewReader(in), Options{Format: f, HTML: true, Width: width}); err != nil {
				t.Fatal(err)
			}
			wrapped := b.String()
			checkInvariants(t, wrapped)
			for _, line := range strings.Split(wrapped, "\n") {
				if displayWidth(line) > width && !strings.Contains(line, url) {
					t.Errorf("%s width %d: line of %d columns: %q", f, width, displayWidth(line), line)
				}
			}
			if !strings.Contains(wrapped, url) {
				t.Errorf("%s width %d: the URL was broken", f, width)
			}
			// Wrapping moves line breaks and loses no word.
			if got, want := strings.Count(wrapped, "words"), strings.Count(out, "words"); got != want {
				t.Errorf("%s width %d: %d words, want %d", f, width, got, want)
			}
		}
	}
}
