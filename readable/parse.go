package readable

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxNesting is how deep Parse lets elements nest. x/net/html refuses a
// page whose open elements pass 512, which hostile pages do on purpose;
// past this depth, tags are dropped and their text kept.
const maxNesting = 256

// Parse parses a whole page. A page nested too deep for x/net/html is
// parsed again with the tags past maxNesting dropped.
func Parse(r io.Reader) (*html.Node, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
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
			if isVoid(atom.Lookup(name)) {
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

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param:
		return true
	}
	return false
}
