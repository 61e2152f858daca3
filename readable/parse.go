package readable

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// maxNesting is how deep Parse lets elements nest. x/net/html refuses a
// page whose open elements pass 512, which hostile pages do on purpose;
// past this depth, tags are dropped and their text kept.
const maxNesting = 256

// MaxInput is the largest page Parse reads, in bytes. A parsed tree and
// the article copied from it take up to 18 times the page in memory, at
// peak (measured on the Node.js API page, whose article is all of it:
// 8.4 MB takes 154 MB; four copies of it cut at 33 MB take 406 MB), so
// that past this size a page could take a gigabyte. Plain conversion
// streams and has no such limit.
const MaxInput = 32 << 20

// ErrTooLarge is returned by Parse for a page over MaxInput.
var ErrTooLarge = fmt.Errorf("page larger than %d MiB, the most that --readable and --select read (a plain conversion, --metadata included, streams any size)", MaxInput>>20)

// Parse parses a whole page of at most MaxInput bytes. A page nested too
// deep for x/net/html is parsed again with the tags past maxNesting
// dropped.
func Parse(r io.Reader) (*html.Node, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxInput {
		return nil, ErrTooLarge
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err == nil {
		return doc, nil
	}
	flat, ferr := flatten(data)
	if ferr != nil {
		return nil, fmt.Errorf("cannot parse the page: %w", err)
	}
	doc, err = html.Parse(bytes.NewReader(flat))
	if err != nil {
		return nil, fmt.Errorf("cannot parse the page: %w", err)
	}
	return doc, nil
}

// flatten rewrites a page with its elements nested at most maxNesting deep.
func flatten(data []byte) ([]byte, error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	var out bytes.Buffer
	depth, dropped := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return out.Bytes(), nil
			}
			return nil, z.Err()
		case html.StartTagToken:
			name, _ := z.TagName()
			if htmlx.Void(atom.Lookup(name)) {
				break
			}
			if depth >= maxNesting {
				dropped++
				continue
			}
			depth++
		case html.EndTagToken:
			if dropped > 0 {
				dropped--
				continue
			}
			if depth > 0 {
				depth--
			}
		}
		out.Write(z.Raw())
	}
}

// maxHead is the most ReadHead reads looking for the end of the head.
const maxHead = 1 << 20

// ReadHead reads the start of a page up to the end of its <head> (the
// first "</head" or "<body"), or maxHead bytes, or the whole page if it is
// shorter: enough for PageMetadata and BaseURL. It returns those bytes and
// a reader of the whole page (them, then the rest), so that the page can
// then be converted as it streams.
func ReadHead(r io.Reader) (head []byte, page io.Reader, err error) {
	buf := make([]byte, 0, 32<<10)
	scanned := 0
	for len(buf) < maxHead {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, rerr := r.Read(buf[len(buf):min(cap(buf), maxHead)])
		buf = buf[:len(buf)+n]
		// Look again from a little before the new bytes: a mark may
		// straddle two reads.
		from := max(0, scanned-len("</head"))
		window := bytes.ToLower(buf[from:])
		scanned = len(buf)
		if bytes.Contains(window, []byte("</head")) || bytes.Contains(window, []byte("<body")) {
			break
		}
		if rerr == io.EOF {
			return buf, bytes.NewReader(buf), nil
		}
		if rerr != nil {
			return nil, nil, rerr
		}
	}
	return buf, io.MultiReader(bytes.NewReader(buf), r), nil
}
