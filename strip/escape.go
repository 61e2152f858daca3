package strip

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escaper makes the page's text literal in the output, over the whole run of
// output a reader sees: text, markup, spaces and line breaks, in the order
// they are written. A construct that the page splits across text nodes,
// comments or tags ("[<i></i>[elisp:…]]", "<span>elisp</span>:…") is seen
// as one string, which escaping each text node alone never did.
//
// Every escape is an invisible character put before the character that
// would complete a construct, decided from what was written before it, so
// nothing is held back and the output stays a stream. Only the page's text
// is escaped; markup is written as it is, and only read for context.
//
// Every format gets the rules that protect Emacs itself (file-local
// variables, a "-*-" mode line); Org gets the rules that keep a note from
// running, linking or exporting anything the page wrote. The escapes are
// invisible: U+200B, which Emacs reads as white space, breaks "[[", "%%",
// "<<", "@@", "{{", "type:", "src_" and the like; U+2060, a word
// character to Emacs, goes after an emphasis marker or a "$" that would
// close (no space before a "$" keeps it from closing), and between the two
// of "$$". Words are left whole: "snake_case" and "/usr/bin/" are written
// as they read, but for a U+2060 after a marker that would close.
type escaper struct {
	org      bool // Org's rules, beyond those of every format
	inTable  bool // Org: "|" would end the cell
	verbatim bool // text inside a code block or span: only what Emacs or the agenda would act on
	buf      []byte
	tail     []byte                      // the end of the line written so far, for context
	line     int                         // the line of the paragraph being written
	opener   [len(emphasisMarkers)]int32 // per marker, 1 + the line of the last that may open
	dollar   bool                        // the paragraph holds a "$" that could open a fragment
	inDesc   bool                        // inside an Org link's description
}

const (
	zwsp       = "\u200b"
	wordJoiner = "\u2060"
	tailKeep   = 32
)

// newEscaper returns the escaper of a format.
func newEscaper(f Format, inTable bool) *escaper {
	return &escaper{org: f == FormatOrg, inTable: inTable}
}

// escapeString escapes one whole string for a format, as text met on a line
// of its own after a space (a value after "#+title: ", an alternative text).
func escapeString(f Format, s string) string {
	e := newEscaper(f, false)
	e.wrote(" ")
	return e.text(s)
}

// verbatimSafe escapes a line of a code block or a code span: its text is
// shown as it is, but Emacs still reads file-local variables in it and
// the Org agenda still evaluates "%%(" and reads timestamps in it.
func verbatimSafe(f Format, s string) string {
	if !strings.ContainsAny(s, "-:%<") {
		return s
	}
	e := &escaper{org: f == FormatOrg, verbatim: true}
	return e.text(s)
}

// newline says a line ends: what follows starts one.
func (e *escaper) newline() {
	e.tail = e.tail[:0]
	e.line++
}

// paragraph says a paragraph ends: constructs never span one.
func (e *escaper) paragraph() {
	e.tail = e.tail[:0]
	e.line = 0
	e.opener = [len(emphasisMarkers)]int32{}
	e.dollar = false
	e.inDesc = false
}

// wrote records output that is neither text nor markup to read: spaces and
// the prefixes of containers.
func (e *escaper) wrote(s string) { e.keep(s) }

func (e *escaper) keep(s string) {
	if len(s) >= tailKeep {
		e.tail = append(e.tail[:0], s[len(s)-tailKeep:]...)
		return
	}
	if len(e.tail)+len(s) > 2*tailKeep {
		n := copy(e.tail, e.tail[len(e.tail)-tailKeep:])
		e.tail = e.tail[:n]
	}
	e.tail = append(e.tail, s...)
}

