package strip

import (
	"bytes"
	"io"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxTextRun is the longest text token the tokenizer is left to build.
// x/net/html holds a whole token in memory, so a 50 MB paragraph without
// markup would be held whole; past this length the feed ends the token.
const maxTextRun = 64 << 10

// textFeed is the reader the tokenizer reads from. It ends a text token that
// grows past its limit by feeding the tokenizer an empty comment, which the
// converter never sees, at a point where cutting the text changes nothing.
//
// It never guesses where the tokenizer is: before each call to Next, the
// producer says whether the tokenizer is in its data state (not inside a
// script, style, title or other raw-text element) and hands over the bytes
// it has buffered. In the data state a token is text exactly when it does
// not start with "<" and a letter, "/", "!" or "?", and a text token ends at
// the first such pair. So while the bytes fed since Next began hold no such
// pair, the tokenizer is inside a text token, and nowhere else: never in a
// tag, an attribute value, a comment or a raw-text element.
type textFeed struct {
	r     io.Reader
	limit int
	buf   []byte
	next  []byte // read from r, not yet fed
	err   error

	inText  bool // the token being read is text, as far as fed
	run     int  // bytes of that text fed so far
	lastLT  bool // the last byte fed was a '<' whose follower is not fed yet
	ref     int  // bytes since an unfinished "&name" or "&#digits" began; -1 outside one
	numeric bool // that reference is numeric
	lastCR  bool // the last byte fed was '\r'

	marker []byte // the part of cutMarker still to feed
}

// cutMarker is what the feed inserts to end a text token: the shortest
// comment, which the token stream drops.
const cutMarker = "<!---->"

func newTextFeed(r io.Reader, limit int) *textFeed {
	return &textFeed{r: r, limit: limit, buf: make([]byte, 32<<10), ref: -1}
}

// nextToken is called before each call to the tokenizer's Next: dataState
// says the tokenizer is not in a raw-text element, buffered is what it holds
// of the input and has not tokenized yet.
func (f *textFeed) nextToken(dataState bool, buffered []byte) {
	f.inText, f.run, f.lastLT, f.ref, f.numeric, f.lastCR = false, 0, false, -1, false, false
	if !dataState {
		return
	}
	if len(buffered) >= 2 && buffered[0] == '<' && startsMarkup(buffered[1]) {
		return
	}
	f.inText = true
	f.scan(buffered)
}

// startsMarkup reports whether c after '<' makes a tag, comment or doctype.
func startsMarkup(c byte) bool {
	return c|0x20 >= 'a' && c|0x20 <= 'z' || c == '/' || c == '!' || c == '?'
}

// scan follows bytes fed to the tokenizer: whether the text token goes on,
// and the state that says where it may be cut.
func (f *textFeed) scan(p []byte) {
	if f.skip(p) {
		return
	}
	for i := 0; i < len(p) && f.inText; i++ {
		f.step(p[i])
		f.run++
	}
}

// lookback is how far back skip reads the bytes of a chunk to set the
// state that step would have: beyond a named character reference's length.
const lookback = 64

// skip follows p at once when the run stays short of the limit all through
// it, and reports whether it did: it only looks for the end of the text
// token, then sets the cut state from p's last bytes, instead of stepping
// through every byte of every text.
func (f *textFeed) skip(p []byte) bool {
	if !f.inText || f.run+len(p) >= f.limit || len(p) < lookback {
		return false
	}
	if f.lastLT && startsMarkup(p[0]) {
		f.inText = false
		return true
	}
	for from := 0; ; {
		i := bytes.IndexByte(p[from:], '<')
		if i < 0 {
			break
		}
		from += i + 1
		if from < len(p) && startsMarkup(p[from]) {
			f.inText = false
			return true
		}
	}
	f.run += len(p)
	last := len(p) - 1
	f.lastLT, f.lastCR = p[last] == '<', p[last] == '\r'
	j := last
	for j > len(p)-lookback && isRefByte(p[j]) {
		j--
	}
	switch {
	case p[j] == '&':
		f.ref, f.numeric = last-j, j < last && p[j+1] == '#'
	case isRefByte(p[j]) && onlyHex(p[len(p)-lookback:]):
		// Could be the digits of a numeric reference begun long ago.
		f.ref, f.numeric = lookback, true
	default:
		f.ref, f.numeric = -1, false
	}
	return true
}

// isRefByte reports whether c can follow the '&' of a character reference.
func isRefByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '#' }

// onlyHex reports whether p could all be the digits of a numeric character
// reference.
func onlyHex(p []byte) bool {
	for _, c := range p {
		if !(c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' || c|0x20 == 'x' || c == '#') {
			return false
		}
	}
	return true
}

func (f *textFeed) step(c byte) {
	if f.lastLT && startsMarkup(c) {
		f.inText = false // markup begins: the text token ends before it
		return
	}
	f.lastLT = c == '<'
	f.lastCR = c == '\r'
	switch {
	case c == '&':
		f.ref, f.numeric = 0, false
	case f.ref >= 0 && isRefByte(c):
		if f.ref == 0 && c == '#' {
			f.numeric = true
		}
		f.ref++
	default:
		f.ref = -1
	}
}

