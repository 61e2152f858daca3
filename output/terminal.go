package output

import (
	"io"
	"unicode/utf8"
)

// TerminalFilter keeps text on its way to a terminal from acting on it: it
// removes escape sequences, control characters other than newline and tab,
// C1 controls in either form (a raw byte such as 0x9b, which a terminal in
// 8-bit mode reads as CSI, or its UTF-8 encoding), and the bidi overrides
// and isolates that make text read differently from what it is. A byte that
// is not UTF-8 is shown as U+FFFD. Sequences split across writes are
// handled.
type TerminalFilter struct {
	w     io.Writer
	state filterState
	// seq holds a UTF-8 sequence not yet complete, need how many bytes it
	// still lacks.
	seq  [utf8.UTFMax]byte
	nseq int
	need int
	buf  []byte
}

type filterState uint8

const (
	stText      filterState = iota
	stEsc                   // after ESC
	stCSI                   // in a control sequence: ESC [ or C1 CSI
	stString                // in OSC, DCS, SOS, PM or APC: up to BEL or ST
	stStringEsc             // ESC inside a string: maybe ST
)

// NewTerminalFilter returns a filter writing to w.
func NewTerminalFilter(w io.Writer) *TerminalFilter { return &TerminalFilter{w: w} }

func (f *TerminalFilter) Write(p []byte) (int, error) {
	out := f.buf[:0]
	for _, c := range p {
		out = f.step(out, c)
	}
	f.buf = out[:0]
	if len(out) == 0 {
		return len(p), nil
	}
	if _, err := f.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// replacement is U+FFFD, shown for a byte that is not UTF-8.
const replacement = "\uFFFD"

func (f *TerminalFilter) step(out []byte, c byte) []byte {
	if f.need > 0 {
		if c&0xc0 == 0x80 {
			f.seq[f.nseq] = c
			f.nseq++
			if f.need--; f.need > 0 {
				return out
			}
			return f.char(out)
		}
		// A sequence cut short: show it as not UTF-8, then read c afresh.
		f.need, f.nseq = 0, 0
		out = append(out, replacement...)
	}
	switch f.state {
	case stEsc:
		switch c {
		case '[':
			f.state = stCSI
		case ']', 'P', 'X', '^', '_':
			f.state = stString
		default:
			f.state = stText
		}
		return out
	case stCSI:
		switch {
		case c >= 0x20 && c <= 0x3f:
			return out
		case c >= 0x40 && c <= 0x7e:
			f.state = stText
			return out
		}
		f.state = stText // malformed: drop the sequence, keep the byte
	case stString, stStringEsc:
		switch {
		case c == 0x07:
			f.state = stText
		case c == 0x1b:
			f.state = stStringEsc
		case c == '\\' && f.state == stStringEsc:
			f.state = stText
		case c == '\n':
			// An unterminated string must not swallow the rest of the page.
			f.state = stText
			return append(out, c)
		default:
			f.state = stString
		}
		return out
	}
	switch {
	case c == 0x1b:
		f.state = stEsc
	case c == '\n' || c == '\t':
		out = append(out, c)
	case c < 0x20 || c == 0x7f:
		// dropped
	case c < 0x80:
		out = append(out, c)
	case c >= 0xc2 && c <= 0xf4:
		f.seq[0], f.nseq = c, 1
		switch {
		case c < 0xe0:
			f.need = 1
		case c < 0xf0:
			f.need = 2
		default:
			f.need = 3
		}
	default:
		out = append(out, replacement...)
	}
	return out
}

// char handles the complete UTF-8 sequence in f.seq.
func (f *TerminalFilter) char(out []byte) []byte {
	seq := f.seq[:f.nseq]
	f.nseq = 0
	r, size := utf8.DecodeRune(seq)
	switch {
	case r == utf8.RuneError && size <= 1:
		return append(out, replacement...)
	case r == 0x9b: // CSI
		f.state = stCSI
		return out
	case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // DCS, SOS, OSC, PM, APC
		f.state = stString
		return out
	case r >= 0x80 && r <= 0x9f, isBidiControl(r):
		return out
	}
	return append(out, seq...)
}

// isBidiControl reports whether r is a bidi embedding, override or isolate,
// or their terminator.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