// markup records markup the converter wrote; it returns what to write,
// which is s but for the escape a link's closing brackets may need.
func (e *escaper) markup(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsAny(s, "-:") || len(e.tail) > 0 && e.tail[len(e.tail)-1] == '-' {
		// Markup may carry the page's words (an image's alternative
		// text, a link's address): no file-local variables there either.
		s = e.fileVariables(s)
	}
	if !e.org {
		e.keep(s)
		return s
	}
	switch {
	case e.inDesc && s[0] == ']' && e.prev() == ']':
		// "[[u][x]" then "]]": the description's "]" would end the link.
		s = zwsp + s
	case s[0] == '_' && (wordBefore(e.tail, "src") || wordBefore(e.tail, "call")):
		s = zwsp + s // "call" then a subscript's "_{x}(y)": a babel call
	}
	for i := 0; i < len(s); i++ {
		if m := s[i]; isEmphasisMarker(m) && (i == 0 && orgPreRune(e.prev()) || i > 0 && orgPreRune(rune(s[i-1]))) {
			e.opener[markerIndex(m)] = int32(e.line + 1)
		}
	}
	switch {
	case strings.HasSuffix(s, "]["):
		e.inDesc = true
	case strings.Contains(s, "]]"):
		e.inDesc = false
	}
	e.keep(s)
	return s
}

// fileVariables breaks "-*-" and "Local Variables:" in s, which follows
// the tail.
func (e *escaper) fileVariables(s string) string {
	buf := append(e.buf[:0], e.tail...)
	start := len(buf)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' && hasSuffixFold(buf, "-*") || c == ':' && hasSuffixFold(buf, "local variables") {
			buf = append(buf, zwsp...)
		}
		buf = append(buf, c)
	}
	e.buf = buf
	if len(buf)-start == len(s) {
		return s
	}
	return string(buf[start:])
}

// needsLook marks the bytes that may need escaping (in Org) or may end a
// construct that does: the rest is copied.
var needsLook = func() (t [256]bool) {
	for _, c := range []byte("-:[]<@{%_|$*/=~+\\") {
		t[c] = true
	}
	return t
}()

// text returns page text s escaped where it stands.
func (e *escaper) text(s string) string {
	if s == "" {
		return s
	}
	if !e.lookAt(s) {
		e.keep(s)
		return s
	}
	e.buf = append(e.buf[:0], e.tail...)
	start := len(e.buf)
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r < utf8.RuneSelf && !needsLook[r] && !(i == 0 || s[i-1] == '\\' || s[i-1] == '<') {
			e.buf = append(e.buf, byte(r))
			i++
			continue
		}
		next := rune(-1) // not known: the next piece may bring anything
		if j := i + size; j < len(s) {
			next, _ = utf8.DecodeRuneInString(s[j:])
		}
		e.rune(r, s[i:i+size], next)
		i += size
	}
	out := string(e.buf[start:])
	e.keep(out)
	return out
}

// lookAt reports whether s holds anything the rules look at, counting its
// first character, which meets the tail.
func (e *escaper) lookAt(s string) bool {
	if len(e.tail) > 0 {
		switch e.tail[len(e.tail)-1] {
		case '\\', '<', '[', ']', '@', '{', '%', '-', '*', '/', '_', '=', '~', '+':
			return true
		}
	}
	for i := 0; i < len(s); i++ {
		if needsLook[s[i]] {
			return true
		}
	}
	return false
}

// prev is the last character written on the line, or 0 at its start.
func (e *escaper) prev() rune { return e.lastIn(e.tail) }

// rune writes one character of text, escaped as the rules say.
func (e *escaper) rune(r rune, raw string, next rune) {
	prev := e.lastIn(e.buf)
	before, after := "", ""
	// Every format: no file-local variables, no "-*-" mode line.
	switch {
	case r == '-' && hasSuffixFold(e.buf, "-*"):
		before = zwsp
	case r == ':' && hasSuffixFold(e.buf, "local variables"):
		before = zwsp
	}
	if e.org && before == "" {
		before, after = e.orgRule(r, prev, next)
		if r == '|' && e.inTable && !e.verbatim {
			e.buf = append(e.buf, before...)
			e.buf = append(e.buf, `\vert{}`...)
			return
		}
	}
	e.buf = append(e.buf, before...)
	e.buf = append(e.buf, raw...)
	e.buf = append(e.buf, after...)
}

