package strip

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// syntax is what differs between the output formats: how text is escaped
// and how each construct is marked up.
type syntax interface {
	// escape makes document text literal; inTable adds the escaping of the
	// cell separator.
	escape(s string, inTable bool) string
	// escapeLineStart escapes what would be markup at the start of a line.
	escapeLineStart(s string) string
	emphasis(kind spanKind) (open, close string)
	// emphasisOK says whether markers around content, between the
	// characters before and after, will be read back as emphasis.
	emphasisOK(before rune, content string, after rune, kind spanKind) bool
	code(content string, inTable bool) string
	// link and image take the element's title attribute, collapsed to one
	// line: a tooltip, which only Markdown has a place for.
	link(text, href, title string, inTable bool) (open, close string)
	autolink(href string, inTable bool) string
	image(alt, src, title string, inTable bool) string
	heading(level int, text string) []string
	// bullet is a list item's marker; alt asks for the other marker
	// style, which keeps two adjacent lists apart.
	bullet(ordered bool, n int, first bool, start int, alt bool) string
	quote() (first, rest string)
	quoteBlock() (begin, end string) // for formats whose quotes are blocks
	hr() string
	codeBlock(lang, content string) []string
	tableLines(t *table) []string
	cellBreak() string // joins the lines of a table cell
}

// spanKind is an inline element that the syntax marks up.
type spanKind int

const (
	spanNone spanKind = iota
	spanStrong
	spanEm
	spanDel
	spanSup
	spanSub
	spanQuote
	spanLink
	spanCode
	spanHeading
)

