package render

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MinStaticText is the least visible text, in letters and digits, of a
// page with scripts that --render=auto takes as it is served. The 488 real
// pages of ../shared/realpages all show more than 570 (the least: 574); an
// application shell shows its "Loading…" line, if anything.
const MinStaticText = 200

// NeedsScripts reports whether a page as served shows almost no text
// (fewer than MinStaticText letters and digits outside scripts, styles,
// templates, <noscript> and <head>) and carries scripts: a shell that
// JavaScript fills. It reads the page's bytes, which need not be decoded:
// the markup is ASCII in every charset a page declares.
func NeedsScripts(page []byte) bool {
	text, scripts := StaticText(page)
	return scripts > 0 && text < MinStaticText
}

// StaticText counts the letters and digits a page shows without scripts,
// and the scripts it carries (JSON data blocks do not count).
func StaticText(page []byte) (text, scripts int) {
	z := html.NewTokenizer(bytes.NewReader(page))
	hidden := 0 // depth inside elements whose text is not shown
	for {
		switch z.Next() {
		case html.ErrorToken:
			return text, scripts
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script:
				if isCode(z, hasAttr) {
					scripts++
				}
				hidden++
			case atom.Style, atom.Template, atom.Noscript, atom.Head, atom.Title, atom.Textarea:
				hidden++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Head, atom.Title, atom.Textarea:
				if hidden > 0 {
					hidden--
				}
			}
		case html.TextToken:
			if hidden == 0 {
				for b := z.Raw(); len(b) > 0; {
					r, n := utf8.DecodeRune(b)
					if unicode.IsLetter(r) || unicode.IsDigit(r) {
						text++
					}
					b = b[n:]
				}
			}
		}
	}
}

// isCode reports whether the <script> just read runs code: no type, or a
// JavaScript or module type; not JSON, templates or other data.
func isCode(z *html.Tokenizer, hasAttr bool) bool {
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		if string(k) == "type" {
			t := string(bytes.ToLower(bytes.TrimSpace(v)))
			return t == "" || t == "module" || t == "text/javascript" || t == "application/javascript"
		}
	}
	return true
}