// orgRule returns what goes before and after character r of text, which
// follows prev, for Org; next is the character after it, or -1 when that
// is not known yet.
func (e *escaper) orgRule(r, prev, next rune) (before, after string) {
	switch r {
	case '%':
		// "%%(sexp)" at a line start or in "<%%(sexp)>": the agenda
		// evaluates it.
		if prev == '%' {
			return zwsp, ""
		}
	case '<':
		if prev == '<' && !e.verbatim {
			return zwsp, "" // a target <<x>> or a radio target <<<x>>>
		}
	}
	if prev == '<' && r >= '0' && r <= '9' {
		return zwsp, "" // an active timestamp, an agenda entry
	}
	if e.verbatim {
		return "", ""
	}
	switch r {
	case '[':
		if prev == '[' {
			return zwsp, "" // a link
		}
	case ']':
		if e.inDesc && prev == ']' {
			return zwsp, "" // the end of the link's description
		}
	case '@', '{':
		if prev == r {
			return zwsp, "" // an export snippet @@html:x@@, a macro {{{x}}}
		}
	case ':':
		// A plain link of a type that runs or opens something, whatever
		// precedes it ("x+elisp:", "—shell:"), or an inline footnote, or
		// a clock or planning line written in pieces ("CLOCK<i></i>:").
		if orgLinkTypeBefore(e.buf) || hasSuffixFold(e.buf, "[fn") || planningLine(e.buf) {
			return zwsp, ""
		}
	case '$':
		// "$$" opens a display fragment: a word joiner between them.
		// A "$" after another in the paragraph may close a fragment
		// unless a word character follows it: Org takes any character
		// but space, tab, newline, "," and "." before a closing "$",
		// and punctuation of any script after it.
		before := ""
		if prev == '$' {
			before, prev = wordJoiner, 0x2060
		}
		closes := e.dollar && prev != 0 && prev != ' ' && prev != '\t' && prev != '\n' && prev != ',' && prev != '.' &&
			!(next >= 0 && (unicode.IsLetter(next) || unicode.IsDigit(next)))
		e.dollar = true
		if closes {
			return before, wordJoiner
		}
		return before, ""
	}
	if prev == '\\' && (r == '(' || r == '[' || r < utf8.RuneSelf && isLetter(byte(r))) {
		return zwsp, "" // a LaTeX fragment \(x\), \[x\], \foo{x}, or an entity
	}
	if r == '_' && (wordBefore(e.buf, "src") || wordBefore(e.buf, "call")) {
		return zwsp, "" // an inline source block src_sh{…} or call_x()
	}
	if r < utf8.RuneSelf && isEmphasisMarker(byte(r)) {
		m := byte(r)
		if orgPreRune(prev) {
			e.opener[markerIndex(m)] = int32(e.line + 1)
		} else if o := e.opener[markerIndex(m)]; o > 0 && int(o) >= e.line && !orgWordAfter(next) {
			// It would close the emphasis an earlier marker opened
			// (Org lets one span two lines), being after a character
			// that is not a space and before one that may end emphasis.
			// A word joiner after it is a word character to Org: the
			// marker closes nothing, and "/usr/bin/" still greps.
			return "", wordJoiner
		}
	}
	return "", ""
}

// orgWordAfter reports whether next, the character after a marker, is known
// to keep it from closing emphasis or a fragment: a letter, a digit, or
// another marker.
func orgWordAfter(next rune) bool {
	if next < 0 || orgSpace(next) {
		return false
	}
	return !strings.ContainsRune(`-.,:!?;'")}\[$`, next) && next != '\n'
}

// planningLine reports whether the line so far, b, is a clock or planning
// keyword alone, which a ":" after it would make one.
func planningLine(b []byte) bool {
	if len(b) > 64 {
		return false // constant time on a long line: no keyword is that far in
	}
	switch string(bytes.TrimLeft(b, " \t")) {
	case "CLOCK", "SCHEDULED", "DEADLINE", "CLOSED":
		return true
	}
	return false
}

// emphasisMarkers are Org's emphasis and verbatim markers.
const emphasisMarkers = "*/_=~+"

func isEmphasisMarker(c byte) bool { return strings.IndexByte(emphasisMarkers, c) >= 0 }