// cuttable reports whether the text may be cut before c, given the state
// after the bytes before it: not inside a UTF-8 sequence, a "\r\n" or a
// character reference (a named one can only be 32 bytes long; a numeric
// one, any length), and not right after a '<'.
func (f *textFeed) cuttable(c byte) bool {
	if c >= 0x80 && c < 0xc0 || f.lastCR || f.lastLT {
		return false
	}
	return f.ref < 0 || !f.numeric && f.ref > 40
}

func (f *textFeed) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(f.marker) > 0 {
		n := copy(p, f.marker)
		f.marker = f.marker[n:]
		return n, nil
	}
	if len(f.next) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		n, err := f.r.Read(f.buf)
		f.next, f.err = f.buf[:n], err
		if n == 0 {
			return 0, err
		}
	}
	chunk := f.next[:min(len(f.next), len(p))]
	n := len(chunk)
	if f.skip(chunk) {
		copy(p, chunk)
		f.next = f.next[n:]
		return n, nil
	}
	for i := 0; i < len(chunk) && f.inText; i++ {
		c := chunk[i]
		if f.run >= f.limit && f.cuttable(c) {
			// Feed up to here; the comment comes next and ends the token.
			n = i
			f.inText = false
			f.marker = []byte(cutMarker)
			break
		}
		f.step(c)
		f.run++
	}
	if n == 0 {
		return f.Read(p)
	}
	copy(p, chunk[:n])
	f.next = f.next[n:]
	return n, nil
}

// tokenizerState follows what state a start or end tag leaves x/net/html's
// tokenizer in, which the converter must know and the tokenizer does not
// say.
type tokenizerState struct {
	foreign int // open svg and math elements
	// noscriptMarkup says <noscript> holds markup (scripting is off), not
	// the raw text the tokenizer reads there by default.
	noscriptMarkup bool
	noscripts      int    // open <noscript>s read as markup
	rawIn          []byte // a raw-text element just opened inside one
}

// after is called after each tag the tokenizer returns; it reports whether
// the tokenizer is in its data state for the next token. Inside SVG and
// MathML no tag switches the tokenizer to raw text, as the HTML parser has
// it: "<svg><title/>" must not read the rest of the page as a title.
func (s *tokenizerState) after(z *html.Tokenizer, tt html.TokenType, name []byte) bool {
	switch n := string(name); {
	case (n == "svg" || n == "math") && tt == html.StartTagToken:
		s.foreign++
	case (n == "svg" || n == "math") && tt == html.EndTagToken && s.foreign > 0:
		s.foreign--
	case s.foreign > 0 && tt != html.EndTagToken && breaksOut(atom.Lookup(name)):
		s.foreign = 0 // the HTML element ends the SVG (see converter.startTag)
	}
	s.rawIn = s.rawIn[:0]
	if s.noscriptMarkup && s.foreign == 0 && string(name) == "noscript" {
		switch {
		case tt == html.StartTagToken || tt == html.SelfClosingTagToken:
			s.noscripts++
		case tt == html.EndTagToken && s.noscripts > 0:
			s.noscripts--
		}
	}
	if !rawText(tt, name) {
		return true
	}
	if s.noscripts > 0 && s.foreign == 0 && string(name) != "noscript" {
		s.rawIn = append(s.rawIn, name...) // see cutRaw
	}
	if s.foreign > 0 || s.noscriptMarkup && string(name) == "noscript" {
		z.NextIsNotRawText()
		return true
	}
	return false
}

// cutRaw splits the raw text of an element opened inside a <noscript> read
// as markup where "</noscript>" ends it: a parser that runs scripts (and the
// tree path) ends the <noscript> there, whatever it holds, so that
// "<noscript><iframe/></noscript>" does not swallow the page up to the next
// "</iframe>". It returns the raw text and what follows the cut, or ok false
// when the text holds no "</noscript>".
func (s *tokenizerState) cutRaw(text []byte) (raw, rest []byte, ok bool) {
	if len(s.rawIn) == 0 {
		return text, nil, false
	}
	for i := 0; i+len("</noscript") <= len(text); i++ {
		j := bytes.IndexByte(text[i:], '<')
		if j < 0 {
			break
		}
		i += j
		end := i + len("</noscript")
		if end > len(text) {
			break
		}
		if !bytes.EqualFold(text[i:end], []byte("</noscript")) {
			continue
		}
		if end == len(text) || isAttrEnd(text[end]) {
			return text[:i], text[i:], true
		}
	}
	return text, nil, false
}

// rawText reports whether a start tag named name puts x/net/html's tokenizer
// in a raw-text state for the next token (as readStartTag decides).
func rawText(tt html.TokenType, name []byte) bool {
	if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
		return false
	}
	switch string(name) {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp":
		return true
	}
	return false
}
