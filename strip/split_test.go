package strip

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"golang.org/x/net/html"
)

// tokenize returns the tokens x/net/html reads from r as the converter sees
// them: comments and doctypes dropped, adjacent text joined, with the number
// of text tokens before joining.
func tokenize(r io.Reader, feed *textFeed) (toks []string, texts int, err error) {
	z := html.NewTokenizer(r)
	dataState := true
	var states tokenizerState
	var name []byte
	text := false
	for {
		if feed != nil {
			feed.nextToken(dataState, z.Buffered())
		}
		tt := z.Next()
		dataState = true
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return toks, texts, nil
			}
			return toks, texts, z.Err()
		case html.TextToken:
			texts++
			if text {
				toks[len(toks)-1] += string(z.Text())
				continue
			}
			toks = append(toks, "text:"+string(z.Text()))
			text = true
			continue
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name = appendTagName(name[:0], z.Raw())
			dataState = states.after(z, tt, name)
			toks = append(toks, fmt.Sprintf("%v:%s", tt, z.Raw()))
		case html.CommentToken:
			if feed != nil && string(z.Raw()) == cutMarker {
				continue // ours, or one the page had: either way invisible
			}
		}
		text = false
	}
}

// chunkReader yields its bytes n at a time.
type chunkReader struct {
	b []byte
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b[:min(r.n, len(r.b))])
	r.b = r.b[n:]
	return n, nil
}

// checkFeed checks that cutting text tokens at limit changes no token: one
// byte at a time, the feed sees every boundary a network could make; in
// chunks of 64 bytes and more, with a limit above them, it skips through
// whole chunks too (see textFeed.skip).
func checkFeed(t *testing.T, in []byte, limit int) (cuts int) {
	t.Helper()
	cuts = checkFeedWith(t, in, limit, func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) })
	chunk := lookback + limit
	checkFeedWith(t, in, 2*chunk+limit, func(b []byte) io.Reader { return &chunkReader{b, chunk} })
	return cuts
}

func checkFeedWith(t *testing.T, in []byte, limit int, reader func([]byte) io.Reader) (cuts int) {
	t.Helper()
	// The input must hold no cut marker of its own, which the counting
	// would take for a cut: removing one can make another
	// ("<!----<!---->>" leaves "<!---->").
	for bytes.Contains(in, []byte(cutMarker)) {
		in = bytes.ReplaceAll(in, []byte(cutMarker), nil)
	}
	want, wantTexts, _ := tokenize(bytes.NewReader(in), nil)
	feed := newTextFeed(reader(in), limit)
	got, gotTexts, _ := tokenize(feed, feed)
	if len(got) != len(want) {
		t.Fatalf("%d tokens with cuts, %d without, on %q:\n%q\n%q", len(got), len(want), in, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("token %d of %q: cut %q, whole %q", i, in, got[i], want[i])
		}
	}
	return gotTexts - wantTexts
}

func TestTextFeedCutsOnlyText(t *testing.T) {
	long := strings.Repeat("x", 100)
	longer := strings.Repeat("word ", 200)
	cases := []struct {
		name string
		in   string
		cuts bool
	}{
		{"text", "<p>" + strings.Repeat("word ", 40) + "</p>", true},
		{"no spaces", "<p>" + long + "</p>", true},
		{"entities", "<p>" + strings.Repeat("&nbsp;", 40) + "&amp</p>", true},
		{"numeric reference", "<p>&#" + strings.Repeat("0", 100) + "65;</p>", false},
		{"numeric reference past a skipped chunk", "<p>" + longer + "&#" + strings.Repeat("0", 300) + "65;" + longer + "</p>", true},
		{"named reference across chunks", "<p>" + longer + "&amp" + strings.Repeat("x", 60) + "&nbsp;" + longer + "</p>", true},
		{"CRLF", "<pre>" + strings.Repeat("a\r\n", 60) + "</pre>", true},
		{"UTF-8", "<p>" + strings.Repeat("é€", 40) + "</p>", true},
		{"less-than", "<p>" + strings.Repeat("a < b ", 30) + "</p>", true},
		{"attribute", `<img src="data:` + long + `" alt="pic">`, false},
		{"unquoted attribute", `<img src=` + long + ` alt=pic>`, false},
		{"comment", "<!--" + long + "-->after", false},
		{"bogus comment", "<?" + long + "?>", false},
		{"doctype", "<!DOCTYPE " + long + ">", false},
		{"script", "<script>" + long + "</script>", false},
		{"escaped script", "<script><!--<script>" + long + "</script>" + long + "--></script>", false},
		{"style", "<STYLE>" + long + "</style >", false},
		{"title", "<title>" + long + "</title>", false},
		{"textarea", "<textarea>" + long + "&amp;</textarea>", false},
		{"xmp", "<xmp>" + long + "</xmp>", false},
		{"plaintext", "<plaintext>" + long, false},
		{"self-closed script", "<script/>" + long + "</script>", false},
		{"end tag", "</" + long + ">", false},
		{"bogus end tag", "</ " + long + ">", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cuts := checkFeed(t, []byte(c.in), 16)
			if c.cuts != (cuts > 0) {
				t.Errorf("%d cuts, want cuts: %v", cuts, c.cuts)
			}
		})
	}
}

func FuzzTextFeed(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(8))
	}
	f.Add([]byte("<p>a&amp;b&#65;c&ampd\r\ne<x"), uint8(1))
	f.Add([]byte("<script><!--<script></script>--></script>x y"), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, limit uint8) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			checkFeed(t, in, int(limit%64)+1)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("no end in 10 s on %q", in)
		}
	})
}