// markerIndex is the index of marker c in emphasisMarkers.
func markerIndex(c byte) int { return strings.IndexByte(emphasisMarkers, c) }

// orgSpace reports whether Emacs reads r as white space, as Org's emphasis
// does: ASCII white space, U+00A0, U+2000-U+200B (U+200B too), U+202F,
// U+205F and U+3000; not U+0085, U+1680, U+2028 or U+2029, which Emacs
// takes for word characters.
func orgSpace(r rune) bool {
	switch {
	case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == 0xa0:
		return true
	case r >= 0x2000 && r <= 0x200b, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// orgPreRune reports whether an emphasis marker after r may open: at a line
// start, after white space or one of -('"{.
func orgPreRune(r rune) bool { return r == 0 || orgSpace(r) || strings.ContainsRune(`-('"{`, r) }

func (e *escaper) lastIn(b []byte) rune {
	if len(b) == 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRune(b)
	return r
}

// hasSuffixFold reports whether b ends with the lower-case ASCII suffix,
// ignoring case.
func hasSuffixFold(b []byte, suffix string) bool {
	if len(b) < len(suffix) {
		return false
	}
	b = b[len(b)-len(suffix):]
	for i := 0; i < len(suffix); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != suffix[i] {
			return false
		}
	}
	return true
}

// wordBefore reports whether b ends with the word w, not part of a longer one.
func wordBefore(b []byte, w string) bool {
	if !hasSuffixFold(b, w) {
		return false
	}
	i := len(b) - len(w)
	return i == 0 || !isASCIIWord(b[i-1])
}

// isASCIIWord reports whether c is an ASCII letter or digit. What Emacs
// takes for a word start after a non-ASCII character varies: the rules that
// use it take any such character for a boundary, which escapes more.
func isASCIIWord(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' }

// orgLinkTypes are the link types that a plain "type:path" in text would
// make a link of: stock Org's and those of common packages, but http,
// https and mailto.
var orgLinkTypes = map[string]bool{
	"attachment": true, "bbdb": true, "bibtex": true, "docview": true, "doi": true, "elisp": true,
	"eww": true, "file": true, "file+emacs": true, "file+sys": true, "ftp": true, "gnus": true,
	"help": true, "id": true, "info": true, "irc": true, "man": true, "mhe": true, "news": true,
	"rmail": true, "shell": true, "w3m": true, "woman": true, "elfeed": true, "mu4e": true,
	"notmuch": true, "notmuch-search": true, "notmuch-tree": true, "roam": true, "magit": true,
	"orgit": true, "orgit-rev": true, "orgit-log": true, "pdf": true, "pdfview": true, "nov": true,
	"cite": true, "citar": true, "ebib": true, "deft": true, "treemacs": true, "calibre": true,
	"zotero": true, "denote": true, "xref": true, "org-ql-search": true, "tel": true, "ssh": true,
	"elisp+": true, "racket": true, "eshell": true, "cmd": true, "exec": true, "run": true, "dired": true,
}

// orgLinkTypeBefore reports whether b ends with one of orgLinkTypes that
// starts a word: Org reads "type:" after anything but a letter or digit.
func orgLinkTypeBefore(b []byte) bool {
	// No type is longer than maxLinkType: the walk back is bounded, so a
	// page of "x-x-x-…:" costs a constant per colon.
	i, stop := len(b), max(0, len(b)-maxLinkType)
	for i > stop && (isLetter(b[i-1]) || b[i-1] == '+' || b[i-1] == '-' || b[i-1] >= '0' && b[i-1] <= '9') {
		i--
	}
	var lower [maxLinkType]byte
	for j := i; j < len(b); j++ {
		if (j == 0 || !isASCIIWord(b[j-1])) && isLetter(b[j]) {
			n := copy(lower[:], b[j:])
			for k := 0; k < n; k++ {
				lower[k] |= 0x20 * byte(boolInt(lower[k] >= 'A' && lower[k] <= 'Z'))
			}
			if orgLinkTypes[string(lower[:n])] {
				return true
			}
		}
	}
	return false
}

// maxLinkType is the length of the longest of orgLinkTypes.
const maxLinkType = 16

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
