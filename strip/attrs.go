package strip

import (
	"bytes"
	"html"
	"strings"
	"unsafe"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/insert-from-url/insert-from-url/internal/htmlx"
)

// attrs are the attributes the converter reads.
type attrs struct {
	href, src, alt, class, style string
	title                        string // a link's or image's advisory title (a tooltip)
	poster                       string // a video's still image
	// dataSrc is the first of data-src, data-lazy-src and data-original:
	// where lazy loading keeps the image's address.
	dataSrc, srcset, dataSrcset    string
	start, value, colspan, rowspan string
	align                          string // a cell's
	hidden, reversed               bool
}

// tagName reads the current tag's name from the raw token, lower-cased into
// a reused buffer: the tokenizer's TagName allocates on every call.
func (c *converter) tagName() []byte {
	c.nameBuf = appendTagName(c.nameBuf[:0], c.data)
	return c.nameBuf
}

// appendTagName appends the lower-cased name of the raw tag to buf.
func appendTagName(buf, raw []byte) []byte {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	for ; i < len(raw); i++ {
		b := raw[i]
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '/' || b == '>' {
			break
		}
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		buf = append(buf, b)
	}
	return buf
}

// wantsAttrs reports whether the converter reads attributes of a.
func wantsAttrs(a atom.Atom) bool {
	switch a {
	case atom.A, atom.Img, atom.Ol, atom.Li, atom.Td, atom.Th, atom.Pre, atom.Code, atom.Video:
		return true
	}
	return false
}

// mayHide reports whether a raw tag could carry hidden, aria-hidden or a
// style: the other tags' attributes need not be read at all.
func mayHide(raw []byte) bool {
	if len(raw) < 8 {
		return false
	}
	for i := 0; i+4 < len(raw); i++ {
		switch raw[i] | 0x20 {
		case 'd':
			if raw[i+1]|0x20 == 'd' && raw[i+2]|0x20 == 'e' && raw[i+3]|0x20 == 'n' {
				return true // hidden, aria-hidden
			}
		case 't':
			if raw[i+1]|0x20 == 'y' && raw[i+2]|0x20 == 'l' && raw[i+3]|0x20 == 'e' {
				return true // style
			}
		}
	}
	return false
}

// readAttrs reads the attributes the converter uses from the raw tag. The
// tokenizer's TagAttr allocates two copies of every attribute; this reads
// the raw bytes in place and copies only the values that are kept.
func (c *converter) readAttrs() attrs {
	if c.node != nil {
		return nodeAttrs(c.node)
	}
	return parseAttrs(c.data)
}

// forEachAttr calls f with each attribute of the current start tag.
func (c *converter) forEachAttr(f func(k, v []byte)) {
	if c.node == nil {
		forEachAttr(c.data, f)
		return
	}
	for _, a := range c.node.Attr {
		if a.Namespace == "" {
			// Read-only views, valid during the call, as forEachAttr's.
			f(unsafe.Slice(unsafe.StringData(a.Key), len(a.Key)), unsafe.Slice(unsafe.StringData(a.Val), len(a.Val)))
		}
	}
}

// hasAttr reports whether the current start tag has the attribute key.
func (c *converter) hasAttr(key string) bool {
	found := false
	c.forEachAttr(func(k, _ []byte) { found = found || string(k) == key })
	return found
}

// mayHide reports whether the current start tag could carry hidden,
// aria-hidden or a style (see mayHide).
func (c *converter) mayHide() bool {
	if c.node == nil {
		return mayHide(c.data)
	}
	for _, a := range c.node.Attr {
		switch a.Key {
		case "hidden", "aria-hidden", "style":
			return true
		}
	}
	return false
}

// parseAttrs reads the attributes the converter uses from a raw start tag.
func parseAttrs(raw []byte) attrs {
	var a attrs
	segment := false
	forEachAttr(raw, func(k, v []byte) {
		a.set(string(k), v, &segment, attrValue)
	})
	return a.done(segment)
}

// nodeAttrs reads the same attributes from a parsed element, whose values
// the parser has decoded already.
func nodeAttrs(n *xhtml.Node) attrs {
	var a attrs
	segment := false
	for _, at := range n.Attr {
		if at.Namespace == "" {
			// Read, not kept: set copies what it keeps (nodeValue).
			a.set(at.Key, unsafe.Slice(unsafe.StringData(at.Val), len(at.Val)), &segment, nodeValue)
		}
	}
	return a.done(segment)
}

// nodeValue is attrValue for a value the parser decoded.
func nodeValue(v []byte) string {
	if !isClean(v, false) {
		return cleanText(v, false)
	}
	return string(v)
}

// set takes the attribute k=v, its value decoded by value.
func (a *attrs) set(k string, v []byte, segment *bool, value func([]byte) string) {
	switch k {
	case "href":
		a.href = value(v)
	case "src":
		a.src = value(v)
	case "data-src", "data-lazy-src", "data-original":
		if a.dataSrc == "" {
			a.dataSrc = value(v)
		}
	case "srcset":
		a.srcset = value(v)
	case "data-srcset":
		a.dataSrcset = value(v)
	case "alt":
		a.alt = value(v)
	case "title":
		a.title = value(v)
	case "poster":
		a.poster = value(v)
	case "class":
		a.class = value(v)
	case "style":
		a.style = value(v)
	case "start":
		a.start = value(v)
	case "value":
		a.value = value(v)
	case "align":
		a.align = value(v)
	case "colspan":
		a.colspan = value(v)
	case "rowspan":
		a.rowspan = value(v)
	case "hidden":
		a.hidden = true
	case "id":
		*segment = streamedSegment(v)
	case "reversed":
		a.reversed = true
	case "aria-hidden":
		if strings.EqualFold(strings.TrimSpace(string(v)), "true") {
			a.hidden = true
		}
	}
}