func isPunct(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// ---- text ----

type textSyntax struct{}

func (textSyntax) escape(s string, _ bool) string  { return s }
func (textSyntax) escapeLineStart(s string) string { return s }
func (textSyntax) emphasis(k spanKind) (string, string) {
	switch k {
	case spanQuote:
		return "“", "”"
	}
	return "", ""
}
func (textSyntax) emphasisOK(rune, string, rune, spanKind) bool { return true }
func (textSyntax) code(c string, _ bool) string                 { return verbatimSafe(FormatText, c) }
func (textSyntax) link(_, _, _ string, _ bool) (string, string) { return "", "" }
func (textSyntax) autolink(h string, _ bool) string             { return h }
func (textSyntax) image(alt, _, _ string, _ bool) string {
	if alt == "" {
		return ""
	}
	return "[" + alt + "]"
}

// heading underlines every level, as reStructuredText does, so that plain
// text carries no markup of another format: = - ~ for the first three, dots
// below them.
func (textSyntax) heading(level int, text string) []string {
	under := "."
	if level <= 3 {
		under = string("=-~"[level-1])
	}
	return []string{text, strings.Repeat(under, max(3, displayWidth(text)))}
}
func (textSyntax) bullet(ordered bool, n int, _ bool, _ int, _ bool) string {
	if ordered {
		return strconv.Itoa(n) + ". "
	}
	return "• "
}
func (textSyntax) quote() (string, string)      { return "> ", "> " }
func (textSyntax) quoteBlock() (string, string) { return "", "" }
func (textSyntax) hr() string                   { return "* * *" }
func (textSyntax) codeBlock(_, content string) []string {
	lines := strings.Split(content, "\n")
	for i, l := range lines {
		lines[i] = verbatimSafe(FormatText, l)
	}
	return lines
}
func (textSyntax) cellBreak() string            { return "" }
func (textSyntax) tableLines(t *table) []string { return t.aligned() }

// ---- Markdown ----

type markdownSyntax struct{}

func (markdownSyntax) escape(s string, inTable bool) string {
	if !strings.ContainsAny(s, "\\*`[]_<&|~") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '*', '`', '[', ']':
			b.WriteByte('\\')
		case '_':
			// Intraword underscores are never emphasis in CommonMark.
			if i == 0 || i == len(s)-1 || !isWordByte(s[i-1]) || !isWordByte(s[i+1]) {
				b.WriteByte('\\')
			}
		case '<':
			if i+1 < len(s) && (isLetter(s[i+1]) || s[i+1] == '/' || s[i+1] == '!' || s[i+1] == '?') {
				b.WriteByte('\\')
			}
		case '&':
			if entityAt(s[i+1:]) {
				b.WriteByte('\\')
			}
		case '|':
			if inTable {
				b.WriteByte('\\')
			}
		case '~':
			b.WriteByte('\\') // GFM strikes through with one tilde as with two
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isLetter(c byte) bool   { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isWordByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c >= 0x80 }

// entityAt reports whether s starts like the rest of an entity reference.
func entityAt(s string) bool {
	end := strings.IndexByte(s, ';')
	if end <= 0 || end > 32 {
		return false
	}
	name := s[:end]
	if name[0] == '#' {
		name = name[1:]
	}
	for i := 0; i < len(name); i++ {
		if !isWordByte(name[i]) {
			return false
		}
	}
	return name != ""
}

// escapeLineStart escapes what CommonMark reads as a block at the start
// of a line, and nothing else: "#hashtag", "-dash" or "=sign" stay as they
// are.
func (markdownSyntax) escapeLineStart(s string) string {
	if s == "" {
		return s
	}
	spaceAfter := func(i int) bool { return i == len(s) || s[i] == ' ' || s[i] == '\t' }
	only := func(c byte) bool { return strings.Trim(s, string(c)+" ") == "" }
	switch s[0] {
	case '>':
		return `\` + s
	case '#':
		n := 0
		for n < len(s) && s[n] == '#' {
			n++
		}
		if n <= 6 && spaceAfter(n) {
			return `\` + s // an ATX heading
		}
	case '=':
		if only('=') {
			return `\` + s // a setext underline
		}
	case '-', '+':
		if spaceAfter(1) || (s[0] == '-' && only('-')) {
			return `\` + s // a list item, a thematic break or an underline
		}
	case '~':
		if strings.HasPrefix(s, "~~~") {
			return `\` + s // a code fence
		}
	}
	// An ordered-list marker: digits then '.' or ')'.
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') && spaceAfter(i+1) {
		return s[:i] + `\` + s[i:]
	}
	return s
}

func (markdownSyntax) emphasis(k spanKind) (string, string) {
	switch k {
	case spanStrong:
		return "**", "**"
	case spanEm:
		return "*", "*"
	case spanDel:
		return "~~", "~~"
	case spanQuote:
		return "“", "”"
	case spanSup:
		return "<sup>", "</sup>"
	case spanSub:
		return "<sub>", "</sub>"
	}
	return "", ""
}

// emphasisOK applies CommonMark's flanking rules for '*' and '~' runs.
func (markdownSyntax) emphasisOK(before rune, content string, after rune, k spanKind) bool {
	if k != spanStrong && k != spanEm && k != spanDel {
		return true
	}
	first, last := firstRune(content), lastRune(content)
	if content == "" || unicode.IsSpace(first) || unicode.IsSpace(last) {
		return false
	}
	edge := func(r rune) bool { return r == '\n' || unicode.IsSpace(r) || isPunct(r) }
	if isPunct(first) && !edge(before) {
		return false
	}
	if isPunct(last) && !edge(after) {
		return false
	}
	return true
}

func (markdownSyntax) code(c string, inTable bool) string {
	c = verbatimSafe(FormatMarkdown, c)
	if inTable {
		c = strings.ReplaceAll(c, "|", `\|`)
	}
	fence := strings.Repeat("`", longestRun(c, '`')+1)
	if strings.HasPrefix(c, "`") || strings.HasSuffix(c, "`") || (strings.HasPrefix(c, " ") && strings.HasSuffix(c, " ") && strings.Trim(c, " ") != "") {
		c = " " + c + " "
	}
	return fence + c + fence
}

// isEmailAutolink reports whether s is an email address by CommonMark's
// grammar of an email autolink, <a@b.c> (a hand-written check: a regexp
// would be compiled at every start of the program).
func isEmailAutolink(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" {
		return false
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; !(isLetter(c) || c >= '0' && c <= '9' || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0) {
			return false
		}
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !(isLetter(c) || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// markdownDestination writes a link destination that CommonMark reads back
// as the same URL: spaces percent-encoded, parentheses escaped.
func markdownDestination(href string, inTable bool) string {
	var b strings.Builder
	for i := 0; i < len(href); i++ {
		switch c := href[i]; c {
		case ' ':
			b.WriteString("%20")
		case '(', ')', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '<', '>', '"':
			b.WriteString(map[byte]string{'<': "%3C", '>': "%3E", '"': "%22"}[c])
		case '&':
			if entityAt(href[i+1:]) {
				b.WriteByte('\\') // CommonMark decodes entities in destinations
			}
			b.WriteByte(c)
		case '|':
			if inTable {
				b.WriteString("%7C")
			} else {
				b.WriteByte(c)
			}
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString("%" + strconv.FormatUint(uint64(c)|0x100, 16)[1:])
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

func (markdownSyntax) link(_, href, title string, inTable bool) (string, string) {
	return "[", "](" + markdownDestination(href, inTable) + markdownTitle(title, inTable) + ")"
}

// markdownTitle writes a link's or image's title, with the space before
// it, so that CommonMark reads back the same words and nothing else: in
// double quotes, with every '"' and backslash escaped (the title cannot end
// early, and no ")" inside it can end the link), an entity's "&" escaped
// (CommonMark decodes entities in titles) and, in a table, every "|" (GFM
// splits a row at a "|" before it reads the link). The title comes on one
// line (see collapseSpace): a blank line inside it would end the paragraph.
func markdownTitle(title string, inTable bool) string {
	if title == "" {
		return ""
	}
	title = verbatimSafe(FormatMarkdown, title) // Emacs reads "-*-" and local variables in any text
	var b strings.Builder
	b.WriteString(` "`)
	for i := 0; i < len(title); i++ {
		switch c := title[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
		case '&':
			if entityAt(title[i+1:]) {
				b.WriteByte('\\')
			}
		case '|':
			if inTable {
				b.WriteByte('\\')
			}
		case '\n', '\r', '\t':
			b.WriteByte(' ') // not met: titles come on one line
			continue
		}
		b.WriteByte(title[i])
	}
	b.WriteByte('"')
	return b.String()
}

func (m markdownSyntax) autolink(href string, inTable bool) string {
	if addr, ok := strings.CutPrefix(href, "mailto:"); ok && isEmailAutolink(addr) {
		return "<" + addr + ">" // shown as the address, without "mailto:"
	}
	if strings.ContainsAny(href, " <>") || !strings.Contains(href, ":") || (inTable && strings.Contains(href, "|")) {
		return "[" + m.escape(href, inTable) + "](" + markdownDestination(href, inTable) + ")"
	}
	return "<" + href + ">"
}

func (m markdownSyntax) image(alt, src, title string, inTable bool) string {
	return "![" + m.escape(alt, inTable) + "](" + markdownDestination(src, inTable) + markdownTitle(title, inTable) + ")"
}

func (markdownSyntax) heading(level int, text string) []string {
	if text == "" {
		return nil
	}
	if strings.HasSuffix(text, "#") {
		// A closing run of #s would be read as the end of the heading.
		text = text[:len(text)-1] + `\#`
	}
	return []string{strings.Repeat("#", min(level, 6)) + " " + text}
}

func (markdownSyntax) bullet(ordered bool, n int, _ bool, _ int, alt bool) string {
	n = listNumber(n)
	switch {
	case ordered && alt:
		return strconv.Itoa(n) + ") "
	case ordered:
		return strconv.Itoa(n) + ". "
	case alt:
		return "* "
	}
	return "- "
}

// listNumber is the number a Markdown or Org item can carry: CommonMark
// reads 0 to 999999999 as a list marker and Org no sign, so "-1." would be a
// bullet and the text "1." (a list that starts below 0 starts at 0: see
// the converter's <ol>), and longer numbers are no marker.
func listNumber(n int) int { return max(0, min(n, 999999999)) }

func (markdownSyntax) quote() (string, string)      { return "> ", "> " }
func (markdownSyntax) quoteBlock() (string, string) { return "", "" }

// hr is "* * *": "---" right under a list bullet would be read as a
// thematic break instead of the item's content.
func (markdownSyntax) hr() string { return "* * *" }

func (markdownSyntax) codeBlock(lang, content string) []string {
	fence := strings.Repeat("`", max(3, longestRun(content, '`')+1))
	lines := []string{fence + markdownLanguages[lang]}
	for _, l := range strings.Split(content, "\n") {
		lines = append(lines, verbatimSafe(FormatMarkdown, l))
	}
	return append(lines, fence)
}

func (markdownSyntax) cellBreak() string { return "<br>" }

func (m markdownSyntax) tableLines(t *table) []string {
	rows := t.grid(m.cellBreak())
	if len(rows) == 0 {
		return nil
	}
	widths, pad := columnWidths(rows, 3, displayWidth)
	line := func(cells []string, all bool) string {
		var b strings.Builder
		b.WriteString("|")
		n := len(cells)
		if all {
			n = len(widths) // the header row says how many columns there are
		}
		for i := 0; i < n; i++ {
			c := ""
			if i < len(cells) {
				c = noFormula(cells[i])
			}
			b.WriteString(" " + c)
			if pad {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)))
			}
			b.WriteString(" |")
		}
		return b.String()
	}
	out := []string{line(rows[0], true)}
	align := t.alignments()
	sep := make([]string, len(widths))
	for i := range sep {
		n := 1
		if pad {
			n = widths[i]
		}
		var a byte
		if i < len(align) {
			a = align[i]
		}
		sep[i] = delimiterCell(a, n)
	}
	out = append(out, line(sep, true))
	for _, r := range rows[1:] {
		out = append(out, line(r, pad))
	}
	return out
}

// delimiterCell is a cell of a Markdown table's delimiter row, width
// columns wide (at least 3), for a column aligned as a says (see
// cellAlign): ":---:", "---:", ":---" or "---".
func delimiterCell(a byte, width int) string {
	switch a {
	case 'c':
		return ":" + strings.Repeat("-", max(1, width-2)) + ":"
	case 'r':
		return strings.Repeat("-", max(1, width-1)) + ":"
	case 'l':
		return ":" + strings.Repeat("-", max(1, width-1))
	}
	return strings.Repeat("-", width)
}

// ---- Org ----

type orgSyntax struct{}

// escape escapes a whole string of the page's text that no markup splits:
// an attribute's value. Text from the page's text nodes is escaped later,
// by the escaper of the sink that writes it, over the whole run.
func (orgSyntax) escape(s string, inTable bool) string {
	e := newEscaper(FormatOrg, inTable)
	e.wrote(" ")
	return e.text(s)
}

// escapeLineStart puts a zero-width space before what Org reads as
// structure at the start of a line: headings and bold, tables, drawers and
// fixed-width lines, keywords and comments ("#+", "# "), list items.
func (orgSyntax) escapeLineStart(s string) string {
	t := strings.TrimLeft(s, " ")
	switch {
	case t == "":
		return s
	case t[0] == '*' || t[0] == '|' || t[0] == ':':
		return zwsp + s
	case t[0] == '#' && (len(t) == 1 || t[1] == '+' || t[1] == ' '):
		return zwsp + s
	case strings.HasPrefix(t, "CLOCK:") || strings.HasPrefix(t, "SCHEDULED:") || strings.HasPrefix(t, "DEADLINE:") || strings.HasPrefix(t, "CLOSED:"):
		return zwsp + s // a clock line, a planning line
	case (t[0] == '-' || t[0] == '+') && (len(t) == 1 || t[1] == ' '):
		return zwsp + s
	}
	i := 0
	for i < len(t) && i < 10 && (t[i] >= '0' && t[i] <= '9' || (i == 0 && isLetter(t[i]))) {
		i++
	}
	if i > 0 && i < len(t) && (t[i] == '.' || t[i] == ')') && (i+1 == len(t) || t[i+1] == ' ') {
		return zwsp + s
	}
	return s
}

func (orgSyntax) emphasis(k spanKind) (string, string) {
	switch k {
	case spanStrong:
		return "*", "*"
	case spanEm:
		return "/", "/"
	case spanDel:
		return "+", "+"
	case spanSup:
		return "^{", "}"
	case spanSub:
		return "_{", "}"
	case spanQuote:
		return "“", "”"
	}
	return "", ""
}

// orgPre and orgPost are the characters Org accepts before and after
// emphasis markers (org-emphasis-regexp-components).
func orgPre(r rune) bool {
	return r == '\n' || orgSpace(r) || strings.ContainsRune(`-('"{`, r)
}

func orgPost(r rune) bool {
	return r == '\n' || orgSpace(r) || strings.ContainsRune(`-.,:!?;'")}\[`, r)
}

func (orgSyntax) emphasisOK(before rune, content string, after rune, k spanKind) bool {
	switch k {
	case spanSup, spanSub:
		// x^{2} needs a non-space character before it.
		return before != '\n' && !unicode.IsSpace(before) && !strings.ContainsAny(content, "{}")
	case spanStrong, spanEm, spanDel, spanCode:
	default:
		return true
	}
	first, last := firstRune(content), lastRune(content)
	if content == "" || unicode.IsSpace(first) || unicode.IsSpace(last) {
		return false
	}
	return orgPre(before) && orgPost(after)
}

// orgCodeMarkers returns the markers of an Org code span holding c: "~",
// or "=" when c holds a "~"; ok is false when it holds both.
func orgCodeMarkers(c string) (open, close string, ok bool) {
	switch {
	case !strings.Contains(c, "~"):
		return "~", "~", true
	case !strings.Contains(c, "="):
		return "=", "=", true
	}
	return "", "", false
}

// code writes a whole code span. The converter writes Org's through
// orgCodeMarkers instead, its text escaped with the run (resolvePending);
// this is the same span for a string that stands alone.
func (o orgSyntax) code(c string, inTable bool) string {
	open, close, ok := orgCodeMarkers(c)
	if !ok {
		return o.escape(c, inTable)
	}
	return open + o.escape(c, inTable) + close
}

var orgLinkReplacer = strings.NewReplacer("[", "%5B", "]", "%5D", " ", "%20")

// orgLinkPart escapes a URL for [[...]]: brackets are percent-encoded.
func orgLinkPart(href string, inTable bool) string {
	if strings.ContainsAny(href, "[] ") {
		href = orgLinkReplacer.Replace(href)
	}
	if inTable {
		href = strings.ReplaceAll(href, "|", "%7C")
	}
	return href
}

// orgDescription keeps "]]" and a final "]" from ending the link early, as
// org-link-make-string does.
func orgDescription(s string) string {
	s = strings.ReplaceAll(s, "]]", "]"+zwsp+"]")
	s = strings.ReplaceAll(s, "[[", "["+zwsp+"[")
	if strings.HasSuffix(s, "]") {
		s += zwsp
	}
	return s
}

// link drops the title: an Org link has no place for one, and written as
// text it would add words the page shows only on hover.
func (orgSyntax) link(_, href, _ string, inTable bool) (string, string) {
	return "[[" + orgLinkPart(href, inTable) + "][", "]]"
}

func (o orgSyntax) autolink(href string, inTable bool) string {
	if addr, ok := strings.CutPrefix(href, "mailto:"); ok && addr != "" {
		// Shown as the address, without "mailto:".
		return "[[" + orgLinkPart(href, inTable) + "][" + orgDescription(o.escape(addr, inTable)) + "]]"
	}
	return "[[" + orgLinkPart(href, inTable) + "]]"
}

func (o orgSyntax) image(alt, src, _ string, inTable bool) string {
	if alt == "" {
		return "[[" + orgLinkPart(src, inTable) + "]]"
	}
	return "[[" + orgLinkPart(src, inTable) + "][" + orgDescription(o.escape(alt, inTable)) + "]]"
}

func (orgSyntax) heading(level int, text string) []string {
	if text == "" {
		return nil
	}
	return []string{strings.Repeat("*", level) + " " + orgHeadingText(text)}
}

// orgHeadingText keeps escaped heading text from reading as a heading's
// parts: a first word in capitals would be a TODO keyword (any word can be
// one) or COMMENT, and a final ":a:b:" would be tags (":ARCHIVE:" folds the
// entry away, ":noexport:" drops it from exports).
func orgHeadingText(text string) string {
	word := text
	if i := strings.IndexByte(text, ' '); i >= 0 {
		word = text[:i]
	}
	if len(word) >= 2 && strings.IndexFunc(word, func(r rune) bool { return !unicode.IsUpper(r) }) < 0 {
		text = zwsp + text
	}
	if t := strings.TrimRight(text, " \t"); len(t) > 2 && t[len(t)-1] == ':' {
		i := strings.LastIndexAny(t[:len(t)-1], " \t")
		if tags := t[i+1:]; i >= 0 && tags[0] == ':' && strings.IndexFunc(tags, func(r rune) bool {
			return !(r == ':' || r == '_' || r == '@' || r == '#' || r == '%' || unicode.IsLetter(r) || unicode.IsDigit(r))
		}) < 0 {
			text = t[:len(t)-1] + zwsp + ":" + text[len(t):]
		}
	}
	return text
}

func (orgSyntax) bullet(ordered bool, n int, first bool, start int, _ bool) string {
	if !ordered {
		return "- "
	}
	n = listNumber(n)
	if first && start != 1 {
		return strconv.Itoa(n) + ". [@" + strconv.Itoa(n) + "] "
	}
	return strconv.Itoa(n) + ". "
}

func (orgSyntax) quote() (string, string)      { return "", "" }
func (orgSyntax) quoteBlock() (string, string) { return "#+begin_quote", "#+end_quote" }
func (orgSyntax) hr() string                   { return "-----" }

func (orgSyntax) codeBlock(lang, content string) []string {
	begin, end := "#+begin_example", "#+end_example"
	if lang = orgLanguages[lang]; lang != "" {
		begin, end = "#+begin_src "+lang, "#+end_src"
	}
	lines := []string{begin}
	for _, l := range strings.Split(content, "\n") {
		lines = append(lines, orgEscapeCodeLine(verbatimSafe(FormatOrg, l)))
	}
	return append(lines, end)
}

// orgEscapeCodeLine protects a line of a block as org-escape-code-in-string
// does: a comma before "*" or "#+" (after any indentation and commas).
func orgEscapeCodeLine(l string) string {
	t := strings.TrimLeft(l, " \t")
	u := strings.TrimLeft(t, ",")
	if strings.HasPrefix(u, "*") || strings.HasPrefix(u, "#+") {
		return l[:len(l)-len(t)] + "," + t
	}
	return l
}

func (orgSyntax) cellBreak() string { return " " }

// orgShownWidth is the width Org shows of a cell: a link shows its
// description (or its target when it has none) without the brackets, so
// that a table of links is aligned as Org itself would align it.
func orgShownWidth(c string) int {
	if !strings.Contains(c, "[[") {
		return displayWidth(c)
	}
	w := 0
	for {
		i := strings.Index(c, "[[")
		if i < 0 {
			return w + displayWidth(c)
		}
		end := strings.Index(c[i:], "]]")
		if end < 0 {
			return w + displayWidth(c)
		}
		link := c[i+2 : i+end]
		if k := strings.Index(link, "]["); k >= 0 {
			link = link[k+2:]
		}
		w += displayWidth(c[:i]) + displayWidth(link)
		c = c[i+end+2:]
	}
}

// noFormula keeps a table cell from being a field formula, which Org's
// table editor (in Org, and orgtbl-mode in Markdown) installs and evaluates,
// Lisp too, when point leaves the cell.
func noFormula(c string) string {
	if t := strings.TrimLeft(c, " "); strings.HasPrefix(t, "=") || strings.HasPrefix(t, ":=") {
		c = zwsp + c
	}
	// orgtbl-mode in Markdown splits a cell at an escaped "\|" too.
	for i := 0; i+2 < len(c); i++ {
		if c[i] == '\\' && c[i+1] == '|' {
			if t := strings.TrimLeft(c[i+2:], " "); strings.HasPrefix(t, "=") || strings.HasPrefix(t, ":=") {
				c = c[:i+2] + zwsp + c[i+2:]
			}
		}
	}
	return c
}

// orgNoSpecialCell keeps a cell of the page's from being one Org reads as
// the table's own: a row whose cells are all alignment or width cookies
// ("<r>", "<10>") or empty is not exported and sets how the columns show,
// and a first column of nothing but "#", "!", "*", "_", "^", "$" or "/"
// marks rows for the spreadsheet and is dropped from exports.
func orgNoSpecialCell(c string, first bool) string {
	if len(c) >= 2 && c[0] == '<' && c[len(c)-1] == '>' {
		inner := strings.TrimLeft(c[1:len(c)-1], "lrc")
		if len(c)-2-len(inner) <= 1 && strings.Trim(inner, "0123456789") == "" {
			return zwsp + c
		}
	}
	if first && len(c) == 1 && strings.Contains("#!*_^$/", c) {
		return zwsp + c
	}
	return c
}

func (o orgSyntax) tableLines(t *table) []string {
	rows := t.grid(o.cellBreak())
	if len(rows) == 0 {
		return nil
	}
	header := t.hasHeader()
	for _, r := range rows {
		for i, c := range r {
			r[i] = orgNoSpecialCell(c, i == 0)
		}
	}
	// No row of alignment cookies ("| <r> | <c> |"), though Org's exporters
	// follow them and show none: to org-element it is a row like the
	// others, so every reader that counts a table's rows (our own
	// structure check among them) would count one the page has not.
	widths, pad := columnWidths(rows, 1, orgShownWidth)
	var out []string
	for ri, r := range rows {
		var b strings.Builder
		b.WriteString("|")
		n := len(r)
		if pad {
			n = len(widths)
		}
		for i := 0; i < n; i++ {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			c = noFormula(c)
			b.WriteString(" " + c)
			if pad {
				b.WriteString(strings.Repeat(" ", widths[i]-orgShownWidth(c)))
			}
			b.WriteString(" |")
		}
		out = append(out, b.String())
		if ri == 0 && header && len(rows) > 1 {
			if !pad {
				out = append(out, "|-|") // Org draws the rule across
				continue
			}
			var s strings.Builder
			s.WriteString("|")
			for i := range widths {
				if i > 0 {
					s.WriteString("+")
				}
				s.WriteString(strings.Repeat("-", widths[i]+2))
			}
			s.WriteString("|")
			out = append(out, s.String())
		}
	}
	return out
}
