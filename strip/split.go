package strip

import (
	"bytes"
	"io"
)

// maxTextRun is the longest stretch without '<' or '>' that reaches the
// tokenizer. x/net/html holds a whole text token in memory, so a 50 MB
// paragraph without markup would be held whole; a <wbr> (which shows
// nothing) after a space past this length bounds that.
const maxTextRun = 64 << 10

// textSplitter inserts <wbr> into very long stretches of text.
type textSplitter struct {
	r       io.Reader
	run     int
	buf     []byte
	pending []byte // read but not yet returned
	err     error
}

var wbr = []byte("<wbr>")

func newTextSplitter(r io.Reader) *textSplitter {
	return &textSplitter{r: r, buf: make([]byte, 32<<10)}
}

func (s *textSplitter) Read(p []byte) (int, error) {
	if len(s.pending) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		n, err := s.r.Read(s.buf)
		s.pending, s.err = s.buf[:n], err
		if n == 0 {
			return 0, err
		}
	}
	chunk := s.pending
	if len(chunk) > len(p) {
		chunk = chunk[:len(p)]
	}
	// Where does the current run end, and does it pass the limit first?
	end := bytes.IndexAny(chunk, "<>")
	runEnd := end
	if runEnd < 0 {
		runEnd = len(chunk)
	}
	if s.run+runEnd <= maxTextRun {
		if end >= 0 {
			last := bytes.LastIndexAny(chunk, "<>")
			s.run = len(chunk) - 1 - last
		} else {
			s.run += len(chunk)
		}
		n := copy(p, chunk)
		s.pending = s.pending[n:]
		return n, nil
	}
	from := max(0, maxTextRun-s.run)
	sp := bytes.IndexByte(chunk[from:runEnd], ' ')
	if sp < 0 {
		// No space yet: pass this part on and look again in the next.
		n := copy(p, chunk[:runEnd])
		s.run += n
		s.pending = s.pending[n:]
		return n, nil
	}
	cut := from + sp + 1
	n := copy(p, chunk[:cut])
	s.pending = s.pending[n:]
	rest := append([]byte(nil), wbr...)
	s.pending = append(rest, s.pending...)
	s.run = 0
	return n, nil
}
