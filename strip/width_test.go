package strip

import (
	"bytes"
	"math/rand"
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

// words returns out without what wrapping may change: white space, and the
// escapes that a word moved to the start of a line may need, and the
// quote markers when the page may have quotes.
func words(out string, quotes bool) string {
	if quotes {
		// A quote's "> " starts every line inside it, wherever wrapping
		// breaks them: leave out every '>' on both sides.
		out = strings.ReplaceAll(out, ">", "")
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' || r == '\\' || r == '\u200b' || r == '\u2060' || r == '\u00a0' {
			return -1
		}
		return r
	}, out)
}

// inlineMarkup makes a paragraph of random inline markup from r.
func inlineMarkup(r *rand.Rand) string {
	parts := []string{"100", "-", "200", "x", "+", "y", " ", " ", "&nbsp;", "word", "é", "日本", ".", "1.", "*", "_", "#", "[", "]", "~"}
	tags := []string{"b", "i", "em", "strong", "sup", "sub", "code", "del", "q", "a href=/l", "span"}
	var b strings.Builder
	b.WriteString("<p>")
	var open []string
	for n := r.Intn(40); n > 0; n-- {
		switch k := r.Intn(10); {
		case k < 5:
			b.WriteString(parts[r.Intn(len(parts))])
		case k < 7:
			tag := tags[r.Intn(len(tags))]
			b.WriteString("<" + tag + ">")
			open = append(open, strings.Fields(tag)[0])
		case k < 9 && len(open) > 0:
			b.WriteString("</" + open[len(open)-1] + ">")
			open = open[:len(open)-1]
		default:
			b.WriteString("<br>")
		}
	}
	return b.String()
}

// TestWidthKeepsWords checks the property that wrapping changes no word, in
// every format, on generated inline markup.
func TestWidthKeepsWords(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		in := inlineMarkup(r)
		for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
			checkWidthKeepsWords(t, []byte(in), f, 1+r.Intn(30))
		}
	}
	for _, in := range []string{"<p>Price: <b>100</b>-<i>200</i> USD</p>", "<p>x<sup>2</sup>+y<sup>3</sup></p>"} {
		for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
			checkWidthKeepsWords(t, []byte(in), f, 72)
		}
	}
}

func checkWidthKeepsWords(t *testing.T, in []byte, f Format, width int) {
	t.Helper()
	var whole, wrapped strings.Builder
	if err := Convert(&whole, bytes.NewReader(in), Options{Format: f, HTML: true}); err != nil {
		t.Fatal(err)
	}
	if err := Convert(&wrapped, bytes.NewReader(in), Options{Format: f, HTML: true, Width: width}); err != nil {
		t.Fatal(err)
	}
	q := hasQuote(in)
	if words(wrapped.String(), q) != words(whole.String(), q) {
		t.Fatalf("%s, width %d, on %q:\nwrapped %q\nwhole   %q", f, width, in, wrapped.String(), whole.String())
	}
}

func hasQuote(in []byte) bool { return bytes.Contains(bytes.ToLower(in), []byte("<blockquote")) }
