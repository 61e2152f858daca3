package htmlx

import (
	"strings"

	"golang.org/x/net/html/atom"
)

// Void reports whether a is a void element: one that has no end tag and no
// content (the HTML parser's list, keygen included).
func Void(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param, atom.Keygen:
		return true
	}
	return false
}

// StyleHides reports whether an inline style attribute hides its element
// (display:none, visibility:hidden or collapse), declaration by declaration
// as CSS reads them: "--menu-display: none" hides nothing.
func StyleHides(style string) bool {
	s := strings.ToLower(style)
	if !strings.Contains(s, "none") && !strings.Contains(s, "hidden") && !strings.Contains(s, "collapse") {
		return false
	}
	for _, decl := range strings.Split(s, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.TrimSpace(prop)
		val = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "!important"))
		if (prop == "display" && val == "none") || (prop == "visibility" && (val == "hidden" || val == "collapse")) {
			return true
		}
	}
	return false
}

// CollapseSpace is s as a reader sees its white space: each run of spaces
// (Unicode's, so a no-break space too) one space, none at either end. It
// is how titles, metadata and alt text are read, on every path.
func CollapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