// done settles what the attributes say together.
func (a attrs) done(segment bool) attrs {
	if segment {
		// React's streamed rendering sends content in <div hidden
		// id="S:0"> for a script to move where <template id="B:0"> stands:
		// it is the page's content, written here where it arrives.
		a.hidden = false
	}
	if a.style != "" && htmlx.StyleHides(a.style) {
		a.hidden = true
	}
	return a
}

// streamedSegment reports whether an id is React's "S:n" for a streamed
// segment of a page.
func streamedSegment(id []byte) bool {
	if len(id) < 3 || id[0] != 'S' || id[1] != ':' {
		return false
	}
	for _, c := range id[2:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// attrValue decodes the character references of an attribute value, with
// the rules for attributes: "&sect=1" in a URL stays as it is, where text
// would read "§=1".
func attrValue(v []byte) string {
	if bytes.IndexByte(v, '&') >= 0 {
		v = []byte(unescapeAttr(string(v)))
	}
	if !isClean(v, false) {
		return cleanText(v, false)
	}
	return string(v)
}

// unescapeAttr has x/net/html's tokenizer decode v as an attribute value:
// the package does not export that mode otherwise.
func unescapeAttr(v string) string {
	if !legacyEntity(v) {
		// Every reference ends with ";": text and attribute rules agree.
		return html.UnescapeString(v)
	}
	quote := `"`
	if strings.Contains(v, quote) {
		quote = "'"
		if strings.Contains(v, quote) {
			return html.UnescapeString(v)
		}
	}
	z := xhtml.NewTokenizer(strings.NewReader("<a v=" + quote + v + quote + ">"))
	z.Next()
	_, val, _ := z.TagAttr()
	return string(val)
}

// legacyEntity reports whether v has a character reference without its
// ";", the one case where attribute values decode differently from text.
func legacyEntity(v string) bool {
	for i := strings.IndexByte(v, '&'); i >= 0; {
		j := i + 1
		for j < len(v) && isRefByte(v[j]) {
			j++
		}
		if j > i+1 && (j == len(v) || v[j] != ';') {
			return true
		}
		k := strings.IndexByte(v[j:], '&')
		if k < 0 {
			break
		}
		i = j + k
	}
	return false
}

// forEachAttr calls f with each attribute of a raw start tag, the name
// lower-cased in place, following the HTML tokenizer's attribute states. An
// attribute named twice is the first one, as the tokenizer keeps it
// (<img alt="a bridge" … alt=""> is "a bridge"). The slices are only valid
// during the call.
func forEachAttr(raw []byte, f func(k, v []byte)) {
	var keys [16][2]int // the first names, as offsets into raw
	nkeys := 0
	var more map[string]bool // the names after them, on a tag with many
	seen := func(ks, ke int) bool {
		key := raw[ks:ke]
		for _, k := range keys[:nkeys] {
			if bytes.Equal(raw[k[0]:k[1]], key) {
				return true
			}
		}
		if nkeys < len(keys) {
			keys[nkeys] = [2]int{ks, ke}
			nkeys++
			return false
		}
		if more[string(key)] {
			return true
		}
		if more == nil {
			more = map[string]bool{}
		}
		more[string(key)] = true
		return false
	}
	i := 1
	for i < len(raw) && !isAttrEnd(raw[i]) {
		i++ // the tag name
	}
	for i < len(raw) {
		for i < len(raw) && (isHTMLSpace(raw[i]) || raw[i] == '/') {
			i++
		}
		if i >= len(raw) || raw[i] == '>' {
			return
		}
		ks := i
		i++ // a name may start with '='
		for i < len(raw) && !isHTMLSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' && raw[i] != '=' {
			i++
		}
		key := raw[ks:i]
		for j, b := range key {
			if b >= 'A' && b <= 'Z' {
				key[j] = b + 'a' - 'A'
			}
		}
		for i < len(raw) && isHTMLSpace(raw[i]) {
			i++
		}
		var val []byte
		if i < len(raw) && raw[i] == '=' {
			i++
			for i < len(raw) && isHTMLSpace(raw[i]) {
				i++
			}
			if i < len(raw) && (raw[i] == '"' || raw[i] == '\'') {
				q := raw[i]
				i++
				vs := i
				for i < len(raw) && raw[i] != q {
					i++
				}
				val = raw[vs:i]
				if i < len(raw) {
					i++
				}
			} else {
				vs := i
				for i < len(raw) && !isHTMLSpace(raw[i]) && raw[i] != '>' {
					i++
				}
				val = raw[vs:i]
			}
		}
		if !seen(ks, ks+len(key)) {
			f(key, val)
		}
	}
}

func isAttrEnd(b byte) bool { return isHTMLSpace(b) || b == '/' || b == '>' }

// cellAlign is a table cell's alignment, 'l', 'c' or 'r', or 0 for none
// said: text-align in its style, which overrides the align attribute as CSS
// does, else align. Alignments relative to the writing direction (start,
// end) and justify say nothing a Markdown or Org column can hold.
func cellAlign(at attrs) byte {
	v := at.align
	for _, decl := range strings.Split(at.style, ";") {
		if k, val, ok := strings.Cut(decl, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "text-align") {
			v, _, _ = strings.Cut(val, "!") // "center !important"
		}
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "left":
		return 'l'
	case "center", "middle":
		return 'c'
	case "right":
		return 'r'
	}
	return 0
}
