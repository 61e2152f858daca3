package output

import "io"

// TerminalFilter removes escape sequences and control characters other than
// newline and tab from text on its way to a terminal, so that a page cannot
// move the cursor, retitle the window or hide text. Sequences split across
// writes are handled.
type TerminalFilter struct {
	w     io.Writer
	state filterState
	buf   []byte
}

type filterState uint8

const (
	stText      filterState = iota
	stEsc                   // after ESC
	stCSI                   // in a control sequence: ESC [ or C1 CSI
	stString                // in OSC, DCS, SOS, PM or APC: up to BEL or ST
	stStringEsc             // ESC inside a string: maybe ST
	stC2                    // after 0xC2, the lead byte of C1 controls in UTF-8
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

func (f *TerminalFilter) step(out []byte, c byte) []byte {
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
	case stC2:
		f.state = stText
		switch {
		case c == 0x9b:
			f.state = stCSI
			return out
		case c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f:
			f.state = stString
			return out
		case c >= 0x80 && c <= 0x9f:
			return out
		}
		out = append(out, 0xc2)
	}
	switch {
	case c == 0x1b:
		f.state = stEsc
	case c == 0xc2:
		f.state = stC2
	case c == '\n' || c == '\t':
		out = append(out, c)
	case c < 0x20 || c == 0x7f:
		// dropped
	default:
		out = append(out, c)
	}
	return out
}
