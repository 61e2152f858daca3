package strip

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// repeatReader yields prefix, then body count times, then suffix, without
// holding the whole document.
type repeatReader struct {
	parts []string
	count []int
	cur   string
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for r.cur == "" {
		if len(r.parts) == 0 {
			return 0, io.EOF
		}
		if r.count[0] == 0 {
			r.parts, r.count = r.parts[1:], r.count[1:]
			continue
		}
		r.cur = r.parts[0]
		r.count[0]--
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func generated(prefix, body string, n int, suffix string) io.Reader {
	return &repeatReader{parts: []string{prefix, body, suffix}, count: []int{1, n, 1}}
}

// peakHeap converts r and reports the largest heap in use while it ran.
func peakHeap(t *testing.T, r io.Reader, opt Options) uint64 {
	t.Helper()
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	err := Convert(io.Discard, r, opt)
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	return peak.Load()
}

func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("converts 100 MB")
	}
	cases := []struct {
		name string
		r    func() io.Reader
	}{
		{"100 MB of paragraphs", func() io.Reader {
			return generated("<html><body>", "<p>Some <b>bold</b> text with a <a href='/x'>link</a> and <code>code</code>.</p>\n", 100<<20/80, "</body></html>")
		}},
		{"50 MB on one line", func() io.Reader {
			return generated("<p>", "word <i>emphasis</i> ", 50<<20/21, "</p>")
		}},
		{"50 MB inside one <b>", func() io.Reader {
			return generated("<p><b>", "word word word ", 50<<20/15, "</b></p>")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []Format{FormatText, FormatMarkdown} {
				peak := peakHeap(t, c.r(), Options{Format: f, HTML: true, Links: LinksInline})
				if peak > 32<<20 {
					t.Errorf("%s: heap peaked at %d MB", f, peak>>20)
				}
			}
		})
	}
}

func TestDeepAndTangled(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"100000 nested divs", strings.Repeat("<div>", 100000) + "deep" + strings.Repeat("</div>", 100000) + "<p>after</p>", "deep\n\nafter\n"},
		{"100000 nested lists", strings.Repeat("<ul><li>", 100000) + "x", ""},
		{"table in list in table", "<table><tr><td><ul><li>item<table><tr><td>in</td><td>ner</td></tr></table></li></ul></td><td>b</td></tr></table>", ""},
		{"misnested", "<b><i>a</b>b</i><p>c<table><tr><td>d</p></td></tr></table>", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []Format{FormatText, FormatMarkdown, FormatOrg} {
				var out bytes.Buffer
				if err := Convert(&out, strings.NewReader(c.in), Options{Format: f, HTML: true}); err != nil {
					t.Fatal(err)
				}
				checkInvariants(t, out.String())
				if c.want != "" && f == FormatText && out.String() != c.want {
					t.Errorf("got %q, want %q", out.String(), c.want)
				}
				for _, word := range []string{"item", "in", "ner", "b", "a", "c", "d", "x"} {
					if strings.Contains(c.in, ">"+word+"<") && !strings.Contains(out.String(), word) {
						t.Errorf("%s: %q lost", f, word)
					}
				}
			}
		})
	}
}
